// The one shape every file-format reader reports bad input in: file, line, what was wrong.

export interface FormatIssue {
	file: string;
	/** 1-based line number (0 when the problem is not tied to a line, e.g. an include loop's origin). */
	line: number;
	message: string;
}

export function formatIssue(issue: FormatIssue): string {
	return `${issue.file}:${issue.line}: ${issue.message}`;
}

/** Collects issues up to a limit so a garbage file cannot exhaust memory with error records. */
export class IssueLog {
	readonly issues: FormatIssue[] = [];
	dropped = 0;
	constructor(readonly file: string, private readonly limit = 1000) {}

	add(line: number, message: string): void {
		if (this.issues.length < this.limit) this.issues.push({ file: this.file, line, message });
		else this.dropped++;
	}
}
