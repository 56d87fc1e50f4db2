// SQLite's binary JSON (JSONB, https://sqlite.org/jsonb.html) written straight into bytes: the lease history
// writer hands SQLite one BLOB per statement that it walks with jsonb_each without parsing text, and whose event
// arrays it stores as they are. Strings here are ASCII without escapes (hex keys); numbers are integers.

/** JSONB element types (the low 4 bits of a header byte). */
const INT = 0x3;
const TEXT = 0x7;
const ARRAY = 0xb;

export class JsonbBytes {
	buf: Buffer;
	len = 0;

	/** `size`: the bytes expected, so that the buffer seldom grows (growing copies it). */
	constructor(size = 1 << 20) {
		this.buf = Buffer.allocUnsafe(size);
	}

	room(n: number): void {
		if (this.len + n <= this.buf.length) return;
		const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
		this.buf.copy(next, 0, 0, this.len);
		this.buf = next;
	}

	/** An integer of magnitude below 2^53 (times and row ids). */
	int(n: number): void {
		this.room(20);
		const buf = this.buf;
		if (n < 0 || n >= 0x80000000) {
			const text = String(n);
			this.header(INT, text.length);
			this.len += buf.write(text, this.len, 'latin1');
			return;
		}
		// 32-bit arithmetic: every time before 2038 and every row id in practice.
		let digits = 1;
		for (let p = 10; p <= n && digits < 10; p *= 10) digits++;
		buf[this.len++] = (digits << 4) | INT;
		let at = (this.len += digits);
		let v = n | 0;
		do {
			const q = (v / 10) | 0;
			buf[--at] = 0x30 + v - q * 10;
			v = q;
		} while (v > 0);
	}

	/** A row id, or null for 0 (none). */
	ref(n: number): void {
		if (n === 0) this.nil();
		else this.int(n);
	}

	/** A time, or null for NaN (none). */
	time(n: number): void {
		if (Number.isNaN(n)) this.nil();
		else this.int(n);
	}

	nil(): void {
		this.room(1);
		this.buf[this.len++] = 0;
	}

	/** ASCII text that needs no escaping (at most 255 characters). */
	text(s: string): void {
		const n = s.length;
		this.room(n + 2);
		this.header(TEXT, n);
		const buf = this.buf;
		for (let i = 0; i < n; i++) buf[this.len++] = s.charCodeAt(i);
	}

	/** Opens an array; close() it with the returned position once its elements are written. */
	open(): number {
		this.room(5);
		const at = this.len;
		// A 4-byte size (JSONB allows a wider size field than needed), filled in when the array closes.
		this.buf[at] = 0xe0 | ARRAY;
		this.len += 5;
		return at;
	}

	close(at: number): void {
		this.buf.writeUInt32BE(this.len - at - 5, at + 1);
	}

	/** Opens an array whose elements take fewer than 256 bytes (one event): a 2-byte header. */
	openSmall(): number {
		this.room(2);
		const at = this.len;
		this.buf[at] = 0xc0 | ARRAY;
		this.len += 2;
		return at;
	}

	closeSmall(at: number): void {
		this.buf[at + 1] = this.len - at - 2;
	}

	/** Bytes already encoded elsewhere (an element built once and stored in several arrays). */
	copy(from: Buffer, start: number, end: number): void {
		const n = end - start;
		this.room(n);
		const buf = this.buf;
		if (n <= 64) for (let i = start; i < end; i++) buf[this.len++] = from[i];
		else this.len += from.copy(buf, this.len, start, end);
	}

	/** The bytes written so far (not copied: a statement may still be reading them), and a fresh buffer. */
	take(): Buffer {
		const out = this.buf.subarray(0, this.len);
		this.buf = Buffer.allocUnsafe(this.buf.length);
		this.len = 0;
		return out;
	}

	private header(type: number, size: number): void {
		if (size <= 11) this.buf[this.len++] = (size << 4) | type;
		else {
			this.buf[this.len++] = 0xc0 | type;
			this.buf[this.len++] = size;
		}
	}
}
