// A JSON writer into a growing byte buffer, for statements that carry megabytes of numbers (the lease-history writer).

/**
 * JSON text written straight into bytes: the statements of a large batch carry megabytes of numbers, and as
 * JavaScript strings they would be garbage the collector must trace. SQLite reads it as CAST(? AS TEXT).
 */
export class JsonBytes {
	buf = Buffer.allocUnsafe(1 << 20);
	len = 0;

	private room(n: number): void {
		if (this.len + n <= this.buf.length) return;
		const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
		this.buf.copy(next, 0, 0, this.len);
		this.buf = next;
	}

	byte(c: number): void {
		this.room(1);
		this.buf[this.len++] = c;
	}

	ascii(text: string): void {
		const n = text.length;
		this.room(n);
		// Short constant pieces byte by byte: Buffer#write's call overhead costs more than these few bytes.
		if (n <= 8) for (let i = 0; i < n; i++) this.buf[this.len++] = text.charCodeAt(i);
		else this.len += this.buf.write(text, this.len, 'latin1');
	}

	/** An integer of magnitude below 2^53 (times and row ids). */
	int(n: number): void {
		this.room(17);
		const buf = this.buf;
		if (n < 0) {
			buf[this.len++] = 0x2d;
			n = -n;
		}
		if (n < 0x80000000) {
			// 32-bit arithmetic: every time before 2038 and every row id in practice.
			let digits = 1;
			for (let p = 10; p <= n && digits < 10; p *= 10) digits++;
			let at = (this.len += digits);
			let v = n | 0;
			do {
				const q = (v / 10) | 0;
				buf[--at] = 0x30 + v - q * 10;
				v = q;
			} while (v > 0);
			return;
		}
		this.len += buf.write(String(n), this.len, 'latin1');
	}

	ref(n: number): void {
		if (n === 0) this.ascii('null');
		else this.int(n);
	}

	time(n: number): void {
		if (Number.isNaN(n)) this.ascii('null');
		else this.int(n);
	}

	take(): Buffer {
		const out = Buffer.from(this.buf.subarray(0, this.len));
		this.len = 0;
		return out;
	}
}
