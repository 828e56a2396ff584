/**
 * The metric registry: each descriptor on hand-made data, values worked by hand in the comments;
 * every descriptor has a case here (a new metric fails the last test until it gets one).
 */
import { describe, expect, it } from 'vitest';
import {
	DECISION_METRICS,
	FEATURE_METRICS,
	formatInterval,
	formatMetric,
	HEADLINE_METRICS,
	levelCurve,
	metricById,
	METRICS,
	PAIRWISE_METRICS,
	PARETO_DEFAULT_METRIC,
	PARETO_METRICS,
	score,
	type DecisionMetricInput,
	type FeatureMetricInput,
	type MetricId
} from './metrics.js';

/** An observer's answers by level: one {image: right} object per level. */
const answers = (...levels: Record<string, boolean>[]) => levels.map((level) => new Map(Object.entries(level)));

// Two levels. The model is right on a and c, wrong on b and d at the first; right on e and f at the second.
const decisionInput: DecisionMetricInput = {
	model: answers({ a: true, b: false, c: true, d: false }, { e: true, f: true }),
	humans: [
		// h1 vs model, level 1: (T,T) (T,F) (T,T) (F,F): c_obs 3/4; p_h 3/4, p_m 1/2; c_exp 3/8 + 1/8 = 1/2;
		//   kappa (3/4 - 1/2) / (1/2) = 0.5; squared accuracy difference (3/4 - 1/2)^2 = 1/16
		// level 2: (T,T) (F,T): c_obs 1/2; p_h 1/2, p_m 1; c_exp 1/2; kappa 0; (1/2 - 1)^2 = 1/4
		// h1 over levels: kappa 1/4, c_obs 5/8, accuracy difference 5/32
		answers({ a: true, b: true, c: true, d: false }, { e: true, f: false }),
		// h2 vs model, level 1: (T,T) (T,F): c_obs 1/2; p_h 1, p_m 1/2; c_exp 1/2; kappa 0; (1 - 1/2)^2 = 1/4;
		// nothing shared at level 2: h2 over levels is its level 1
		answers({ a: true, b: true }, {}),
		// h3 shares no trial with the model (z at level 1, a at level 2): left out of every mean
		answers({ z: true }, { a: true })
	],
	// levels where both have a value: (0, 0), (0.5, 1), (1, 1): x mean 1/2, y mean 2/3,
	// sxy = 1/3 + 0 + 1/6 = 1/2, sxx = 1/2, syy = 4/9 + 1/9 + 1/9 = 2/3, r = (1/2) / sqrt(1/3) = sqrt(3) / 2;
	// mean absolute difference (0 + 0.5 + 0) / 3 = 1/6
	modelNormalized: [0, 0.5, 1, null],
	humanNormalized: [0, 1, 1, 0.3]
};

// Two images compared; the ceiling 0.5.
const featureInput: FeatureMetricInput = {
	images: [
		{ spearman: 0.4, iou: 0.5, dice: 2 / 3 },
		{ spearman: 0.2, iou: 0.25, dice: 0.4 }
	],
	ceiling: 0.5
};

/** Each metric's value on the hand-made data above, and with nothing to compare. */
const EXPECTED: Record<MetricId, { value: number; none: number | null }> = {
	error_consistency: { value: 0.125, none: null }, // mean over people of (mean over levels): mean(1/4, 0)
	observed_consistency: { value: 9 / 16, none: null }, // mean(5/8, 1/2)
	accuracy_difference: { value: 13 / 64, none: null }, // mean(5/32, 1/4)
	curve_correlation: { value: Math.sqrt(3) / 2, none: null },
	curve_difference: { value: 1 / 6, none: null },
	alignment: { value: 0.6, none: null }, // mean(0.4, 0.2) = 0.3, / ceiling 0.5
	alignment_paper_ceiling: { value: 0.3 / 0.65753, none: null }, // 0.3 / the paper's 0.65753, whatever this data's ceiling
	mean_spearman: { value: 0.3, none: null }, // mean(0.4, 0.2)
	mean_iou: { value: 0.375, none: null }, // mean(0.5, 0.25)
	mean_dice: { value: 8 / 15, none: null } // mean(2/3, 2/5) = (10/15 + 6/15) / 2
};

