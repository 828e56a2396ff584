/**
 * Seeded pseudo-random numbers, so every random choice of the pipeline is reproducible.
 * The seed is a list of parts (the set seed, an image id, a purpose) hashed with xmur3 into the
 * state of sfc32 (both public-domain designs from PractRand; Bob Jenkins' small fast counter).
 */

function xmur3(text: string): () => number {
	let h = 1779033703 ^ text.length;
	for (let i = 0; i < text.length; i++) {
		h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
		h = (h << 13) | (h >>> 19);
	}
	return () => {
		h = Math.imul(h ^ (h >>> 16), 2246822507);
		h = Math.imul(h ^ (h >>> 13), 3266489909);
		return (h ^= h >>> 16) >>> 0;
	};
}

/** A generator of uniform numbers in [0, 1), fully determined by `parts`. */
export function seededRandom(...parts: (string | number)[]): () => number {
	const hash = xmur3(parts.join('\u0000'));
	let a = hash(), b = hash(), c = hash(), d = hash();
	const next = () => {
		a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
		let t = (a + b) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		d = (d + 1) | 0;
		t = (t + d) | 0;
		c = (c + t) | 0;
		return (t >>> 0) / 4294967296;
	};
	for (let i = 0; i < 15; i++) next(); // mix the initial state
	return next;
}
