// Errors of the address-space model that a user can act on; `kind` picks the CLI exit code.
export type AddressSpaceErrorKind = 'invalid' | 'not-found' | 'conflict';

export class AddressSpaceError extends Error {
	constructor(
		message: string,
		readonly kind: AddressSpaceErrorKind,
	) {
		super(message);
		this.name = 'AddressSpaceError';
	}
}

export const invalid = (message: string) => new AddressSpaceError(message, 'invalid');
export const notFound = (message: string) => new AddressSpaceError(message, 'not-found');
export const conflict = (message: string) => new AddressSpaceError(message, 'conflict');
