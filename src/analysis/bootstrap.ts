/**
 * 95 % confidence intervals of the alignment scores (issue #17 item 2), by the percentile
 * bootstrap (Efron & Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13):
 *
 *   1. draw a resample: the units with replacement, as many as there are (seeded, so the same
 *      options give the same interval);
 *   2. compute the score on the resample exactly as on the data (the registry's formula);
 *   3. repeat `resamples` times (the report's `options.bootstrap`, default 1000) and take the
 *      2.5th and 97.5th percentiles of the scores (numpy.percentile's linear interpolation,
 *      stats.ts `percentile`).
 *
 * What is resampled:
 * - Decision metrics (error consistency, observed consistency, accuracy difference, curve
 *   correlation, curve difference): the images AND the included people, both at once (a
 *   two-way bootstrap: every resample draws the study's images with replacement and, separately,
 *   the included people with replacement). An image drawn k times counts k times in every
 *   observer's trials of it, at whatever level they saw it; a person drawn k times counts k
 *   times in the means over people. The model's trials are kept (it is one fixed observer). Who
 *   is included is not re-decided per resample (the exclusion check is on whole images, outside
 *   the scores).
 * - Feature metrics (alignment, Spearman, IoU, Dice): the images compared. People's maps are
 *   averaged over ClickMe players before they reach the analysis, so players are not resampled,
 *   and the ceiling a score is divided by is held fixed (it is estimated elsewhere).
 *
 * Each model draws from its own seeded stream (`seededRandom(purpose, seed, model key)`), so a
 * model's interval does not change when another model joins the study.
 *
 * An interval is null ("not estimable") when resampling is off (`resamples` 0), when there are
 * fewer than two images (one image gives the same value in every resample), when there is
 * nobody to compare with, or when the score is undefined in more than half of the resamples
 * (say, a curve correlation with too few levels in a resample); otherwise the percentiles are
 * over the resamples where it is defined. With one included person only the images vary.
 */
import { seededRandom } from '../stimuli/random.js';
import type { ImageAlignment } from './features.js';
import { normalizedCurve } from './decision.js';
import {
	DECISION_METRICS,
	FEATURE_METRICS,
	PAIRWISE_METRICS,
	score,
	type DecisionMetricId,
	type DecisionMetricInput,
	type FeatureMetricId,
	type LevelAnswers,
	type LevelComparison,
	type PairwiseMetricId
} from './metrics.js';
import { percentile } from './stats.js';

/** The coverage of every interval: 95 %, the 2.5th to the 97.5th percentile. */
export const CI_LEVEL = 0.95;
const LOW_Q = (100 * (1 - CI_LEVEL)) / 2;
const HIGH_Q = 100 - LOW_Q;

/** A 95 % interval; both ends null when it is not estimable. */
export interface Interval {
	ci_low: number | null;
	ci_high: number | null;
}

export const NO_INTERVAL: Interval = Object.freeze({ ci_low: null, ci_high: null });

/**
 * The percentile interval of bootstrap scores: the 2.5th and 97.5th percentiles of the defined
 * ones (null scores are resamples where the score is undefined); NO_INTERVAL when more than half
 * are undefined, or there are none.
 */
export function percentileInterval(scores: readonly (number | null)[]): Interval {
	const defined = scores.filter((s): s is number => s !== null && Number.isFinite(s));
	if (defined.length === 0 || defined.length * 2 < scores.length) return NO_INTERVAL;
	return { ci_low: percentile(defined, LOW_Q), ci_high: percentile(defined, HIGH_Q) };
}

/** One resample: `n` indices drawn uniformly from 0..n-1 with replacement. */
export function drawIndices(n: number, random: () => number): Int32Array {
	const drawn = new Int32Array(n);
	for (let k = 0; k < n; k++) drawn[k] = Math.floor(random() * n);
	return drawn;
}

/** One resample of the decision bootstrap: image indices (into the sorted image ids) and people indices. */
export interface DecisionDraw {
	images: Int32Array;
	people: Int32Array;
}

/**
 * The resamples of one model's decision bootstrap, in the order they are used: per resample the
 * images first, then the people, from the stream seeded by (purpose, seed, model key).
 */
export function decisionDraws(imageCount: number, peopleCount: number, resamples: number, seed: number | string, modelKey: string): DecisionDraw[] {
	const random = seededRandom('bootstrap-decision-metrics', seed, modelKey);
	return Array.from({ length: resamples }, () => ({ images: drawIndices(imageCount, random), people: drawIndices(peopleCount, random) }));
}

