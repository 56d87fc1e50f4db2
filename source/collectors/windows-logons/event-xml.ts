// Reads one Windows event as `EventRecord.ToXml()` gives it: System fields and EventData by Name. No XML library:
// the shape is fixed and small, and values are untrusted text (sanitized at display, never evaluated).

export interface WinEvent {
	id: number;
	version: number;
	recordId: number | null;
	/** Epoch seconds (UTC), fraction dropped. */
	ts: number;
	computer: string;
	data: Record<string, string>;
}

export class EventXmlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'EventXmlError';
	}
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
		if (name[0] === '#') {
			const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
			return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
		}
		return ENTITIES[name.toLowerCase()] ?? whole;
	});
}

function element(xml: string, name: string): string | null {
	const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
	return m ? decodeXml(m[1]) : null;
}

function attribute(xml: string, elementName: string, attr: string): string | null {
	const m = new RegExp(`<${elementName}\\s[^>]*?${attr}\\s*=\\s*(['"])(.*?)\\1`).exec(xml);
	return m ? decodeXml(m[2]) : null;
}

/** Parses one event's XML (single or double quotes, default namespace, 7–9 fraction digits). */
export function parseEventXml(xml: string): WinEvent {
	const system = element(xml, 'System');
	if (system === null) throw new EventXmlError('event XML has no <System> element');
	const idText = element(system, 'EventID');
	if (idText === null || !/^\d+$/.test(idText.trim())) throw new EventXmlError('event XML has no numeric <EventID>');
	const when = attribute(system, 'TimeCreated', 'SystemTime');
	if (!when) throw new EventXmlError(`event ${idText} has no TimeCreated SystemTime`);
	// Date.parse takes at most millisecond fractions reliably: cut longer ones.
	const iso = when.replace(/(\.\d{3})\d+/, '$1');
	const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
	if (!Number.isFinite(ms)) throw new EventXmlError(`event ${idText}: TimeCreated "${when}" is not a time`);
	const data: Record<string, string> = {};
	const eventData = element(xml, 'EventData') ?? '';
	const dataRe = /<Data\s+Name\s*=\s*(['"])(.*?)\1\s*(?:\/>|>([\s\S]*?)<\/Data>)/g;
	for (let m = dataRe.exec(eventData); m; m = dataRe.exec(eventData)) data[decodeXml(m[2])] = decodeXml(m[3] ?? '');
	const record = element(system, 'EventRecordID');
	return {
		id: Number(idText.trim()),
		version: Number(element(system, 'Version') ?? 0) || 0,
		recordId: record && /^\d+$/.test(record.trim()) ? Number(record.trim()) : null,
		ts: Math.floor(ms / 1000),
		computer: (element(system, 'Computer') ?? '').trim(),
		data,
	};
}
