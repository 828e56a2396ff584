/**
 * Spearman's rank correlation, the measure the Harmonization paper uses to compare importance
 * maps (and to compute the human split-half ceiling):
 *   rho(a, b) = Pearson correlation of rank(a) and rank(b),
 * with tied values given the average of the ranks they span (maps have many ties: every
 * unpainted pixel is 0). Returns NaN when either input is constant (no ranking to correlate).
 */

/**
 * The permutation that sorts `values` ascending (stable): an LSD radix sort on the doubles' bits,
 * 6 passes of 11 bits, about 5x faster than a comparison sort on 50,000 pixels, which matters for
 * the 1000-split human ceiling. Each double's 64 bits are mapped to an unsigned key whose order is
 * the numeric order: for x >= 0 set the sign bit, for x < 0 invert all bits (and -0 is 0).
 */
export function sortOrder(values: ArrayLike<number>): Uint32Array {
	const n = values.length;
	const doubles = Float64Array.from(values);
	const words = new Uint32Array(doubles.buffer); // little-endian: [low, high] per double
	const high = new Uint32Array(n), low = new Uint32Array(n);
	for (let i = 0; i < n; i++) {
		if (Number.isNaN(doubles[i])) throw new Error(`cannot rank NaN (value ${i})`);
		let h = doubles[i] === 0 ? 0 : words[2 * i + 1]!, l = doubles[i] === 0 ? 0 : words[2 * i]!;
		if (h & 0x80000000) {
			h = ~h >>> 0;
			l = ~l >>> 0;
		} else h = (h | 0x80000000) >>> 0;
		high[i] = h;
		low[i] = l;
	}
	let order = new Uint32Array(n), next = new Uint32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	const count = new Uint32Array(2048);
	for (const [key, shift, bits] of [[low, 0, 11], [low, 11, 11], [low, 22, 10], [high, 0, 11], [high, 11, 11], [high, 22, 10]] as const) {
		const mask = (1 << bits) - 1;
		count.fill(0);
		for (let i = 0; i < n; i++) count[(key[order[i]!]! >>> shift) & mask]!++;
		for (let b = 0, sum = 0; b <= mask; b++) {
			const c = count[b]!;
			count[b] = sum;
			sum += c;
		}
		for (let i = 0; i < n; i++) {
			const o = order[i]!;
			next[count[(key[o]! >>> shift) & mask]!++] = o;
		}
		[order, next] = [next, order];
	}
	return order;
}

/** 1-based ranks, ties averaged: [10, 20, 20, 30] -> [1, 2.5, 2.5, 4]. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
	const n = values.length;
	const order = sortOrder(values);
	const ranks = new Float64Array(n);
	for (let start = 0; start < n; ) {
		let end = start + 1;
		while (end < n && values[order[end]!] === values[order[start]!]) end++;
		const rank = (start + 1 + end) / 2; // mean of the ranks start+1 .. end
		for (let k = start; k < end; k++) ranks[order[k]!] = rank;
		start = end;
	}
	return ranks;
}

/** Pearson's r = sum((x - mx)(y - my)) / sqrt(sum((x - mx)^2) sum((y - my)^2)). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
	if (x.length !== y.length) throw new Error(`pearson: the inputs differ in length (${x.length} and ${y.length})`);
	const n = x.length;
	let mx = 0, my = 0;
	for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
	mx /= n; my /= n;
	let sxy = 0, sxx = 0, syy = 0;
	for (let i = 0; i < n; i++) {
		const dx = x[i]! - mx, dy = y[i]! - my;
		sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
	}
	return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length) throw new Error(`spearman: the inputs differ in length (${a.length} and ${b.length})`);
	return pearson(averageRanks(a), averageRanks(b));
}