describe('decision metrics', () => {
	const empty: DecisionMetricInput = { model: answers({}, {}), humans: [], modelNormalized: [0.5, null], humanNormalized: [null, 1] };
	for (const metric of DECISION_METRICS) {
		it(`${metric.id}: ${metric.label}`, () => {
			expect(score(metric, decisionInput)).toBeCloseTo(EXPECTED[metric.id].value, 12);
			expect(score(metric, empty)).toBe(EXPECTED[metric.id].none);
		});
	}
	it('error consistency per level: the mean over the people sharing trials at that level', () => {
		// level 1: mean(h1 0.5, h2 0) = 0.25; level 2: h1 alone, 0
		expect(levelCurve(metricById('error_consistency').perLevel, decisionInput.model, decisionInput.humans)).toEqual([0.25, 0]);
		expect(levelCurve(metricById('error_consistency').perLevel, answers({ a: true }, {}), decisionInput.humans.slice(0, 1))).toEqual([1, null]); // c_obs = 1: kappa 1
	});
	it('curve correlation of a constant curve is undefined (null)', () => {
		expect(score(metricById('curve_correlation'), { ...decisionInput, humanNormalized: [1, 1, 1, 1] })).toBeNull();
	});
});

describe('feature metrics', () => {
	for (const metric of FEATURE_METRICS) {
		it(`${metric.id}: ${metric.label}`, () => {
			expect(score(metric, featureInput)).toBeCloseTo(EXPECTED[metric.id].value, 12);
			expect(score(metric, { images: [], ceiling: 0.5 })).toBe(EXPECTED[metric.id].none);
		});
	}
	it('only feature alignment is divided by the human ceiling; its twin always by the paper\'s', () => {
		const halved = { ...featureInput, ceiling: 0.25 };
		expect(score(metricById('alignment'), halved)).toBeCloseTo(1.2, 12); // 0.3 / 0.25
		expect(score(metricById('alignment_paper_ceiling'), halved)).toBeCloseTo(0.3 / 0.65753, 12);
		expect(score(metricById('mean_spearman'), halved)).toBeCloseTo(0.3, 12);
	});
});

describe('the registry', () => {
	it('has a hand-worked case for every metric, unique ids, and a label, formula and source for each', () => {
		expect(METRICS.map((m) => m.id).sort()).toEqual(Object.keys(EXPECTED).sort());
		expect(new Set(METRICS.map((m) => m.id)).size).toBe(METRICS.length);
		for (const m of METRICS) expect(m.label && m.name && m.formula && m.source).toBeTruthy();
		// differences are better when lower, every other metric when higher
		expect(METRICS.filter((m) => m.direction === 'lower').map((m) => m.id)).toEqual(['accuracy_difference', 'curve_difference']);
		expect(METRICS.every((m) => m.direction === 'higher' || m.direction === 'lower')).toBe(true);
		// the trial-by-trial metrics (a per-level value, a human baseline over pairs)
		expect(PAIRWISE_METRICS.map((m) => m.id)).toEqual(['error_consistency', 'observed_consistency', 'accuracy_difference']);
		// the pareto selector offers every decision metric and feature alignment
		expect(PARETO_METRICS.map((m) => m.id)).toEqual([...DECISION_METRICS.map((m) => m.id), 'alignment']);
		expect(PARETO_METRICS.map((m) => m.id)).toContain(PARETO_DEFAULT_METRIC);
	});

	it('offers the headline alignment scores, formats values and names unknown ids', () => {
		expect(HEADLINE_METRICS.map((m) => m.id)).toEqual(['error_consistency', 'curve_correlation', 'alignment']);
		expect(formatMetric(metricById('alignment'), 0.61234)).toBe('0.612');
		expect(formatMetric(metricById('alignment'), null)).toBe('–');
		expect(() => metricById('brain_score')).toThrow('unknown metric "brain_score"; known: error_consistency, observed_consistency, accuracy_difference, curve_correlation, curve_difference, alignment');
	});
});

describe('formatInterval', () => {
	it('shows a 95 % interval in the metric\'s digits, and nothing when it is not estimable', () => {
		expect(formatInterval({ digits: 3 }, { ci_low: 0.05, ci_high: 0.2 })).toBe('[0.050, 0.200]');
		expect(formatInterval({ digits: 4 }, { ci_low: -0.01234, ci_high: 1 })).toBe('[-0.0123, 1.0000]');
		expect(formatInterval({ digits: 3 }, { ci_low: null, ci_high: null })).toBe('');
		expect(formatInterval({ digits: 3 }, undefined)).toBe('');
	});
});
