/**
 * Spearman's rank correlation, the measure the Harmonization paper uses to compare importance
 * maps (and to compute the human split-half ceiling):
 *   rho(a, b) = Pearson correlation of rank(a) and rank(b),
 * with tied values given the average of the ranks they span (maps have many ties: every
 * unpainted pixel is 0). Returns NaN when either input is constant (no ranking to correlate).
 */

/** 1-based ranks, ties averaged: [10, 20, 20, 30] -> [1, 2.5, 2.5, 4]. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
	const n = values.length;
	const order = new Uint32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	order.sort((i, j) => values[i]! - values[j]!);
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
