// A utilization step series drawn as one row of block characters, evenly over time, on a fixed 0–100 % scale.

const BARS = '▁▂▃▄▅▆▇█';

export interface StepPoint {
	/** From this time (epoch seconds) on, until the next point, the figure was this. */
	ts: number;
	used: number;
	size: number;
}

function share(p: StepPoint): number {
	return p.size > 0 ? Math.min(1, Math.max(0, p.used / p.size)) : 0;
}

/**
 * `width` cells from the first point to `now`; a cell shows the highest figure in force during it, so a
 * short peak between two samples still shows. The scale is absolute (▁ empty, █ full), not fitted to the
 * series: a flat 90 % reads as full, not as a flat bottom line.
 */
export function sparkline(points: StepPoint[], width: number, now: number): string {
	if (points.length === 0 || width <= 0) return '';
	const start = points[0].ts;
	const span = Math.max(0, now - start);
	if (span === 0) return bar(share(points[points.length - 1]));
	let out = '';
	let i = 0;
	for (let cell = 0; cell < width; cell++) {
		const from = start + (span * cell) / width;
		const to = start + (span * (cell + 1)) / width;
		// The point in force at the cell's start, then every point that begins inside it.
		while (i + 1 < points.length && points[i + 1].ts <= from) i++;
		let high = share(points[i]);
		for (let j = i + 1; j < points.length && points[j].ts < to; j++) high = Math.max(high, share(points[j]));
		out += bar(high);
	}
	return out;
}

function bar(v: number): string {
	// Rounded to the nearest of the eight bars: ▁ is 0 %, █ only near 100 %.
	return BARS[Math.round(v * (BARS.length - 1))];
}
