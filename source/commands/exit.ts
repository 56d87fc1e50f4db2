// Exit codes every command uses, so scripts can tell failures apart.

export const EXIT = {
	ok: 0,
	/** Runtime failure: a server or the store failed. */
	failure: 1,
	/** Wrong usage: unknown command or option, missing argument. */
	usage: 2,
	/** Bad input: invalid address, CIDR, range, file row… nothing was changed. */
	invalid: 3,
	/** The named object does not exist. */
	notFound: 4,
	/** The change would conflict with what is stored (overlap, duplicate). */
	conflict: 5,
	/** Partial success: some rows of an import were rejected (the good ones landed). */
	partial: 6,
} as const;

/** An error a command reports to the user with a chosen exit code. */
export class CommandError extends Error {
	constructor(
		message: string,
		readonly code: number = EXIT.failure,
	) {
		super(message);
		this.name = 'CommandError';
	}
}
