/**
 * The alignment metrics, as one registry (like brain-score's `metric_registry`,
 * brainscore_vision/metrics/__init__.py: each metric is registered once under an id and every
 * benchmark looks it up there). Each descriptor says what the metric is (id, label, formula and
 * its source) and computes it; the decision report, the feature report, the dashboard's summary
 * rows, tables, alignment figure and pareto selector, and `npm run analyze` all iterate these
 * lists. Adding a metric is adding a descriptor here (plus its test in metrics.test.ts).
 *
 * A metric's score is `compute(input)`, divided by `ceiling(input)` when it has one (the human
 * noise ceiling, as brain-score's ceiled scores); null when either is missing.
 *
 * The id is the metric's key in the reports (decision report `models[<observer>]`, feature
 * report) and in the summary rows, so it stays stable.
 */
import type { ImageAlignment } from './features.js';
import { pearson } from './spearman.js';
import { finiteOrNull, mean } from './stats.js';

/**
 * The Harmonization paper's human ceiling (mean split-half Spearman of ClickMe players over 1000
 * random splits, Fel et al. 2022 section 3, "rho = 0.66"; 0.65753 in the Harmonization code). Every
 * feature report also gives the alignment divided by it, so results compare with published figures.
 */
export const HARMONIZATION_CEILING = 0.65753;

type Curve = readonly (number | null)[];

/**
 * One observer's answers, one map per reveal level (index = the report's level order): image id ->
 * right (true) or wrong (false). A trial the analysis leaves out (no answer under timeouts =
 * 'drop', decision.ts) is absent.
 */
export type LevelAnswers = readonly ReadonlyMap<string, boolean>[];

/** What a decision metric sees of one model, computed by decisionReport. */
export interface DecisionMetricInput {
	/** The model's answers by level. */
	model: LevelAnswers;
	/** Each included person's answers by level. */
	humans: readonly LevelAnswers[];
	/** Normalized accuracy per level (decision.ts, normalizedCurve) of the model and of people. */
	modelNormalized: Curve;
	humanNormalized: Curve;
}

/** What a feature metric sees of one model, computed by featureReport. */
export interface FeatureMetricInput {
	/** Per-image scores of the images compared (constant maps left out). */
	images: readonly ImageAlignment[];
	/** The human ceiling chosen for this comparison (features.ts, chooseCeiling). */
	ceiling: number;
}

/** Which way is better: a higher score is more aligned, or a lower one (a difference). */
export type Direction = 'higher' | 'lower';

interface MetricBase<Id extends string> {
	id: Id;
	/** Short name: table column, figure bar, CLI line. */
	label: string;
	/** Longer name: the pareto selector and axis. */
	name: string;
	/** The formula, in words a reader can check against the code. */
	formula: string;
	/** Where the formula comes from. */
	source: string;
	/** Which way is better; the pareto front (pareto.ts) reads it. */
	direction: Direction;
	/** Decimal places shown. */
	digits: number;
	/** A headline alignment score: drawn in the alignment figure. */
	headline: boolean;
}

export interface DecisionMetric<Id extends string = string> extends MetricBase<Id> {
	scope: 'decision';
	compute(input: DecisionMetricInput): number | null;
	ceiling?: (input: DecisionMetricInput) => number | null;
	/**
	 * For a trial-by-trial metric (two observers compared on the trials both answered): its value
	 * at one level. `compute` is then the mean over levels, then over people (levelThenPeopleMean),
	 * and the decision report gives the same number over pairs of people as the human baseline.
	 */
	perLevel?: (comparison: LevelComparison) => number;
}

export interface FeatureMetric<Id extends string = string> extends MetricBase<Id> {
	scope: 'feature';
	compute(input: FeatureMetricInput): number | null;
	ceiling?: (input: FeatureMetricInput) => number | null;
}

