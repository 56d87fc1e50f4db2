// A batch of lease events with their references resolved, as typed columns: what the history writer (lease-history.ts) takes.

/**
 * Events with their references resolved, column by column (typed arrays: a million events make no garbage per
 * event). Reference columns use 0 for none (row ids start at 1); `expires` uses NaN.
 */
export class HistoryColumns {
	n = 0;
	/** Distinct addresses of the batch; `ip` indexes into them. */
	readonly addresses: { hex: string; family: number }[] = [];
	ip: Int32Array;
	ts: Float64Array;
	kind: Uint8Array;
	client: Int32Array;
	host: Int32Array;
	user: Int32Array;
	expires: Float64Array;

	constructor(capacity: number) {
		this.ip = new Int32Array(capacity);
		this.ts = new Float64Array(capacity);
		this.kind = new Uint8Array(capacity);
		this.client = new Int32Array(capacity);
		this.host = new Int32Array(capacity);
		this.user = new Int32Array(capacity);
		this.expires = new Float64Array(capacity);
	}

	/** The index of an address (lowercase hex key) in `addresses`, added when new. */
	address(hex: string, family: number): number {
		let i = this.byHex.get(hex);
		if (i === undefined) this.byHex.set(hex, (i = this.addresses.push({ hex, family }) - 1));
		return i;
	}

	private readonly byHex = new Map<string, number>();

	push(ip: number, ts: number, kind: number, client: number, host: number, user: number, expires: number): void {
		if (this.n === this.ts.length) this.grow();
		const i = this.n++;
		this.ip[i] = ip;
		this.ts[i] = ts;
		this.kind[i] = kind;
		this.client[i] = client;
		this.host[i] = host;
		this.user[i] = user;
		this.expires[i] = expires;
	}

	private grow(): void {
		const size = Math.max(1024, this.ts.length * 2);
		const more = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
			const b = new (a.constructor as new (n: number) => T)(size);
			b.set(a);
			return b;
		};
		this.ip = more(this.ip);
		this.ts = more(this.ts);
		this.kind = more(this.kind);
		this.client = more(this.client);
		this.host = more(this.host);
		this.user = more(this.user);
		this.expires = more(this.expires);
	}
}
