/**
 * The metric registry: each descriptor on hand-made data, values worked by hand in the comments;
 * every descriptor has a case here (a new metric fails the last test until it gets one).
 */
import { describe, expect, it } from 'vitest';
import { DECISION_METRICS, FEATURE_METRICS, formatMetric, HEADLINE_METRICS, metricById, METRICS, score, type DecisionMetricInput, type FeatureMetricInput, type MetricId } from './metrics.js';

const answers = (entries: Record<string, boolean>) => new Map(Object.entries(entries));

// The model is right on a and c, wrong on b and d.
const decisionInput: DecisionMetricInput = {
	model: answers({ a: true, b: false, c: true, d: false }),
	humans: [
		// h1 vs model: (T,T) (T,F) (T,T) (F,F): c_obs 3/4; p_h 3/4, p_m 1/2; c_exp 3/8 + 1/8 = 1/2; kappa (3/4 - 1/2) / (1/2) = 0.5
		answers({ a: true, b: true, c: true, d: false }),
		// h2 vs model: (T,T) (T,F): c_obs 1/2; p_h 1, p_m 1/2; c_exp 1/2; kappa 0
		answers({ a: true, b: true }),
		// h3 shares no trial with the model: no kappa, left out of the mean
		answers({ z: true })
	],
	// levels where both have a value: (0, 0), (0.5, 1), (1, 1): x mean 1/2, y mean 2/3,
	// sxy = 1/3 + 0 + 1/6 = 1/2, sxx = 1/2, syy = 4/9 + 1/9 + 1/9 = 2/3, r = (1/2) / sqrt(1/3) = sqrt(3) / 2
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
	error_consistency: { value: 0.25, none: null }, // mean(0.5, 0)
	curve_correlation: { value: Math.sqrt(3) / 2, none: null },
	alignment: { value: 0.6, none: null }, // mean(0.4, 0.2) = 0.3, / ceiling 0.5
	mean_spearman: { value: 0.3, none: null }, // mean(0.4, 0.2)
	mean_iou: { value: 0.375, none: null }, // mean(0.5, 0.25)
	mean_dice: { value: 8 / 15, none: null } // mean(2/3, 2/5) = (10/15 + 6/15) / 2
};

describe('decision metrics', () => {
	const empty: DecisionMetricInput = { model: new Map(), humans: [], modelNormalized: [0.5, 1], humanNormalized: [null, 1] };
	for (const metric of DECISION_METRICS) {
		it(`${metric.id}: ${metric.label}`, () => {
			expect(score(metric, decisionInput)).toBeCloseTo(EXPECTED[metric.id].value, 12);
			expect(score(metric, empty)).toBe(EXPECTED[metric.id].none);
		});
	}
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
	it('only feature alignment is divided by the human ceiling', () => {
		const halved = { ...featureInput, ceiling: 0.25 };
		expect(score(metricById('alignment'), halved)).toBeCloseTo(1.2, 12); // 0.3 / 0.25
		expect(score(metricById('mean_spearman'), halved)).toBeCloseTo(0.3, 12);
	});
});

describe('the registry', () => {
	it('has a hand-worked case for every metric, unique ids, and a label, formula and source for each', () => {
		expect(METRICS.map((m) => m.id).sort()).toEqual(Object.keys(EXPECTED).sort());
		expect(new Set(METRICS.map((m) => m.id)).size).toBe(METRICS.length);
		for (const m of METRICS) {
			expect(m.label && m.name && m.formula && m.source).toBeTruthy();
			expect(m.direction).toBe('higher');
		}
	});

	it('offers the headline alignment scores, formats values and names unknown ids', () => {
		expect(HEADLINE_METRICS.map((m) => m.id)).toEqual(['error_consistency', 'curve_correlation', 'alignment']);
		expect(formatMetric(metricById('alignment'), 0.61234)).toBe('0.612');
		expect(formatMetric(metricById('alignment'), null)).toBe('–');
		expect(() => metricById('brain_score')).toThrow('unknown metric "brain_score"; known: error_consistency, curve_correlation, alignment');
	});
});