/** Two observers on the trials both answered at one level (errorConsistency). */
export interface LevelComparison {
	/** Shared trials. */
	n: number;
	/** Accuracies of the first and the second observer on those trials. */
	p1: number;
	p2: number;
	c_obs: number;
	c_exp: number;
	kappa: number;
}

/**
 * Error consistency (Geirhos, Meding & Wichmann 2020) over trials two observers share, given as
 * pairs of (first correct, second correct); exactly bethgelab/model-vs-human
 * modelvshuman/plotting/analyses.py, ErrorConsistency.analysis and .error_consistency:
 *   p1, p2 = the observers' accuracies on those trials (SixteenClassAccuracy.analysis),
 *   c_obs  = share of trials both got right or both got wrong ("observed-consistency"),
 *   c_exp  = p1 p2 + (1 - p1)(1 - p2)                        ("expected-consistency"),
 *   kappa  = 1 when c_obs = 1, else (c_obs - c_exp) / (1 - c_exp).
 * (c_exp = 1 only when both are always right or always wrong, and then c_obs = 1: kappa is
 * always defined.) Null when there are no shared trials (the reference asserts there are some).
 */
export function errorConsistency(pairs: readonly (readonly [boolean, boolean])[]): LevelComparison | null {
	if (pairs.length === 0) return null;
	let same = 0, right1 = 0, right2 = 0;
	for (const [a, b] of pairs) {
		if (a === b) same++;
		if (a) right1++;
		if (b) right2++;
	}
	const n = pairs.length;
	const p1 = right1 / n, p2 = right2 / n;
	const cObs = same / n;
	const cExp = p1 * p2 + (1 - p1) * (1 - p2);
	return { n, p1, p2, c_obs: cObs, c_exp: cExp, kappa: same === n ? 1 : (cObs - cExp) / (1 - cExp) };
}

/**
 * Two observers level by level: at each level, errorConsistency over the images both answered
 * there (null where they share none). This is model-vs-human's per-condition analysis
 * (plot.py, get_raw_benchmark_df: one row per model, human and condition).
 */
export function compareByLevel(a: LevelAnswers, b: LevelAnswers): (LevelComparison | null)[] {
	return a.map((answersA, l) => {
		const answersB = b[l];
		const pairs: [boolean, boolean][] = [];
		if (answersB) for (const [image, right] of answersA) {
			const other = answersB.get(image);
			if (other !== undefined) pairs.push([right, other]);
		}
		return errorConsistency(pairs);
	});
}

/** Mean of the values present; null for none. */
export const meanOrNull = (values: readonly (number | null)[]) => {
	const present = values.filter((v): v is number => v !== null);
	return present.length ? mean(present) : null;
};

/**
 * A trial-by-trial metric of one pair of observers: the mean over the levels where they share
 * trials of its per-level value (format_benchmark_df: "average over conditions"); null when they
 * share none.
 */
export function pairScore(perLevel: (c: LevelComparison) => number, a: LevelAnswers, b: LevelAnswers): number | null {
	return meanOrNull(compareByLevel(a, b).map((c) => (c ? perLevel(c) : null)));
}

/**
 * A trial-by-trial metric of a model against people, as model-vs-human's format_benchmark_df
 * averages it: per person the mean over levels with shared trials (pairScore), then the mean
 * over the people with any shared trial. Null when nobody shares a trial with the model.
 */
export function levelThenPeopleMean(perLevel: (c: LevelComparison) => number, model: LevelAnswers, humans: readonly LevelAnswers[]): number | null {
	return meanOrNull(humans.map((h) => pairScore(perLevel, model, h)));
}

/**
 * A trial-by-trial metric per level: at each level, the mean over the people who share trials
 * with the model there (model-vs-human analyses.py, ErrorConsistency.get_result_df, per
 * condition); null at a level where nobody does.
 */
export function levelCurve(perLevel: (c: LevelComparison) => number, model: LevelAnswers, humans: readonly LevelAnswers[]): (number | null)[] {
	const byHuman = humans.map((h) => compareByLevel(model, h));
	return model.map((_, l) => meanOrNull(byHuman.map((levels) => (levels[l] ? perLevel(levels[l]) : null))));
}

