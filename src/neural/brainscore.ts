/**
 * The standard Brain-Score neural benchmark for recordings without positions (presentation x
 * neuroid), issue #18 item 4, as brain-score's `CrossRegressedCorrelation(pls_regression,
 * pearsonr_correlation)` with `InternalConsistency` as ceiling:
 *
 * Raw score: 10 splits of the images, each 90 % train / 10 % test, stratified by the images'
 * labels when they have some (each label keeps its share in the test part: round(0.1 n_label),
 * at least one image of the whole test part), seeded. Per split: PLS (pls.ts, 25 components or
 * fewer, centred, not scaled) on the training images' responses (mean over repetitions), predict
 * the test images; Pearson r per neuroid over the test images; the median over neuroids. Raw =
 * mean over splits (its SD beside it).
 *
 * Ceiling (split-half internal consistency with the Spearman-Brown correction): 10 seeded splits
 * of the repetitions into two halves; per split, the mean response of each half, Pearson r per
 * neuroid between the halves over images, the median over neuroids r_h, corrected to the full
 * number of repetitions as 2 r_h / (1 + r_h); ceiling = mean over splits. Ceiled = raw / ceiling.
 * Needs at least 2 repetitions; with one, the ceiling is null and so is the ceiled score.
 */
import { pearson } from '../analysis/spearman.js';
import { seededRandom } from '../stimuli/random.js';
import { fitPls, predictPls } from './pls.js';
import { DEFAULT_COMPONENTS, meanSd, median } from './spatial.js';

/** R[repetition, image, neuroid], row-major. */
export interface PresentationRecordings {
	repetitions: number;
	images: number;
	neuroids: number;
	data: Float32Array | Float64Array;
	/** Per image: the category that stratifies the splits (Brain-Score's object_name), or none. */
	labels?: readonly string[];
}

export interface BrainScoreResult {
	raw: number;
	raw_sd: number;
	ceiling: number | null;
	ceiled: number | null;
	per_split: number[];
	splits: number;
	components: number;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
	const a = [...items];
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[a[i], a[j]] = [a[j]!, a[i]!];
	}
	return a;
}

/** Test images of each split: 10 % of each label's images (stratified), seeded. */
export function stratifiedSplits(images: number, labels: readonly string[] | undefined, splits = 10, testShare = 0.1, seed = 'brainscore-splits'): number[][] {
	const groups = new Map<string, number[]>();
	for (let i = 0; i < images; i++) {
		const key = labels?.[i] ?? '';
		groups.set(key, [...(groups.get(key) ?? []), i]);
	}
	const out: number[][] = [];
	for (let s = 0; s < splits; s++) {
		const random = seededRandom(seed, s);
		let test: number[] = [];
		for (const members of groups.values()) test.push(...shuffled(members, random).slice(0, Math.round(testShare * members.length)));
		if (test.length === 0) test = [Math.floor(random() * images)];
		out.push(test.sort((a, b) => a - b));
	}
	return out;
}

/** Mean over the given repetitions: [image, neuroid]. */
function meanOver(rec: PresentationRecordings, reps: readonly number[]): Float64Array {
	const size = rec.images * rec.neuroids;
	const out = new Float64Array(size);
	for (const r of reps) for (let i = 0; i < size; i++) out[i]! += rec.data[r * size + i]!;
	for (let i = 0; i < size; i++) out[i]! /= reps.length;
	return out;
}

function column(m: Float64Array, rows: readonly number[], cols: number, c: number): Float64Array {
	return Float64Array.from(rows, (r) => m[r * cols + c]!);
}

/** The split-half Spearman-Brown ceiling (see the header); null with fewer than 2 repetitions. */
export function splitHalfCeiling(rec: PresentationRecordings, splits = 10, seed = 'brainscore-ceiling'): number | null {
	if (rec.repetitions < 2) return null;
	const all = Array.from({ length: rec.images }, (_, i) => i);
	const values: number[] = [];
	for (let s = 0; s < splits; s++) {
		const reps = shuffled(Array.from({ length: rec.repetitions }, (_, i) => i), seededRandom(seed, s));
		const half = Math.floor(rec.repetitions / 2);
		const a = meanOver(rec, reps.slice(0, half)), b = meanOver(rec, reps.slice(half));
		const rs: number[] = [];
		for (let n = 0; n < rec.neuroids; n++) {
			const r = pearson(column(a, all, rec.neuroids, n), column(b, all, rec.neuroids, n));
			if (Number.isFinite(r)) rs.push(r);
		}
		const rh = median(rs);
		values.push((2 * rh) / (1 + rh));
	}
	return meanSd(values).mean;
}