/**
 * Trials in flat typed arrays, in segments (one per observer, or pair of observers, and level):
 * segment g holds entries start[g] .. start[g + 1] - 1, each an image index and its outcome
 * 2 a + b, a and b whether the first and the second observer got it right (0 or 1).
 */
interface Segments {
	start: Int32Array;
	image: Int32Array;
	outcome: Uint8Array;
}

/** Segments of trials: one per [answers, other answers or null]; with another observer, only the images both answered. */
function segments(groups: readonly (readonly [ReadonlyMap<string, boolean>, ReadonlyMap<string, boolean> | null])[], index: ReadonlyMap<string, number>): Segments {
	const start = new Int32Array(groups.length + 1);
	const image: number[] = [], outcome: number[] = [];
	groups.forEach(([first, second], g) => {
		for (const [id, right] of first) {
			const other = second ? second.get(id) : false;
			if (other === undefined) continue;
			image.push(index.get(id)!);
			outcome.push((right ? 2 : 0) + (other ? 1 : 0));
		}
		start[g + 1] = image.length;
	});
	return { start, image: Int32Array.from(image), outcome: Uint8Array.from(outcome) };
}

/** How often each index was drawn, into `into` (a resample as weights). */
function countInto(drawn: Int32Array, into: Float64Array): Float64Array {
	into.fill(0);
	for (const i of drawn) into[i]!++;
	return into;
}

/** Weighted counts of segment g's outcomes into q[0..3], trial k counted w[image k] times. */
function tally(trials: Segments, g: number, w: Float64Array, q: Float64Array): void {
	q.fill(0);
	const { image, outcome } = trials;
	for (let k = trials.start[g]!, end = trials.start[g + 1]!; k < end; k++) q[outcome[k]!]! += w[image[k]!]!;
}

/** Accuracy of segment g (the first observer's answers, outcome 2 or 3 = right) under weights w; null when they sum to 0. */
function weightedAccuracy(trials: Segments, g: number, w: Float64Array, q: Float64Array): number | null {
	tally(trials, g, w, q);
	const n = q[0]! + q[1]! + q[2]! + q[3]!;
	return n ? (q[2]! + q[3]!) / n : null;
}

/**
 * errorConsistency (metrics.ts) of the repeated trials, from the weighted outcome counts q[2 a + b]
 * (a, b: first and second observer right), written into c; false when there are none.
 */
function comparisonOf(q: Float64Array, c: LevelComparison): boolean {
	const n = q[0]! + q[1]! + q[2]! + q[3]!;
	if (n === 0) return false;
	const same = q[0]! + q[3]!;
	c.n = n;
	c.p1 = (q[2]! + q[3]!) / n;
	c.p2 = (q[1]! + q[3]!) / n;
	c.c_obs = same / n;
	c.c_exp = c.p1 * c.p2 + (1 - c.p1) * (1 - c.p2);
	c.kappa = same === n ? 1 : (c.c_obs - c.c_exp) / (1 - c.c_exp);
	return true;
}

/** Answers repeated as a resample draws them: image i drawn k times becomes k images "i#0".."i#(k-1)". */
function repeatedAnswers(answers: LevelAnswers, images: readonly string[], w: Float64Array): LevelAnswers {
	const index = new Map(images.map((id, i) => [id, i]));
	return answers.map((level) => {
		const out = new Map<string, boolean>();
		for (const [image, right] of level) for (let k = 0; k < w[index.get(image)!]!; k++) out.set(`${image}#${k}`, right);
		return out;
	});
}

/**
 * 95 % intervals of every decision metric of one model (module comment: images and people
 * resampled together). `levels` are the report's levels (for the normalized curves), `humans`
 * the included people's answers, `modelKey` the model's report key (its random stream).
 *
 * Each resample is computed from weighted counts, which equals the registry's `compute` on the
 * repeated data without building it: at each (person, level), errorConsistency's counts over the
 * shared trials with trial k counted w[image k] times (whole numbers, so the shares are exact),
 * each trial-by-trial metric's `perLevel` of that, the mean over levels, then the mean over
 * people weighted by how often each was drawn; the other decision metrics get the resample's
 * normalized curves (accuracies from the same weights) and, should they read them, the repeated
 * answers. fixtures/bootstrap_reference.py checks this against the repeated data.
 */
