// Kea control-channel answers: the command envelope, result codes, and the errors a user sees for them.

/** One Kea answer: `{result, text?, arguments?}` (the Control Agent wraps one per service in an array). */
export interface KeaAnswer {
	result: number;
	text?: string;
	arguments?: Record<string, unknown>;
}

export const KeaResult = { success: 0, error: 1, unsupported: 2, empty: 3, conflict: 4 } as const;

export class KeaError extends Error {
	constructor(
		message: string,
		readonly result?: number,
	) {
		super(message);
		this.name = 'KeaError';
	}
}

/** The JSON sent for a command; `service` only for the Control Agent. */
export function commandBody(command: string, args: Record<string, unknown> | undefined, service?: string): string {
	const body: Record<string, unknown> = { command };
	if (service) body.service = [service];
	if (args) body.arguments = args;
	return JSON.stringify(body);
}

/** Parses an answer text from `where` (a socket path or URL); a malformed answer is an error naming both. */
export function parseAnswer(text: string, command: string, where: string): KeaAnswer {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (e) {
		const snippet = text.length > 80 ? `${text.slice(0, 80)}…` : text;
		throw new KeaError(`malformed answer to ${command} from ${where}: ${(e as Error).message} (got ${JSON.stringify(snippet)})`);
	}
	return answerOf(value, command, where);
}

/** The answer object in an already parsed reply. */
export function answerOf(value: unknown, command: string, where: string): KeaAnswer {
	// The Control Agent answers with one element per service; a direct socket answers with the object.
	const answer = Array.isArray(value) ? value[0] : value;
	if (answer === null || typeof answer !== 'object' || typeof (answer as KeaAnswer).result !== 'number') {
		throw new KeaError(`answer to ${command} from ${where} has no numeric "result"`);
	}
	return answer as KeaAnswer;
}

/** Turns error results into KeaError; success and "empty" pass through (empty is a normal end of paging). */
export function checkAnswer(answer: KeaAnswer, command: string, where: string): KeaAnswer {
	const text = answer.text ? `: ${answer.text}` : '';
	switch (answer.result) {
		case KeaResult.success:
		case KeaResult.empty:
			return answer;
		case KeaResult.unsupported:
			throw new KeaError(
				`${where} does not support ${command}${text}${command.startsWith('lease') || command.startsWith('stat') ? ' (are the lease_cmds and stat_cmds hooks loaded?)' : ''}`,
				answer.result,
			);
		case KeaResult.error:
			throw new KeaError(`${command} failed on ${where}${text}`, answer.result);
		default:
			throw new KeaError(`${command} on ${where} returned result ${answer.result}${text}`, answer.result);
	}
}
