// The ISC configuration syntax (dhcpd.conf) as a statement tree: words and "quoted strings", `;` ends a
// statement, `{ … }` nests, `#` comments to end of line. Semantics live in dhcpd-conf.ts.

export interface ConfToken {
	text: string;
	quoted: boolean;
	line: number;
}

export interface ConfStatement {
	/** Words of the statement up to `;` or `{`; commas are their own tokens. */
	words: ConfToken[];
	/** Present for block statements (`subnet … { … }`). */
	body?: ConfStatement[];
	line: number;
	file: string;
}

export interface ConfSyntaxIssue {
	line: number;
	message: string;
}

function tokenize(text: string, issues: ConfSyntaxIssue[]): ConfToken[] {
	const tokens: ConfToken[] = [];
	let line = 1;
	let i = 0;
	const n = text.length;
	while (i < n) {
		const c = text[i];
		if (c === '\n') {
			line++;
			i++;
		} else if (c === ' ' || c === '\t' || c === '\r') {
			i++;
		} else if (c === '#') {
			while (i < n && text[i] !== '\n') i++;
		} else if (c === '"') {
			const start = line;
			let j = i + 1;
			let value = '';
			while (j < n && text[j] !== '"') {
				if (text[j] === '\\' && j + 1 < n) {
					value += text[j] + text[j + 1];
					j += 2;
					continue;
				}
				if (text[j] === '\n') line++;
				value += text[j++];
			}
			if (j >= n) issues.push({ line: start, message: 'quoted string is not closed' });
			tokens.push({ text: value, quoted: true, line: start });
			i = j + 1;
		} else if (c === ';' || c === '{' || c === '}' || c === ',') {
			tokens.push({ text: c, quoted: false, line });
			i++;
		} else {
			let j = i;
			while (j < n && !' \t\r\n;{}",#'.includes(text[j])) j++;
			tokens.push({ text: text.slice(i, j), quoted: false, line });
			i = j;
		}
	}
	return tokens;
}

/** Parses text into statements; unbalanced braces and unterminated statements become issues, not exceptions. */
export function parseConfStatements(text: string, file: string): { statements: ConfStatement[]; issues: ConfSyntaxIssue[] } {
	const issues: ConfSyntaxIssue[] = [];
	const tokens = tokenize(text, issues);
	let pos = 0;
	const block = (depth: number, openLine: number): ConfStatement[] => {
		const out: ConfStatement[] = [];
		let words: ConfToken[] = [];
		while (pos < tokens.length) {
			const t = tokens[pos++];
			if (!t.quoted && t.text === ';') {
				if (words.length > 0) out.push({ words, line: words[0].line, file });
				words = [];
			} else if (!t.quoted && t.text === '{') {
				const line = words[0]?.line ?? t.line;
				const body = block(depth + 1, t.line);
				out.push({ words, body, line, file });
				words = [];
			} else if (!t.quoted && t.text === '}') {
				if (words.length > 0) issues.push({ line: words[0].line, message: `statement "${words.map(w => w.text).join(' ')}" has no ';' before '}'` });
				if (depth === 0) {
					issues.push({ line: t.line, message: "'}' without a matching '{'" });
					words = [];
					continue;
				}
				return out;
			} else {
				words.push(t);
			}
		}
		if (words.length > 0) issues.push({ line: words[0].line, message: `statement "${words.map(w => w.text).join(' ')}" has no ';' (file ends)` });
		if (depth > 0) issues.push({ line: openLine, message: "block opened here is not closed before the end of the file" });
		return out;
	};
	const statements = block(0, 0);
	return { statements, issues };
}
