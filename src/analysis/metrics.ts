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

type Curve = readonly (number | null)[];

/** What a decision metric sees of one model, computed by decisionReport. */
export interface DecisionMetricInput {
	/** The model's answers, right or wrong, by image and reveal level (one key per trial). */
	model: ReadonlyMap<string, boolean>;
	/** Each included person's answers, keyed the same way. */
	humans: readonly ReadonlyMap<string, boolean>[];
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
	/** Which way is better (every metric here: higher). */
	direction: 'higher';
	/** Decimal places shown. */
	digits: number;
	/** A headline alignment score: drawn in the alignment figure and offered on the pareto axis. */
	headline: boolean;
}

export interface DecisionMetric<Id extends string = string> extends MetricBase<Id> {
	scope: 'decision';
	compute(input: DecisionMetricInput): number | null;
	ceiling?: (input: DecisionMetricInput) => number | null;
}

export interface FeatureMetric<Id extends string = string> extends MetricBase<Id> {
	scope: 'feature';
	compute(input: FeatureMetricInput): number | null;
	ceiling?: (input: FeatureMetricInput) => number | null;
}

/**
 * Error consistency (Geirhos et al. 2020) over trials two observers share, given as pairs of
 * (first correct, second correct):
 *   c_obs = share of trials both got right or both got wrong,
 *   c_exp = p1 p2 + (1 - p1)(1 - p2), p the observers' accuracies on those trials,
 *   kappa = (c_obs - c_exp) / (1 - c_exp).
 * Null when there are no shared trials or c_exp = 1 (kappa undefined).
 */
export function errorConsistency(pairs: readonly (readonly [boolean, boolean])[]): { kappa: number; c_obs: number; c_exp: number } | null {
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
	if (cExp === 1) return null;
	return { kappa: (cObs - cExp) / (1 - cExp), c_obs: cObs, c_exp: cExp };
}

/** Mean of a per-image score over the images compared; null when there are none. */
const imageMean = (images: readonly ImageAlignment[], key: keyof ImageAlignment) => (images.length ? mean(images.map((image) => image[key]!)) : null);

/** The decision metrics, in the order of the report, the tables and the CLI. */
export const DECISION_METRICS = [
	{
		id: 'error_consistency',
		label: 'Error consistency',
		name: 'Error consistency (kappa)',
		formula: "Cohen's kappa of trial-by-trial errors with each included person, over the trials both saw (same image, same level), averaged over people with a defined kappa",
		source: 'Geirhos et al. 2020, "Beyond accuracy: quantifying trial-by-trial behaviour of CNNs and humans by measuring error consistency"; Fel et al. 2022 (Harmonization), psychophysics',
		direction: 'higher',
		digits: 3,
		headline: true,
		scope: 'decision',
		compute({ model, humans }) {
			const kappas: number[] = [];
			for (const human of humans) {
				const pairs: [boolean, boolean][] = [];
				for (const [key, humanRight] of human) {
					const modelRight = model.get(key);
					if (modelRight !== undefined) pairs.push([humanRight, modelRight]);
				}
				const ec = errorConsistency(pairs);
				if (ec) kappas.push(ec.kappa);
			}
			return kappas.length ? mean(kappas) : null;
		}
	},
	{
		id: 'curve_correlation',
		label: 'Curve correlation',
		name: 'Decision-curve correlation',
		formula: "Pearson r of the model's and people's normalized accuracy over the levels where both have a value (at least two; null for a constant curve)",
		source: 'Fel et al. 2022 (Harmonization), psychophysics: alignment of decision curves',
		direction: 'higher',
		digits: 3,
		headline: true,
		scope: 'decision',
		compute({ modelNormalized, humanNormalized }) {
			const both = modelNormalized
				.map((m, l) => [m, humanNormalized[l] ?? null] as const)
				.filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
			return both.length >= 2 ? finiteOrNull(pearson(both.map((p) => p[0]), both.map((p) => p[1]))) : null;
		}
	}
] as const satisfies readonly DecisionMetric[];

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

/** The headline alignment scores: the alignment figure's bars and the pareto selector's choices. */
export const HEADLINE_METRICS = METRICS.filter((m) => m.headline);

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
