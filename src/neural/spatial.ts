/**
 * Neural predictivity on spatially resolved recordings, as the 2023 paper defines it (Linsley et
 * al., "Performance-optimized deep neural networks are evolving into worse models of inferotemporal
 * visual cortex", Methods "Neural fitting" and Appendix B), made exact by issue #18 item 3.
 *
 * Data: recordings R[t, gy, gx, n] (T images, a G x G grid of positions, N neurons) and one layer's
 * features F[t, gy, gx, c] pooled to the same grid (pool.ts). Each image gives G*G rows.
 *
 * For each held-out image t (leave one image out):
 *   fit PLS (pls.ts: K = min(components, C, rows) components, X and Y centred, not scaled) on the
 *   (T - 1) G^2 rows of the other images, predict t's G^2 rows: P[t] (G^2 x N);
 *   r(t, n) = corr(P[t][:, n], R[t][:, n]) over t's G^2 positions (Spearman by default, as the
 *     paper states; Pearson as the published code computes); a constant prediction counts as 0;
 *   ceiling(t, n) = max over m != n of corr(R[t][:, n], R[t][:, m]) (the paper's Appendix B: "each
 *     neuron's noise ceiling for an image as the highest correlation between it and another
 *     neuron for that image"), with the same correlation;
 *   s(t) = median over the neurons with ceiling(t, n) > 0 of r(t, n) / ceiling(t, n)
 *     (neurons with a non-positive or undefined ceiling are left out of t; an image with none
 *     left has no score and is left out of the mean).
 * Layer score = mean over images of s(t); SD = the population SD over images (numpy's .std(), as
 * the published code reports it). Best layer = the layer with the highest score (the paper's
 * "best possible fit across layers").
 * Reported ceiling: the mean of ceiling(t, n) over the (t, n) with a positive ceiling.
 *
 * Appendix variant (`chosenLayerVariant`): for each held-out image t, a seeded random half of
 * the other images (floor((T - 1) / 2), at least 1) chooses the layer, by the highest mean of
 * their per-image scores s(.), and t's score under that layer is its score; mean and SD over t.
 * The per-image scores reused here come from the leave-one-out fits above, in which t was a
 * training image, but t's own score never takes part in choosing its layer.
 */
import { pearson, spearman } from '../analysis/spearman.js';
import { seededRandom } from '../stimuli/random.js';
import { fitPls, predictPls } from './pls.js';

export type Correlation = 'spearman' | 'pearson';
export const CORRELATIONS: readonly Correlation[] = ['spearman', 'pearson'];
/** The paper's number of PLS components. */
export const DEFAULT_COMPONENTS = 25;

/** R[image, gy, gx, neuron], row-major. */
export interface Recordings {
	images: number;
	grid: number;
	neurons: number;
	data: Float32Array | Float64Array;
}

/** F[image, gy, gx, channel], row-major (one layer, pooled to the recordings' grid). */
export interface GridFeatures {
	images: number;
	grid: number;
	channels: number;
	data: Float32Array | Float64Array;
}

export interface FitOptions {
	correlation?: Correlation;
	components?: number;
}

export interface LayerScore {
	score: number;
	sd: number;
	/** s(t) per image, null where no neuron had a positive ceiling. */
	per_image: (number | null)[];
	/** Components used (fewer than asked when the layer has fewer channels). */
	components: number;
}

export const correlate = (kind: Correlation, a: ArrayLike<number>, b: ArrayLike<number>): number => (kind === 'spearman' ? spearman(a, b) : pearson(a, b));

/** Median with the two middle values averaged; NaN for none. */
export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean and population SD (ddof 0) of the finite values; NaN when there are none. */
export function meanSd(values: readonly (number | null)[]): { mean: number; sd: number; n: number } {
	const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
	if (v.length === 0) return { mean: Number.NaN, sd: Number.NaN, n: 0 };
	const mean = v.reduce((a, b) => a + b, 0) / v.length;
	const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
	return { mean, sd, n: v.length };
}

/** Column n of image t's G^2 x N block. */
function neuronMap(rec: Recordings, t: number, n: number): Float64Array {
	const cells = rec.grid * rec.grid;
	const out = new Float64Array(cells);
	const base = t * cells * rec.neurons;
	for (let i = 0; i < cells; i++) out[i] = rec.data[base + i * rec.neurons + n]!;
	return out;
}

/** ceiling(t, n) for every image and neuron (NaN where undefined: a constant map, or one neuron). */
export function neuronCeilings(rec: Recordings, correlation: Correlation = 'spearman'): Float64Array[] {
	const out: Float64Array[] = [];
	for (let t = 0; t < rec.images; t++) {
		const maps = Array.from({ length: rec.neurons }, (_, n) => neuronMap(rec, t, n));
		const ceil = new Float64Array(rec.neurons).fill(Number.NaN);
		for (let n = 0; n < rec.neurons; n++) {
			for (let m = n + 1; m < rec.neurons; m++) {
				const r = correlate(correlation, maps[n]!, maps[m]!);
				if (!Number.isFinite(r)) continue;
				if (!(ceil[n]! >= r)) ceil[n] = r;
				if (!(ceil[m]! >= r)) ceil[m] = r;
			}
		}
		out.push(ceil);
	}
	return out;
}