export function decisionIntervals(
	model: LevelAnswers,
	humans: readonly LevelAnswers[],
	levels: readonly number[],
	options: { resamples: number; seed: number | string; modelKey: string }
): Record<DecisionMetricId, Interval> {
	const none = Object.fromEntries(DECISION_METRICS.map((m) => [m.id, NO_INTERVAL])) as Record<DecisionMetricId, Interval>;
	const images = [...new Set([model, ...humans].flatMap((answers) => answers.flatMap((level) => [...level.keys()])))].sort();
	if (options.resamples === 0 || images.length < 2 || humans.length === 0) return none;
	const index = new Map(images.map((id, i) => [id, i]));
	const L = model.length, P = humans.length;
	// segment j L + l: the model and person j at level l (pairwise); person j at level l (curves); the model at level l
	const pairs = segments(humans.flatMap((h) => model.map((level, l) => [level, h[l] ?? new Map<string, boolean>()] as const)), index);
	const people = segments(humans.flatMap((h) => h.map((level) => [level, null] as const)), index);
	const own = segments(model.map((level) => [level, null] as const), index);
	const others = DECISION_METRICS.filter((m) => !('perLevel' in m));
	const scores = Object.fromEntries(DECISION_METRICS.map((m) => [m.id, [] as (number | null)[]])) as Record<DecisionMetricId, (number | null)[]>;
	const w = new Float64Array(images.length), v = new Float64Array(P);
	const M = PAIRWISE_METRICS.length;
	const levelSum = new Float64Array(M), peopleSum = new Float64Array(M);
	const c: LevelComparison = { n: 0, p1: 0, p2: 0, c_obs: 0, c_exp: 0, kappa: 0 };
	const q = new Float64Array(4);

	for (const draw of decisionDraws(images.length, P, options.resamples, options.seed, options.modelKey)) {
		countInto(draw.images, w);
		countInto(draw.people, v);
		// trial-by-trial metrics: per person the mean over levels, then the weighted mean over people
		peopleSum.fill(0);
		let peopleWeight = 0;
		for (let j = 0; j < P; j++) {
			if (v[j] === 0) continue;
			levelSum.fill(0);
			let levelCount = 0;
			for (let l = 0; l < L; l++) {
				// q[2 a + b]: weighted trials where the model was right (a) and the person right (b)
				tally(pairs, j * L + l, w, q);
				if (!comparisonOf(q, c)) continue;
				for (let m = 0; m < M; m++) levelSum[m]! += PAIRWISE_METRICS[m]!.perLevel(c);
				levelCount++;
			}
			if (levelCount === 0) continue;
			for (let m = 0; m < M; m++) peopleSum[m]! += (v[j]! * levelSum[m]!) / levelCount;
			peopleWeight += v[j]!;
		}
		PAIRWISE_METRICS.forEach((metric, m) => scores[metric.id].push(peopleWeight ? peopleSum[m]! / peopleWeight : null));

		if (others.length) {
			const modelNormalized = normalizedCurve(levels.map((_, l) => weightedAccuracy(own, l, w, q)), levels);
			const humanAccuracy = levels.map((_, l) => {
				let sum = 0, total = 0;
				for (let j = 0; j < P; j++) {
					if (v[j] === 0) continue;
					const a = weightedAccuracy(people, j * L + l, w, q);
					if (a === null) continue;
					sum += v[j]! * a;
					total += v[j]!;
				}
				return total ? sum / total : null;
			});
			const humanNormalized = normalizedCurve(humanAccuracy, levels);
			// the answers as repeated data, built only if a metric reads them
			let repeated: { model: LevelAnswers; humans: LevelAnswers[] } | null = null;
			const build = () => (repeated ??= {
				model: repeatedAnswers(model, images, w),
				humans: [...draw.people].map((j) => repeatedAnswers(humans[j]!, images, w))
			});
			const input: DecisionMetricInput = {
				get model() { return build().model; },
				get humans() { return build().humans; },
				modelNormalized,
				humanNormalized
			};
			for (const metric of others) scores[metric.id].push(score(metric, input));
		}
	}
	return Object.fromEntries(DECISION_METRICS.map((m) => [m.id, percentileInterval(scores[m.id])])) as Record<DecisionMetricId, Interval>;
}

/** The resamples of the human baseline's bootstrap: per resample the images, then the people. */
export function baselineDraws(imageCount: number, peopleCount: number, resamples: number, seed: number | string): DecisionDraw[] {
	const random = seededRandom('bootstrap-human-baseline', seed);
	return Array.from({ length: resamples }, () => ({ images: drawIndices(imageCount, random), people: drawIndices(peopleCount, random) }));
}

