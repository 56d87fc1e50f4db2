// Wall-clock times written in a server's local time (Windows audit logs) turned into epoch seconds.

/** A fixed UTC offset in minutes (east positive), or an IANA zone name that knows daylight saving. */
export type ServerClock = { utcOffsetMinutes: number } | { timeZone: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, f);
	}
	return f;
}

/** Offset of `timeZone` from UTC, in ms, at the instant `utcMs`. */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
	const parts = zoneFormatter(timeZone).formatToParts(new Date(utcMs));
	const get = (t: string) => Number(parts.find(p => p.type === t)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Throws with a clear message for an unknown zone (checked once, up front, by the caller). */
export function checkClock(clock: ServerClock): void {
	if ('timeZone' in clock) zoneFormatter(clock.timeZone);
	else if (!Number.isFinite(clock.utcOffsetMinutes) || Math.abs(clock.utcOffsetMinutes) > 18 * 60) {
		throw new RangeError(`UTC offset ${clock.utcOffsetMinutes} minutes is outside ±18 h`);
	}
}

/**
 * Epoch seconds of a local wall-clock time. In a DST gap or overlap the earlier valid reading is taken,
 * as a log written during the repeated hour cannot say which one it meant.
 */
export function localToEpoch(clock: ServerClock, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
	const wall = Date.UTC(y, mo - 1, d, h, mi, s);
	if ('utcOffsetMinutes' in clock) return (wall - clock.utcOffsetMinutes * 60_000) / 1000;
	const first = wall - zoneOffsetMs(clock.timeZone, wall);
	const second = wall - zoneOffsetMs(clock.timeZone, first);
	return Math.min(first, second) / 1000;
}

/** Caches offsets per local hour: audit logs hold thousands of rows per hour. */
export class LocalClock {
	private readonly cache = new Map<number, number>();
	constructor(readonly clock: ServerClock) {
		checkClock(clock);
	}

	epoch(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
		if ('utcOffsetMinutes' in this.clock) return localToEpoch(this.clock, y, mo, d, h, mi, s);
		const hourKey = Date.UTC(y, mo - 1, d, h);
		let base = this.cache.get(hourKey);
		if (base === undefined) {
			base = localToEpoch(this.clock, y, mo, d, h, 0, 0);
			if (this.cache.size > 10_000) this.cache.clear();
			this.cache.set(hourKey, base);
		}
		return base + mi * 60 + s;
	}
}

export interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	/** 0 = Sunday. */
	weekday: number;
}

/** Epoch seconds → the server's wall clock; the zone offset is looked up once per hour of input. */
export class WallClockFormatter {
	private readonly offsets = new Map<number, number>();
	constructor(readonly clock: ServerClock) {
		checkClock(clock);
	}

	private offsetSeconds(epoch: number): number {
		if ('utcOffsetMinutes' in this.clock) return this.clock.utcOffsetMinutes * 60;
		const hour = Math.floor(epoch / 3600);
		let off = this.offsets.get(hour);
		if (off === undefined) {
			off = zoneOffsetMs(this.clock.timeZone, hour * 3600_000) / 1000;
			if (this.offsets.size > 100_000) this.offsets.clear();
			this.offsets.set(hour, off);
		}
		return off;
	}

	parts(epoch: number): WallClock {
		const d = new Date((epoch + this.offsetSeconds(epoch)) * 1000);
		return {
			year: d.getUTCFullYear(),
			month: d.getUTCMonth() + 1,
			day: d.getUTCDate(),
			hour: d.getUTCHours(),
			minute: d.getUTCMinutes(),
			second: d.getUTCSeconds(),
			weekday: d.getUTCDay(),
		};
	}
}