/** The model's and people's normalized accuracies at the levels where both have one. */
const sharedLevels = (modelNormalized: Curve, humanNormalized: Curve) =>
	modelNormalized
		.map((m, l) => [m, humanNormalized[l] ?? null] as const)
		.filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);

/** Mean of a per-image score over the images compared; null when there are none. */
const imageMean = (images: readonly ImageAlignment[], key: keyof ImageAlignment) => (images.length ? mean(images.map((image) => image[key]!)) : null);

const kappaOf = (c: LevelComparison) => c.kappa;
const observedOf = (c: LevelComparison) => c.c_obs;
/** model-vs-human's SixteenClassAccuracyDifference.analysis with its default norm=np.square. */
const squaredAccuracyDifference = (c: LevelComparison) => (c.p1 - c.p2) ** 2;

const MODEL_VS_HUMAN = 'bethgelab/model-vs-human';
const AVERAGING = `${MODEL_VS_HUMAN} modelvshuman/plotting/plot.py (get_raw_benchmark_df: one value per model, person and condition; format_benchmark_df: mean over conditions, then over people)`;

/** The decision metrics, in the order of the report, the tables and the CLI. */
export const DECISION_METRICS = [
	{
		id: 'error_consistency',
		label: 'Error consistency',
		name: 'Error consistency (kappa)',
		formula:
			"per person and reveal level, over the trials both answered at that level: c_obs = share with the same correctness, p1, p2 = the two accuracies there, c_exp = p1 p2 + (1 - p1)(1 - p2), kappa = (c_obs - c_exp) / (1 - c_exp), and kappa = 1 when c_obs = 1; then the mean over the levels with shared trials, then over the included people",
		source: `Geirhos, Meding & Wichmann 2020, "Beyond accuracy: quantifying trial-by-trial behaviour of CNNs and humans by measuring error consistency"; ${MODEL_VS_HUMAN} modelvshuman/plotting/analyses.py (ErrorConsistency); averaging: ${AVERAGING}`,
		direction: 'higher',
		digits: 3,
		headline: true,
		scope: 'decision',
		perLevel: kappaOf,
		compute: ({ model, humans }) => levelThenPeopleMean(kappaOf, model, humans)
	},
	{
		id: 'observed_consistency',
		label: 'Observed consistency',
		name: 'Observed consistency (c_obs)',
		formula:
			'per person and reveal level, the share of the trials both answered at that level that both got right or both got wrong (c_obs); then the mean over levels with shared trials, then over the included people',
		source: `${MODEL_VS_HUMAN} modelvshuman/plotting/analyses.py (ErrorConsistency, "observed-consistency"); averaging: ${AVERAGING}`,
		direction: 'higher',
		digits: 3,
		headline: false,
		scope: 'decision',
		perLevel: observedOf,
		compute: ({ model, humans }) => levelThenPeopleMean(observedOf, model, humans)
	},
	{
		id: 'accuracy_difference',
		label: 'Accuracy difference',
		name: 'Squared accuracy difference',
		formula:
			'per person and reveal level, (acc_model - acc_person)^2 over the trials both answered at that level; then the mean over levels with shared trials, then over the included people (lower is closer)',
		source: `${MODEL_VS_HUMAN} modelvshuman/plotting/analyses.py (SixteenClassAccuracyDifference, norm=np.square); averaging: ${AVERAGING}`,
		direction: 'lower',
		digits: 4,
		headline: false,
		scope: 'decision',
		perLevel: squaredAccuracyDifference,
		compute: ({ model, humans }) => levelThenPeopleMean(squaredAccuracyDifference, model, humans)
	},
	{
		id: 'curve_correlation',
		label: 'Curve correlation',
		name: 'Decision-curve correlation',
		formula:
			"Pearson r of the model's and people's normalized accuracy n(l) = (a(l) - 0.5) / (a(full) - 0.5) over the levels where both have a value (at least two; null for a constant curve). Pearson r ignores the curves' offset and scale, so it says whether the shapes agree, not the levels",
		source: 'Fel et al. 2022 (Harmonization), psychophysics: alignment of decision curves (the paper publishes no formula; this is the platform\'s definition)',
		direction: 'higher',
		digits: 3,
		headline: true,
		scope: 'decision',
		compute({ modelNormalized, humanNormalized }) {
			const both = sharedLevels(modelNormalized, humanNormalized);
			return both.length >= 2 ? finiteOrNull(pearson(both.map((p) => p[0]), both.map((p) => p[1]))) : null;
		}
	},
	{
		id: 'curve_difference',
		label: 'Curve difference',
		name: 'Mean absolute difference of normalized curves',
		formula:
			"mean over the levels where both have a value of |n_model(l) - n_people(l)|, n the normalized accuracy (a(l) - 0.5) / (a(full) - 0.5); 0 when the curves coincide (lower is closer); null without a shared level",
		source: 'Fel et al. 2022 (Harmonization), psychophysics: alignment of decision curves (the paper publishes no formula; this is the platform\'s definition)',
		direction: 'lower',
		digits: 3,
		headline: false,
		scope: 'decision',
		compute({ modelNormalized, humanNormalized }) {
			const both = sharedLevels(modelNormalized, humanNormalized);
			return both.length ? mean(both.map(([m, h]) => Math.abs(m - h))) : null;
		}
	}
] as const satisfies readonly DecisionMetric[];

