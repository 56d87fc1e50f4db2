// Points in time and windows as a user types them ("yesterday 14:23", "2h ago", ISO, epoch), in the local time zone.
// Deep date-fns imports keep `ipam track` start-up small (the package index loads every function).
import { parseISO } from 'date-fns/parseISO';
import { isValid } from 'date-fns/isValid';
import { startOfDay } from 'date-fns/startOfDay';
import { addDays } from 'date-fns/addDays';
import { previousDay } from 'date-fns/previousDay';

export class TimeError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TimeError';
	}
}

/** A closed window in epoch seconds; null = unbounded on that side. */
export interface TimeWindow {
	from: number | null;
	to: number | null;
	/** Set when the window is a single point (`--at`). */
	at?: number;
}

const UNIT_SECONDS: Record<string, number> = {
	s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
	m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
	h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
	d: 86400, day: 86400, days: 86400,
	w: 604800, wk: 604800, week: 604800, weeks: 604800,
};

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const EXPECTED =
	'expected an ISO date/time (2026-11-24 14:23), "today 9:00", "yesterday 14:23", "last monday", "2h ago", "3 days ago", "now" or epoch seconds';

function seconds(d: Date): number {
	return Math.floor(d.getTime() / 1000);
}

/** "14:23", "9:00", "14:23:05", "2pm", "2:30pm" → [h, m, s] or null. */
function parseClock(text: string): [number, number, number] | null {
	const m = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?$/i.exec(text.trim());
	if (!m || (m[2] === undefined && !m[4])) return null;
	let h = Number(m[1]);
	const min = Number(m[2] ?? 0);
	const s = Number(m[3] ?? 0);
	if (m[4]) {
		if (h < 1 || h > 12) return null;
		h = (h % 12) + (m[4].toLowerCase() === 'pm' ? 12 : 0);
	}
	if (h > 23 || min > 59 || s > 59) return null;
	return [h, min, s];
}

function atClock(day: Date, clock: [number, number, number] | null): Date {
	const d = new Date(day);
	if (clock) d.setHours(clock[0], clock[1], clock[2], 0);
	return d;
}

/** "2h ago", "30m ago", "3 days ago", "1h30m ago", "2 hours 15 minutes ago" → seconds back, or null. */
function parseAgo(text: string): number | null {
	const m = /^(.*?)\s*ago$/i.exec(text);
	if (!m) return null;
	const body = m[1].trim().toLowerCase();
	if (body.length === 0) return null;
	const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*,?\s*/y;
	let total = 0;
	let pos = 0;
	while (pos < body.length) {
		part.lastIndex = pos;
		const p = part.exec(body);
		if (!p) return null;
		const unit = UNIT_SECONDS[p[2]];
		if (unit === undefined) throw new TimeError(`"${text}": unknown unit "${p[2]}" (use s, m, h, d or w)`);
		total += Number(p[1]) * unit;
		pos = part.lastIndex;
	}
	return total;
}

/** Date-only input (no clock part): used to make `--to 2026-11-24` mean the end of that day. */
export function isDateOnly(text: string): boolean {
	const t = text.trim().toLowerCase();
	return /^\d{4}-\d{2}-\d{2}$/.test(t) || /^(today|yesterday|(last\s+)?(sun|mon|tues|wednes|thurs|fri|satur)day)$/.test(t);
}

/**
 * Parses a point in time typed by a user, relative to `now`, in the process's local time zone (TZ).
 * Throws TimeError naming the input and the accepted forms.
 */