/**
 * 95 % intervals of the human baseline (decision.ts humanBaseline: each trial-by-trial metric
 * over pairs of included people, per pair the mean over levels, then the mean over pairs), with
 * the images and the people resampled as for a model. A resample's pairs are the pairs of drawn
 * people who are not the same person (a person drawn twice is not paired with themself, which
 * would add perfect agreement): the pair of people i and j counts v_i v_j times when they were
 * drawn v_i and v_j times. NO_INTERVAL with fewer than two images or two people.
 */
export function baselineIntervals(people: readonly LevelAnswers[], options: { resamples: number; seed: number | string }): Record<PairwiseMetricId, Interval> {
	const none = Object.fromEntries(PAIRWISE_METRICS.map((m) => [m.id, NO_INTERVAL])) as Record<PairwiseMetricId, Interval>;
	const images = [...new Set(people.flatMap((answers) => answers.flatMap((level) => [...level.keys()])))].sort();
	const P = people.length;
	if (options.resamples === 0 || images.length < 2 || P < 2) return none;
	const index = new Map(images.map((id, i) => [id, i]));
	const L = people[0]!.length;
	const pairList: [number, number][] = [];
	for (let i = 0; i < P; i++) for (let j = i + 1; j < P; j++) pairList.push([i, j]);
	// segment p L + l: the p-th pair at level l, over the images both answered there
	const pairs = segments(pairList.flatMap(([i, j]) => people[i]!.map((level, l) => [level, people[j]![l] ?? new Map<string, boolean>()] as const)), index);
	const scores = Object.fromEntries(PAIRWISE_METRICS.map((m) => [m.id, [] as (number | null)[]])) as Record<PairwiseMetricId, (number | null)[]>;
	const w = new Float64Array(images.length), v = new Float64Array(P);
	const M = PAIRWISE_METRICS.length;
	const levelSum = new Float64Array(M), pairSum = new Float64Array(M);
	const c: LevelComparison = { n: 0, p1: 0, p2: 0, c_obs: 0, c_exp: 0, kappa: 0 };
	const q = new Float64Array(4);
	for (const draw of baselineDraws(images.length, P, options.resamples, options.seed)) {
		countInto(draw.images, w);
		countInto(draw.people, v);
		pairSum.fill(0);
		let pairWeight = 0;
		pairList.forEach(([i, j], p) => {
			const weight = v[i]! * v[j]!;
			if (weight === 0) return;
			levelSum.fill(0);
			let levelCount = 0;
			for (let l = 0; l < L; l++) {
				tally(pairs, p * L + l, w, q);
				if (!comparisonOf(q, c)) continue;
				for (let m = 0; m < M; m++) levelSum[m]! += PAIRWISE_METRICS[m]!.perLevel(c);
				levelCount++;
			}
			if (levelCount === 0) return;
			for (let m = 0; m < M; m++) pairSum[m]! += (weight * levelSum[m]!) / levelCount;
			pairWeight += weight;
		});
		PAIRWISE_METRICS.forEach((metric, m) => scores[metric.id].push(pairWeight ? pairSum[m]! / pairWeight : null));
	}
	return Object.fromEntries(PAIRWISE_METRICS.map((m) => [m.id, percentileInterval(scores[m.id])])) as Record<PairwiseMetricId, Interval>;
}

/** The resamples of one model's feature bootstrap: image indices into the compared images, sorted by id. */
export function featureDraws(imageCount: number, resamples: number, seed: number | string, source: string): Int32Array[] {
	const random = seededRandom('bootstrap-feature-metrics', seed, source);
	return Array.from({ length: resamples }, () => drawIndices(imageCount, random));
}

/**
 * 95 % intervals of every feature metric of one model: the images compared (the per-image scores
 * of a feature report, constant maps left out) resampled with replacement, each metric's
 * `compute` on the resample divided by the same ceiling. `source` is the model's map source
 * (model:<id>), its random stream.
 */
export function featureIntervals(
	images: Readonly<Record<string, ImageAlignment>>,
	ceiling: number,
	options: { resamples: number; seed: number | string; source: string }
): Record<FeatureMetricId, Interval> {
	const compared = Object.keys(images).sort().map((id) => images[id]!).filter((image) => image.spearman !== null);
	if (options.resamples === 0 || compared.length < 2) return Object.fromEntries(FEATURE_METRICS.map((m) => [m.id, NO_INTERVAL])) as Record<FeatureMetricId, Interval>;
	const draws = featureDraws(compared.length, options.resamples, options.seed, options.source);
	return Object.fromEntries(
		FEATURE_METRICS.map((m) => [m.id, percentileInterval(draws.map((drawn) => score(m, { images: [...drawn].map((i) => compared[i]!), ceiling })))])
	) as Record<FeatureMetricId, Interval>;
}
