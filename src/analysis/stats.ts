/** Small statistics shared by the analyses, each with its formula. */

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	let sum = 0;
	for (const v of values) sum += v;
	return sum / values.length;
}

/**
 * The q-th percentile (q in [0, 100]) with linear interpolation between order statistics, as
 * numpy.percentile's default: with x sorted ascending and h = (n - 1) q / 100,
 *   P = x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)]).
 */
export function percentile(values: ArrayLike<number>, q: number): number {
	const n = values.length;
	if (n === 0) return Number.NaN;
	if (!(q >= 0 && q <= 100)) throw new Error(`percentile: q must be in [0, 100], got ${q}`);
	const sorted = Float64Array.from(values).sort();
	const h = ((n - 1) * q) / 100;
	const lo = Math.floor(h);
	return lo + 1 < n ? sorted[lo]! + (h - lo) * (sorted[lo + 1]! - sorted[lo]!) : sorted[lo]!;
}

/** NaN and infinities become null, for JSON reports ("no data" rather than a fake number). */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
