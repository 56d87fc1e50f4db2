// Reads the moments people type when tracking: "yesterday 14:23", "14:23", "2026-11-24 14:23", "-2h", "now".
export class TimeSpecError extends Error {}

function atClock(day: Date, clock: string): Date {
	const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(clock);
	if (!m) throw new TimeSpecError(`"${clock}" is not a time of day (HH:MM or HH:MM:SS)`);
	const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
	if (h > 23 || min > 59 || s > 59) throw new TimeSpecError(`"${clock}" is not a time of day`);
	const d = new Date(day);
	d.setHours(h, min, s, 0);
	return d;
}

/** Epoch seconds for the moment described, in local time; throws TimeSpecError with the reason. */
export function parseTimeSpec(text: string, now = new Date()): number {
	const t = text.trim().toLowerCase();
	if (t === '' || t === 'now') return Math.floor(now.getTime() / 1000);
	const rel = /^-(\d+)\s*(s|m|min|h|d)$/.exec(t);
	if (rel) {
		const unit = { s: 1, m: 60, min: 60, h: 3600, d: 86400 }[rel[2] as 's'] ?? 1;
		return Math.floor(now.getTime() / 1000) - Number(rel[1]) * unit;
	}
	const dayWord = /^(today|yesterday)(?:\s+(.+))?$/.exec(t);
	if (dayWord) {
		const day = new Date(now);
		if (dayWord[1] === 'yesterday') day.setDate(day.getDate() - 1);
		return Math.floor(atClock(day, dayWord[2] ?? '00:00').getTime() / 1000);
	}
	const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ t](.+))?$/.exec(t);
	if (iso) {
		const day = new Date(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
		if (Number.isNaN(day.getTime()) || day.getMonth() !== Number(iso[2]) - 1) throw new TimeSpecError(`"${text}" is not a date`);
		return Math.floor(atClock(day, iso[4] ?? '00:00').getTime() / 1000);
	}
	if (/^\d{1,2}:\d{2}/.test(t)) return Math.floor(atClock(now, t).getTime() / 1000);
	if (/^\d{9,11}$/.test(t)) return Number(t);
	throw new TimeSpecError(`"${text}" is not a moment: try "yesterday 14:23", "2026-11-24 14:23", "14:23" or "-2h"`);
}