/** Raw and ceiled Brain-Score of one layer's features F[image, channel]. */
export function brainScore(rec: PresentationRecordings, features: { channels: number; data: Float32Array | Float64Array }, options: { components?: number; splits?: number } = {}): BrainScoreResult {
	const C = features.channels, N = rec.neuroids;
	if (features.data.length !== rec.images * C) throw new Error(`the features have ${features.data.length / C} images, the recordings ${rec.images}`);
	const Y = meanOver(rec, Array.from({ length: rec.repetitions }, (_, i) => i));
	const splits = stratifiedSplits(rec.images, rec.labels, options.splits ?? 10);
	const perSplit: number[] = [];
	let used = 0;
	for (const test of splits) {
		const testSet = new Set(test);
		const train = Array.from({ length: rec.images }, (_, i) => i).filter((i) => !testSet.has(i));
		const X = new Float64Array(train.length * C), Yt = new Float64Array(train.length * N);
		train.forEach((img, r) => {
			X.set(features.data.subarray(img * C, (img + 1) * C), r * C);
			Yt.set(Y.subarray(img * N, (img + 1) * N), r * N);
		});
		const model = fitPls(X, Yt, train.length, C, N, { components: Math.min(options.components ?? DEFAULT_COMPONENTS, C, train.length) });
		used = model.components;
		const Xs = new Float64Array(test.length * C);
		test.forEach((img, r) => Xs.set(features.data.subarray(img * C, (img + 1) * C), r * C));
		const predicted = predictPls(model, Xs, test.length);
		const rows = test.map((_, r) => r);
		const rs: number[] = [];
		for (let n = 0; n < N; n++) {
			const r = pearson(column(predicted, rows, N, n), column(Y, test, N, n));
			rs.push(Number.isFinite(r) ? r : 0);
		}
		perSplit.push(median(rs));
	}
	const { mean, sd } = meanSd(perSplit);
	const ceiling = splitHalfCeiling(rec);
	return { raw: mean, raw_sd: sd, ceiling, ceiled: ceiling && ceiling > 0 ? mean / ceiling : null, per_split: perSplit, splits: splits.length, components: used };
}

/** One layer in the report (numbers that are undefined are null). */
export interface BrainScoreLayer {
	raw: number | null;
	raw_sd: number | null;
	ceiled: number | null;
	per_split: (number | null)[];
}

/**
 * The standard variant's report for one model, as the command line writes it (`npm run neural --
 * brainscore`) and the page downloads it: per layer the raw score (mean over splits, SD) and the
 * ceiled one, the ceiling (one per dataset), the best layer (highest raw, so also highest ceiled),
 * and how the features were made (`feature_grid`: each layer's map block-averaged to that grid and
 * flattened, features.ts `flatFeatures`).
 */
export interface BrainScoreReport {
	variant: 'brain-score';
	ceiling: number | null;
	layers: Record<string, BrainScoreLayer>;
	best_layer: string | null;
	best_raw: number | null;
	best_ceiled: number | null;
	components: number;
	splits: number;
	feature_grid: number;
}

const num = (x: number | null | undefined) => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);

export function brainScoreReport(results: Record<string, BrainScoreResult>, options: { components?: number; featureGrid?: number } = {}): BrainScoreReport {
	const layers: Record<string, BrainScoreLayer> = {};
	let best: string | null = null;
	let ceiling: number | null = null, splits = 0;
	for (const [name, r] of Object.entries(results)) {
		layers[name] = { raw: num(r.raw), raw_sd: num(r.raw_sd), ceiled: num(r.ceiled), per_split: r.per_split.map(num) };
		ceiling = num(r.ceiling);
		splits = r.splits;
		if (layers[name].raw !== null && (best === null || layers[name].raw! > layers[best]!.raw!)) best = name;
	}
	return {
		variant: 'brain-score',
		ceiling,
		layers,
		best_layer: best,
		best_raw: best ? layers[best]!.raw : null,
		best_ceiled: best ? layers[best]!.ceiled : null,
		components: options.components ?? DEFAULT_COMPONENTS,
		splits,
		feature_grid: options.featureGrid ?? 1
	};
}
