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
	type LevelComparison
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

/** How often each index was drawn (a resample as weights). */
function counts(drawn: Int32Array, n: number): Float64Array {
	const w = new Float64Array(n);
	for (const i of drawn) w[i]!++;
	return w;
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

/** One observer's trials at one level as image indices and correctness. */
interface LevelTrials {
	images: Int32Array;
	correct: Uint8Array;
}

const asTrials = (answers: ReadonlyMap<string, boolean>, index: ReadonlyMap<string, number>): LevelTrials => {
	const images = new Int32Array(answers.size);
	const correct = new Uint8Array(answers.size);
	let k = 0;
	for (const [image, right] of answers) {
		images[k] = index.get(image)!;
		correct[k++] = right ? 1 : 0;
	}
	return { images, correct };
};

/** Two observers' shared trials at one level: image index, first correct, second correct. */
interface SharedTrials {
	images: Int32Array;
	a: Uint8Array;
	b: Uint8Array;
}

function shared(a: ReadonlyMap<string, boolean>, b: ReadonlyMap<string, boolean> | undefined, index: ReadonlyMap<string, number>): SharedTrials {
	const images: number[] = [], ra: number[] = [], rb: number[] = [];
	if (b) for (const [image, right] of a) {
		const other = b.get(image);
		if (other === undefined) continue;
		images.push(index.get(image)!);
		ra.push(right ? 1 : 0);
		rb.push(other ? 1 : 0);
	}
	return { images: Int32Array.from(images), a: Uint8Array.from(ra), b: Uint8Array.from(rb) };
}

/**
 * errorConsistency (metrics.ts) of shared trials where trial k counts w[image k] times: the same
 * numbers as errorConsistency over the trials repeated that often (counts are whole numbers, so
 * the shares are exact), without building the repeated list.
 */
export function weightedComparison(trials: SharedTrials, w: Float64Array): LevelComparison | null {
	let n = 0, right1 = 0, right2 = 0, same = 0;
	for (let k = 0; k < trials.images.length; k++) {
		const weight = w[trials.images[k]!]!;
		if (weight === 0) continue;
		n += weight;
		right1 += weight * trials.a[k]!;
		right2 += weight * trials.b[k]!;
		if (trials.a[k] === trials.b[k]) same += weight;
	}
	if (n === 0) return null;
	const p1 = right1 / n, p2 = right2 / n, cObs = same / n;
	const cExp = p1 * p2 + (1 - p1) * (1 - p2);
	return { n, p1, p2, c_obs: cObs, c_exp: cExp, kappa: same === n ? 1 : (cObs - cExp) / (1 - cExp) };
}

/** Accuracy per level of trials weighted by w (null where the weights there sum to 0). */
function weightedAccuracy(levels: readonly LevelTrials[], w: Float64Array): (number | null)[] {
	return levels.map(({ images, correct }) => {
		let n = 0, right = 0;
		for (let k = 0; k < images.length; k++) {
			const weight = w[images[k]!]!;
			n += weight;
			right += weight * correct[k]!;
		}
		return n ? right / n : null;
	});
}

/** Weighted mean of the values present (weights v); null when their weights sum to 0. */
function weightedMean(values: readonly (number | null)[], v: Float64Array): number | null {
	let sum = 0, total = 0;
	values.forEach((x, j) => {
		if (x === null || v[j] === 0) return;
		sum += v[j]! * x;
		total += v[j]!;
	});
	return total ? sum / total : null;
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
 * The trial-by-trial metrics are computed on each resample from weighted counts (weightedComparison,
 * then the mean over levels, then the mean over people weighted by how often each was drawn), which
 * equals the registry's `compute` on the repeated data; the other decision metrics get the
 * resample's normalized curves and, should they read them, the repeated answers.
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
	const sharedByPerson = humans.map((h) => model.map((level, l) => shared(level, h[l], index)));
	const modelTrials = model.map((level) => asTrials(level, index));
	const humanTrials = humans.map((h) => h.map((level) => asTrials(level, index)));
	const others = DECISION_METRICS.filter((m) => !('perLevel' in m));
	const scores = Object.fromEntries(DECISION_METRICS.map((m) => [m.id, [] as (number | null)[]])) as Record<DecisionMetricId, (number | null)[]>;

	for (const draw of decisionDraws(images.length, humans.length, options.resamples, options.seed, options.modelKey)) {
		const w = counts(draw.images, images.length);
		const v = counts(draw.people, humans.length);
		const comparisons = sharedByPerson.map((levelsOf, j) => (v[j] ? levelsOf.map((s) => weightedComparison(s, w)) : []));
		for (const metric of PAIRWISE_METRICS) {
			const perPerson = comparisons.map((byLevel) => {
				let sum = 0, count = 0;
				for (const c of byLevel) if (c) {
					sum += metric.perLevel(c);
					count++;
				}
				return count ? sum / count : null;
			});
			scores[metric.id].push(weightedMean(perPerson, v));
		}
		if (others.length) {
			const modelNormalized = normalizedCurve(weightedAccuracy(modelTrials, w), levels);
			const personCurves = humanTrials.map((t) => weightedAccuracy(t, w));
			const humanAccuracy = levels.map((_, l) => weightedMean(personCurves.map((c) => c[l]!), v));
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
