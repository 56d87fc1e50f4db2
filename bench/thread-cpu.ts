// CPU time of this process split into the main (JavaScript) thread and the rest (SQLite's work on libuv threads, GC helpers), from /proc (Linux).
import fs from 'node:fs';

/** clock ticks per second of /proc's utime/stime (USER_HZ; 100 on every Linux this runs on). */
const HZ = 100;

export interface ThreadCpu {
	main: number;
	other: number;
}

/** Milliseconds of CPU so far, or undefined where /proc/self/task is absent. */
export function threadCpu(): ThreadCpu | undefined {
	let tasks: string[];
	try {
		tasks = fs.readdirSync('/proc/self/task');
	} catch {
		return undefined;
	}
	const out = { main: 0, other: 0 };
	for (const t of tasks) {
		let stat: string;
		try {
			stat = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
		} catch {
			continue; // the thread ended between the listing and the read
		}
		// Fields after the parenthesised name: state is field 3, utime 14, stime 15.
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ms = ((Number(f[11]) + Number(f[12])) * 1000) / HZ;
		if (Number(t) === process.pid) out.main += ms;
		else out.other += ms;
	}
	return out;
}

/** "main X s + other Y s" between two readings (threads that ended in between are lost, so `other` is a floor). */
export function threadCpuSince(before: ThreadCpu | undefined): string {
	const now = threadCpu();
	if (!before || !now) return 'per-thread CPU unavailable';
	return `JS thread ${((now.main - before.main) / 1000).toFixed(2)} s + other threads (SQLite, GC) ${((now.other - before.other) / 1000).toFixed(2)} s`;
}
