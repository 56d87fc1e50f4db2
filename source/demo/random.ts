// A small seeded PRNG (mulberry32) so the demo enterprise is the same on every machine for a given seed.

export class Random {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}

	/** Roughly normal (sum of three uniforms), mean 0, standard deviation `sd`. */
	gauss(sd: number): number {
		return (this.next() + this.next() + this.next() - 1.5) * 2 * sd;
	}

	/** A child generator whose sequence does not depend on how much of this one was used afterwards. */
	fork(salt: number): Random {
		return new Random((Math.imul(this.state ^ salt, 2654435761) + salt) >>> 0);
	}
}