/** The mean of the positive ceilings (the report's `ceiling.mean`). */
export function meanCeiling(ceilings: readonly Float64Array[]): number {
	return meanSd(ceilings.flatMap((c) => Array.from(c).filter((x) => x > 0))).mean;
}

/**
 * s(t) from a prediction P (G^2 x N, row-major) of image t: the median over neurons with a
 * positive ceiling of corr(P[:, n], R[t][:, n]) / ceiling(t, n); null when none has one.
 */
export function imageScore(rec: Recordings, t: number, predicted: ArrayLike<number>, ceiling: Float64Array, correlation: Correlation): number | null {
	const cells = rec.grid * rec.grid;
	const ratios: number[] = [];
	const column = new Float64Array(cells);
	for (let n = 0; n < rec.neurons; n++) {
		if (!(ceiling[n]! > 0)) continue;
		for (let i = 0; i < cells; i++) column[i] = predicted[i * rec.neurons + n]!;
		const r = correlate(correlation, column, neuronMap(rec, t, n));
		ratios.push((Number.isFinite(r) ? r : 0) / ceiling[n]!);
	}
	return ratios.length ? median(ratios) : null;
}

function checkShapes(rec: Recordings, features: GridFeatures): void {
	if (features.images !== rec.images) throw new Error(`the features have ${features.images} images, the recordings ${rec.images}`);
	if (features.grid !== rec.grid) throw new Error(`the features are on a ${features.grid} x ${features.grid} grid, the recordings on ${rec.grid} x ${rec.grid}`);
	if (rec.images < 2) throw new Error('leave-one-image-out needs at least 2 images');
}

/** Rows of every image but t: X ((T-1) G^2 x C) and Y ((T-1) G^2 x N). */
function trainingRows(rec: Recordings, features: GridFeatures, t: number): { X: Float64Array; Y: Float64Array; rows: number } {
	const cells = rec.grid * rec.grid, C = features.channels, N = rec.neurons;
	const rows = (rec.images - 1) * cells;
	const X = new Float64Array(rows * C), Y = new Float64Array(rows * N);
	let r = 0;
	for (let s = 0; s < rec.images; s++) {
		if (s === t) continue;
		X.set(features.data.subarray(s * cells * C, (s + 1) * cells * C), r * C);
		Y.set(rec.data.subarray(s * cells * N, (s + 1) * cells * N), r * N);
		r += cells;
	}
	return { X, Y, rows };
}

/**
 * One layer's leave-one-image-out score. `ceilings` from `neuronCeilings` (computed once per
 * dataset and correlation). `onImage` is told after each held-out image, with its prediction.
 */
export function scoreLayer(
	rec: Recordings,
	features: GridFeatures,
	ceilings: readonly Float64Array[],
	options: FitOptions = {},
	onImage?: (t: number, predicted: Float64Array) => void
): LayerScore {
	checkShapes(rec, features);
	const correlation = options.correlation ?? 'spearman';
	const cells = rec.grid * rec.grid, C = features.channels;
	const perImage: (number | null)[] = [];
	let used = 0;
	for (let t = 0; t < rec.images; t++) {
		const { X, Y, rows } = trainingRows(rec, features, t);
		const K = Math.min(options.components ?? DEFAULT_COMPONENTS, C, rows);
		const model = fitPls(X, Y, rows, C, rec.neurons, { components: K });
		used = model.components;
		const predicted = predictPls(model, features.data.subarray(t * cells * C, (t + 1) * cells * C), cells);
		perImage.push(imageScore(rec, t, predicted, ceilings[t]!, correlation));
		onImage?.(t, predicted);
	}
	const { mean, sd } = meanSd(perImage);
	return { score: mean, sd, per_image: perImage, components: used };
}

/** The best layer: the highest score (the first such in the given order). */
export function bestLayer(layers: Record<string, Pick<LayerScore, 'score'>>): { layer: string | null; score: number } {
	let best: string | null = null, score = Number.NaN;
	for (const [name, s] of Object.entries(layers)) if (Number.isFinite(s.score) && !(score >= s.score)) [best, score] = [name, s.score];
	return { layer: best, score };
}

export interface ChosenLayerVariant {
	score: number;
	sd: number;
	/** Per held-out image: the layer its half chose, and its score under that layer. */
	per_image: { layer: string | null; score: number | null }[];
}

/** The appendix variant (see the header): half the other images choose the layer, t scores it. */
export function chosenLayerVariant(layers: Record<string, Pick<LayerScore, 'per_image'>>, images: number, seed = 'neural-appendix'): ChosenLayerVariant {
	const perImage: ChosenLayerVariant['per_image'] = [];
	for (let t = 0; t < images; t++) {
		const others = Array.from({ length: images }, (_, i) => i).filter((i) => i !== t);
		const random = seededRandom(seed, t);
		for (let i = others.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[others[i], others[j]] = [others[j]!, others[i]!];
		}
		const half = others.slice(0, Math.max(1, Math.floor(others.length / 2)));
		const choice = bestLayer(Object.fromEntries(Object.entries(layers).map(([name, l]) => [name, { score: meanSd(half.map((i) => l.per_image[i] ?? null)).mean }])));
		perImage.push({ layer: choice.layer, score: choice.layer === null ? null : layers[choice.layer]!.per_image[t] ?? null });
	}
	const { mean, sd } = meanSd(perImage.map((p) => p.score));
	return { score: mean, sd, per_image: perImage };
}
