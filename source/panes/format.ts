// How panes print stored values: address keys, prefixes, spans, ages and utilization bars.
import { formatKey } from '../domain/ip.js';

export function ipText(key: unknown): string {
	if (key == null) return '';
	try {
		return formatKey(key as Uint8Array);
	} catch {
		return '?';
	}
}

export function prefixText(start: unknown, length: unknown): string {
	return `${ipText(start)}/${length}`;
}

export function spanText(start: unknown, end: unknown): string {
	return `${ipText(start)}-${ipText(end)}`;
}

/** "12 s ago", "3 min ago", "in 2 h" — short enough for a column. */
export function age(ts: unknown, now = Date.now() / 1000): string {
	if (ts == null || ts === '') return '';
	const t = Number(ts);
	if (!Number.isFinite(t)) return '';
	const d = Math.round(now - t);
	const abs = Math.abs(d);
	const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.floor(abs / 60)} min` : abs < 172800 ? `${Math.floor(abs / 3600)} h` : `${Math.floor(abs / 86400)} d`;
	return d >= 0 ? `${text} ago` : `in ${text}`;
}

/** Local "YYYY-MM-DD HH:MM:SS" for event times. */
export function timeText(ts: unknown): string {
	if (ts == null) return '';
	const d = new Date(Number(ts) * 1000);
	if (Number.isNaN(d.getTime())) return '';
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function percent(used: unknown, size: unknown): number | null {
	const u = Number(used);
	const s = Number(size);
	if (!Number.isFinite(u) || !Number.isFinite(s) || s <= 0) return null;
	return Math.min(100, Math.max(0, (u / s) * 100));
}

/** "██████░░░░  61%" in `width` cells. */
export function utilizationBar(used: unknown, size: unknown, width = 10): string {
	const p = percent(used, size);
	if (p === null) return ''.padEnd(width + 5);
	const filled = Math.round((p / 100) * width);
	return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${Math.round(p).toString().padStart(3)}%`;
}

export function utilizationColor(used: unknown, size: unknown, over = 80, under = 20): string | undefined {
	const p = percent(used, size);
	if (p === null) return undefined;
	return p >= over ? 'red' : p <= under ? 'blue' : 'green';
}

export function countText(n: unknown): string {
	const v = Number(n);
	if (!Number.isFinite(v)) return '';
	// Beyond ten million the digits stop helping (IPv6 sizes): 16.8M, 4.3G, 1.2e+19.
	if (v >= 1e15) return v.toExponential(1);
	if (v >= 1e12) return `${(v / 1e12).toFixed(1)}T`;
	if (v >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
	if (v >= 1e7) return `${(v / 1e6).toFixed(1)}M`;
	return groupThousands(Math.round(v));
}

/** 1234567 → "1,234,567" without toLocaleString, whose first call loads ICU's locale data (~50 ms of start-up). */
export function groupThousands(n: number): string {
	const digits = String(Math.abs(n));
	let out = '';
	for (let end = digits.length; end > 0; end -= 3) out = digits.slice(Math.max(0, end - 3), end) + (out ? `,${out}` : '');
	return n < 0 ? `-${out}` : out;
}