export function parseTime(text: string, now: Date = new Date()): number {
	const raw = text.trim();
	const t = raw.toLowerCase().replace(/\s+/g, ' ');
	if (t.length === 0) throw new TimeError(`empty time: ${EXPECTED}`);
	if (t === 'now') return seconds(now);
	// Epoch seconds (optionally "@1700000000"); 9–11 digits so a year or a clock is never taken for one.
	const epoch = /^@?(\d{9,11})$/.exec(t);
	if (epoch) return Number(epoch[1]);
	const ago = parseAgo(t);
	if (ago !== null) return Math.floor(now.getTime() / 1000 - ago);

	const [head, ...rest] = t.split(' ');
	const dayWords: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
	if (head in dayWords) {
		const clockText = rest.join(' ');
		const clock = clockText ? parseClock(clockText) : null;
		if (clockText && !clock) throw new TimeError(`"${raw}": "${clockText}" is not a time of day (expected 14:23 or 2pm)`);
		return seconds(atClock(addDays(startOfDay(now), dayWords[head]), clock));
	}
	const weekday = /^(?:last )?(sun|mon|tues|wednes|thurs|fri|satur)day(?: (.+))?$/.exec(t);
	if (weekday) {
		const index = WEEKDAYS.indexOf(`${weekday[1]}day`);
		const clock = weekday[2] ? parseClock(weekday[2]) : null;
		if (weekday[2] && !clock) throw new TimeError(`"${raw}": "${weekday[2]}" is not a time of day (expected 14:23 or 2pm)`);
		return seconds(atClock(previousDay(startOfDay(now), index as 0 | 1 | 2 | 3 | 4 | 5 | 6), clock));
	}
	const clockOnly = parseClock(t);
	if (clockOnly) return seconds(atClock(startOfDay(now), clockOnly));
	// ISO 8601 (date, date+time with T or space, optional offset/Z); no offset = local time.
	if (/^\d{4}-\d{2}(-\d{2})?([t ]\d{1,2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?(z|[+-]\d{2}(:?\d{2})?)?$/.test(t)) {
		const d = parseISO(raw.replace(' ', 'T'));
		if (isValid(d)) return seconds(d);
		throw new TimeError(`"${raw}" is not a valid date (check the month, day and hour)`);
	}
	throw new TimeError(`"${raw}" is not a time: ${EXPECTED}`);
}

/** A `--to` bound: a date without a clock means the end of that day. */
export function parseEndTime(text: string, now: Date = new Date()): number {
	const start = parseTime(text, now);
	if (!isDateOnly(text)) return start;
	return seconds(addDays(new Date(start * 1000), 1)) - 1;
}

/** Builds the window from `--at` or `--from/--to` option values; validates order and exclusivity. */
export function parseWindow(options: { at?: string; from?: string; to?: string }, now: Date = new Date()): TimeWindow {
	if (options.at !== undefined) {
		if (options.from !== undefined || options.to !== undefined) throw new TimeError('--at is a point in time: use it without --from/--to');
		const at = parseTime(options.at, now);
		return { from: at, to: at, at };
	}
	const from = options.from !== undefined ? parseTime(options.from, now) : null;
	const to = options.to !== undefined ? parseEndTime(options.to, now) : null;
	if (from !== null && to !== null && from > to) {
		throw new TimeError(`--from (${formatTime(from)}) is after --to (${formatTime(to)})`);
	}
	return { from, to };
}

/** Local-time display: "2026-11-24 14:23:05". */
export function formatTime(ts: number | null | undefined): string {
	if (ts === null || ts === undefined) return '';
	// Hand-rolled: date-fns/format pulls in the locale machinery, a large share of `ipam track`'s start-up.
	const d = new Date(ts * 1000);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Short duration: "3d 4h", "2h 5m", "45s". */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	const d = Math.floor(s / 86400);
	const h = Math.floor((s % 86400) / 3600);
	const m = Math.floor((s % 3600) / 60);
	if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
	if (h > 0) return m ? `${h}h ${m}m` : `${h}h`;
	if (m > 0) return `${m}m`;
	return `${s}s`;
}

export function describeWindow(w: TimeWindow): string {
	if (w.at !== undefined) return `at ${formatTime(w.at)}`;
	if (w.from === null && w.to === null) return 'all time';
	if (w.from === null) return `until ${formatTime(w.to)}`;
	if (w.to === null) return `since ${formatTime(w.from)}`;
	return `${formatTime(w.from)} – ${formatTime(w.to)}`;
}