/** The trial-by-trial decision metrics (with a per-level value): reported per level and for pairs of people. */
export const PAIRWISE_METRICS = DECISION_METRICS.filter((m): m is Extract<(typeof DECISION_METRICS)[number], { perLevel: unknown }> => 'perLevel' in m);
export type PairwiseMetricId = (typeof PAIRWISE_METRICS)[number]['id'];

/** The feature metrics, in the order of the report, the tables and the CLI. */
export const FEATURE_METRICS = [
	{
		id: 'alignment',
		label: 'Feature alignment',
		name: 'Feature alignment',
		formula: "mean over images of Spearman's rho between the model's saliency and people's ClickMe map (Harmonization preprocessing), divided by the human ceiling",
		source: 'Fel et al. 2022 (Harmonization), serre-lab/Harmonization harmonization/evaluation/metrics.py',
		direction: 'higher',
		digits: 3,
		headline: true,
		scope: 'feature',
		compute: ({ images }) => imageMean(images, 'spearman'),
		ceiling: ({ ceiling }) => ceiling
	},
	{
		id: 'alignment_paper_ceiling',
		label: 'Feature alignment (published ceiling)',
		name: "Feature alignment over the paper's ceiling",
		formula: "mean over images of Spearman's rho (as for feature alignment), divided by the Harmonization paper's published human ceiling 0.65753 instead of this data's own, so the score compares with the published figures",
		source: 'Fel et al. 2022 (Harmonization) section 3; serre-lab/Harmonization harmonization/evaluation/clickme.py',
		direction: 'higher',
		digits: 3,
		headline: false,
		scope: 'feature',
		compute: ({ images }) => imageMean(images, 'spearman'),
		ceiling: () => HARMONIZATION_CEILING
	},
	{
		id: 'mean_spearman',
		label: 'Spearman',
		name: 'Mean Spearman rho',
		formula: "mean over images of Spearman's rho between the two maps' pixels",
		source: 'serre-lab/Harmonization harmonization/evaluation/metrics.py (spearman_correlation)',
		direction: 'higher',
		digits: 3,
		headline: false,
		scope: 'feature',
		compute: ({ images }) => imageMean(images, 'spearman')
	},
	{
		id: 'mean_iou',
		label: 'IoU',
		name: 'Mean top-10 % IoU',
		formula: '|A and B| / (|A or B| + 1e-9) of the maps\' top 10 % pixels, mean over images',
		source: 'serre-lab/Harmonization harmonization/evaluation/metrics.py (intersection_over_union)',
		direction: 'higher',
		digits: 3,
		headline: false,
		scope: 'feature',
		compute: ({ images }) => imageMean(images, 'iou')
	},
	{
		id: 'mean_dice',
		label: 'Dice',
		name: 'Mean top-10 % Dice',
		formula: '2 |A and B| / (|A| + |B| + 1e-9) of the maps\' top 10 % pixels, mean over images',
		source: 'serre-lab/Harmonization harmonization/evaluation/metrics.py (dice)',
		direction: 'higher',
		digits: 3,
		headline: false,
		scope: 'feature',
		compute: ({ images }) => imageMean(images, 'dice')
	}
] as const satisfies readonly FeatureMetric[];

/** Every metric, decision first: the order of the dashboard's table and the summary rows. */
export const METRICS = [...DECISION_METRICS, ...FEATURE_METRICS] as const;

export type DecisionMetricId = (typeof DECISION_METRICS)[number]['id'];
export type FeatureMetricId = (typeof FEATURE_METRICS)[number]['id'];
export type MetricId = (typeof METRICS)[number]['id'];
export type Metric = (typeof METRICS)[number];

/** The headline alignment scores: the alignment figure's bars. */
export const HEADLINE_METRICS = METRICS.filter((m) => m.headline);

/**
 * The accuracy-vs-alignment (pareto) plot's choices: every decision metric and the headline
 * feature metric(s); each is drawn with its direction (a lower-is-better metric's front is the
 * lowest values). The plot starts on PARETO_DEFAULT_METRIC, feature alignment, the measure of
 * Fel et al. 2022's accuracy-vs-alignment figure.
 */
export const PARETO_METRICS = METRICS.filter((m) => m.scope === 'decision' || m.headline);
export const PARETO_DEFAULT_METRIC = 'alignment' satisfies MetricId;

/** The metric of an id (throws on an unknown id, naming the known ones). */
export function metricById<Id extends MetricId>(id: Id): Extract<Metric, { id: Id }>;
export function metricById(id: string): Metric;
export function metricById(id: string): Metric {
	const metric = METRICS.find((m) => m.id === id);
	if (!metric) throw new Error(`unknown metric "${id}"; known: ${METRICS.map((m) => m.id).join(', ')}`);
	return metric;
}

/** score = compute(input) / ceiling(input) when the metric has a ceiling, else compute(input). */
export function score<I>(metric: { compute(input: I): number | null; ceiling?: (input: I) => number | null }, input: I): number | null {
	const raw = metric.compute(input);
	if (raw === null || !metric.ceiling) return raw;
	const ceiling = metric.ceiling(input);
	return ceiling === null || ceiling === 0 ? null : raw / ceiling;
}

/** Every metric of a list scored on one input, as {id: score}. */
export function scoreAll<const M extends readonly { id: string; compute(input: I): number | null; ceiling?: (input: I) => number | null }[], I>(
	metrics: M,
	input: I
): Record<M[number]['id'], number | null> {
	return Object.fromEntries(metrics.map((m) => [m.id, score(m, input)])) as Record<M[number]['id'], number | null>;
}

/** A metric's value as shown: its digits, or `missing` (an en dash) for no value. */
export const formatMetric = (metric: Pick<MetricBase<string>, 'digits'>, value: number | null | undefined, missing = '–') =>
	value === null || value === undefined ? missing : value.toFixed(metric.digits);

/** A 95 % interval as tables show it, "[low, high]" in the metric's digits; '' when it is not estimable (bootstrap.ts). */
export const formatInterval = (metric: Pick<MetricBase<string>, 'digits'>, interval: { ci_low: number | null; ci_high: number | null } | undefined) =>
	interval && interval.ci_low !== null && interval.ci_high !== null ? `[${interval.ci_low.toFixed(metric.digits)}, ${interval.ci_high.toFixed(metric.digits)}]` : '';
