/**
 * Decision curves, exclusions, normalization, error consistency and curve correlation against
 * values worked out by hand (the working is in the comments), plus the trial format and export.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapCurve, decisionReport, FULL_REVEAL, fullRevealIndex, normalizedCurve } from './decision.js';
import { errorConsistency } from './metrics.js';
import { exportTrials, type StoredDecisionTrial } from './export.js';
import { paretoFront } from './pareto.js';
import { percentile } from './stats.js';
import { parseTrialsCsv, TrialInputError, trialsToCsv, type Trial } from './trials.js';

const HEADER = 'observer,kind,image_id,category,reveal,response,rt_ms';

/** Builds a trial: `right` says whether the response matches the category (null: no answer). */
function trial(observer: string, image: string, reveal: number, right: boolean | null): Trial {
	const kind = observer.startsWith('m') ? 'model' : 'human';
	return { observer, kind, image_id: image, category: 'animal', reveal, response: right === null ? null : right ? 'animal' : 'non_animal', rt_ms: kind === 'human' && right !== null ? 480 : null };
}

// Levels 0.1, 0.5, 1. Humans h1..h4 (h3 fails the full-reveal check), one model m.
const HAND: Trial[] = [
	trial('h1', 'a', 0.1, true), trial('h1', 'b', 0.5, true), trial('h1', 'c', 1, true), trial('h1', 'd', 1, true), // [1, 1, 1]
	trial('h2', 'a', 0.5, false), trial('h2', 'b', 1, true), trial('h2', 'c', 0.1, false), trial('h2', 'd', 0.1, true), // [0.5, 0, 1]
	trial('h3', 'a', 1, false), trial('h3', 'b', 1, true), trial('h3', 'c', 0.5, true), // full-reveal 0.5: excluded
	trial('h4', 'a', 0.1, null), trial('h4', 'b', 1, true), // [0, -, 1]: no trial at 0.5
	trial('m', 'a', 0.1, true), trial('m', 'a', 0.5, true), trial('m', 'b', 0.5, false), trial('m', 'b', 1, true),
	trial('m', 'c', 1, false), trial('m', 'c', 0.1, false), trial('m', 'd', 1, true), trial('m', 'd', 0.1, true)
];

describe('decision report on a hand-worked case', () => {
	// h4's trial with no answer counts as wrong here (the values below were worked that way); the
	// default, timeouts 'drop', is tested further down
	const report = decisionReport(HAND, { bootstrap: 200, seed: 7, timeouts: 'wrong' });

	it('finds the levels and each observer accuracy, with counts and nulls for empty levels', () => {
		expect(report.levels).toEqual([0.1, 0.5, 1]);
		expect(report.observers.h1).toMatchObject({ kind: 'human', accuracy: [1, 1, 1], n: [1, 1, 2] });
		expect(report.observers.h2).toMatchObject({ kind: 'human', accuracy: [0.5, 0, 1], n: [2, 1, 1] });
		expect(report.observers.h4).toMatchObject({ kind: 'human', accuracy: [0, null, 1], n: [1, 0, 1] }); // no answer (null) is wrong
		// model: 0.1 -> a right, c wrong, d right = 2/3; 0.5 -> a right, b wrong = 1/2; 1 -> b, d right, c wrong = 2/3
		expect(report.observers.m!.accuracy).toEqual([2 / 3, 1 / 2, 2 / 3]);
	});

	it('excludes people at or below chance on whole images, and says why', () => {
		expect(report.humans.included).toEqual(['h1', 'h2', 'h4']);
		expect(report.humans.excluded).toEqual([{ id: 'h3', full_reveal_accuracy: 0.5, full_reveal_trials: 2, reason: 'accuracy on fully revealed images 0.500 is at most 0.5 (2 fully revealed trials)' }]);
		expect(decisionReport(HAND, { bootstrap: 0, exclusionThreshold: 0.4, timeouts: 'wrong' }).humans.excluded).toEqual([]);
	});

	it('averages included people per level, leaving out those with no trial there', () => {
		// 0.1: mean(1, 0.5, 0) = 0.5; 0.5: mean(1, 0) = 0.5 (h4 has none); 1: mean(1, 1, 1) = 1
		expect(report.human_curve.accuracy).toEqual([0.5, 0.5, 1]);
		// n(l) = (a - 0.5) / (1 - 0.5)
		expect(report.human_curve.normalized).toEqual([0, 0, 1]);
	});

	it('normalizes each model by its own full-reveal accuracy', () => {
		// (2/3 - 1/2) / (2/3 - 1/2) = 1, (1/2 - 1/2) / (1/6) = 0, 1
		const m = report.models.m!;
		expect(m.normalized[0]).toBeCloseTo(1, 12);
		expect(m.normalized[1]).toBeCloseTo(0, 12);
		expect(m.normalized[2]).toBeCloseTo(1, 12);
	});

	it('gives error consistency per level, then the mean over levels, then over included people', () => {
		// per (person, level), over the images both answered at that level (x: kappa, o: c_obs, d: squared accuracy difference):
		// h1 vs m: 0.1 {a: TT} c_obs 1 -> x 1, o 1, d 0; 0.5 {b: TF} p_h 1, p_m 0, c_exp 0 -> x 0, o 0, d 1;
		//          1 {c: TF, d: TT} p_h 1, p_m 0.5, c_obs 0.5, c_exp 0.5 -> x 0, o 0.5, d 0.25.  h1: x 1/3, o 1/2, d 5/12
		// h2 vs m: 0.1 {c: FF, d: TT} c_obs 1 -> x 1, o 1, d 0; 0.5 {a: FT} c_exp 0 -> x 0, o 0, d 1;
		//          1 {b: TT} -> x 1, o 1, d 0.                                               h2: x 2/3, o 2/3, d 1/3
		// h4 vs m: 0.1 {a: FT} (no answer, wrong) -> x 0, o 0, d 1; 1 {b: TT} -> x 1, o 1, d 0. h4: x 1/2, o 1/2, d 1/2
		// h3 is excluded. Means over people: x (1/3 + 2/3 + 1/2) / 3 = 1/2, o (1/2 + 2/3 + 1/2) / 3 = 5/9, d (5/12 + 4/12 + 6/12) / 3 = 5/12
		const m = report.models.m!;
		expect(m.error_consistency).toBeCloseTo(0.5, 12);
		expect(m.observed_consistency).toBeCloseTo(5 / 9, 12);
		expect(m.accuracy_difference).toBeCloseTo(5 / 12, 12);
		// per level, the mean over people: 0.1 mean(1, 1, 0), 0.5 mean(0, 0), 1 mean(0, 1, 1)
		expect(m.error_consistency_by_level[0]).toBeCloseTo(2 / 3, 12);
		expect(m.error_consistency_by_level[1]).toBe(0);
		expect(m.error_consistency_by_level[2]).toBeCloseTo(2 / 3, 12);
	});

	it('gives the same numbers for pairs of people as the human baseline', () => {
		// h1-h2 share no (image, level): left out. h1-h4 at 0.1 {a: TF}: x 0, o 0, d 1. h2-h4 at 1 {b: TT}: x 1, o 1, d 0.
		expect(report.human_baseline).toMatchObject({ error_consistency: 0.5, observed_consistency: 0.5, accuracy_difference: 0.5, error_consistency_by_level: [0, null, 1], pairs: 2 });
	});

	it('records every choice it was made with, and counts the trials with no answer', () => {
		expect(report.options).toEqual({ timeouts: 'wrong', exclusion_threshold: 0.5, bootstrap: 200, seed: 7, min_full_reveal_trials: 10 });
		expect(report.no_answer_trials).toBe(1);
	});

	it('correlates the normalized curves over levels', () => {
		// pearson([1, 0, 1], [0, 0, 1]): sxy = 1/3, sxx = syy = 2/3 -> 0.5
		expect(report.models.m!.curve_correlation).toBeCloseTo(0.5, 12);
	});

	it('brackets the human curve with a seeded bootstrap', () => {
		const { ci_low, ci_high } = report.human_curve;
		for (let l = 0; l < 3; l++) {
			expect(ci_low[l]!).toBeLessThanOrEqual(report.human_curve.accuracy[l]!);
			expect(ci_high[l]!).toBeGreaterThanOrEqual(report.human_curve.accuracy[l]!);
		}
		expect(ci_low[2]).toBe(1); // everyone is right on whole images: no spread
		expect(ci_high[2]).toBe(1);
		expect(decisionReport(HAND, { bootstrap: 200, seed: 7, timeouts: 'wrong' }).human_curve).toEqual(report.human_curve);
	});
});

describe('trials with no answer (timeouts)', () => {
	// the default: h4's unanswered trial (a at 0.1) is left out of every measure
	const report = decisionReport(HAND, { bootstrap: 0 });

	it('are dropped by default, as serre-lab/rapid_categorization (ignore_timeouts=True)', () => {
		expect(report.options.timeouts).toBe('drop');
		expect(report.no_answer_trials).toBe(1);
		expect(report.levels).toEqual([0.1, 0.5, 1]);
		expect(report.observers.h4).toMatchObject({ kind: 'human', accuracy: [null, null, 1], n: [0, 0, 1] });
		// 0.1: mean(h1 1, h2 0.5) = 0.75 (h4 has no counted trial there); normalized (0.75 - 0.5) / 0.5 = 0.5
		expect(report.human_curve.accuracy).toEqual([0.75, 0.5, 1]);
		expect(report.human_curve.normalized).toEqual([0.5, 0, 1]);
		// h4 vs m now only at 1 {b: TT}: kappa 1; the model's mean (1/3 + 2/3 + 1) / 3 = 2/3; at 0.1 mean(h1 1, h2 1) = 1
		expect(report.models.m!.error_consistency).toBeCloseTo(2 / 3, 12);
		expect(report.models.m!.error_consistency_by_level[0]).toBe(1);
		// pairs: h1-h4 now share nothing; h2-h4 at 1 {b: TT}
		expect(report.human_baseline).toMatchObject({ error_consistency: 1, observed_consistency: 1, accuracy_difference: 0, error_consistency_by_level: [null, null, 1], pairs: 1 });
	});

	it('are counted wrong when asked, and a bad rule is named', () => {
		expect(decisionReport(HAND, { bootstrap: 0, timeouts: 'wrong' }).observers.h4!.accuracy).toEqual([0, null, 1]);
		expect(() => decisionReport(HAND, { timeouts: 'skip' as 'drop' })).toThrow('timeouts must be drop or wrong, got "skip"');
	});
});

describe('the pieces', () => {
	it('error consistency: kappa from hand-counted tables, null without shared trials, 1 when c_obs = 1', () => {
		// 10 trials: both right 4, both wrong 2, only first right 3, only second right 1
		// p1 = 0.7, p2 = 0.5, c_obs = 0.6, c_exp = 0.35 + 0.15 = 0.5, kappa = 0.1 / 0.5 = 0.2
		const pairs: [boolean, boolean][] = [
			...Array(4).fill([true, true]), ...Array(2).fill([false, false]), ...Array(3).fill([true, false]), [false, true]
		];
		const ec = errorConsistency(pairs)!;
		expect(ec.c_obs).toBeCloseTo(0.6, 12);
		expect(ec.c_exp).toBeCloseTo(0.5, 12);
		expect(ec.kappa).toBeCloseTo(0.2, 12);
		expect(errorConsistency([])).toBeNull();
		// c_obs = 1 gives kappa 1, as model-vs-human's ErrorConsistency.error_consistency (this was null
		// before issue #14, when c_exp = 1 left kappa undefined)
		expect(errorConsistency([[true, true], [true, true]])!.kappa).toBe(1);
		expect(errorConsistency([[true, true], [false, false]])!.kappa).toBe(1); // c_exp 0.5
		expect(errorConsistency([[true, false], [false, true]])!.kappa).toBeCloseTo(-1, 12); // c_obs 0, c_exp 0.5
	});

	it('normalized curve is all null when the top level is missing or at chance', () => {
		expect(normalizedCurve([0.6, null], [0.5, 1])).toEqual([null, null]);
		expect(normalizedCurve([0.6, 0.5], [0.5, 1])).toEqual([null, null]);
		expect(normalizedCurve([0.75, null, 1], [0.1, 0.5, 1])).toEqual([0.5, null, 1]);
	});

	it('fully revealed is reveal 1, for the exclusion and the normalization alike', () => {
		expect(FULL_REVEAL).toBe(1);
		expect(fullRevealIndex([0.1, 0.5, 1])).toBe(2);
		// no trial at reveal 1: nothing to normalize by, and nobody can fail the full-reveal check
		expect(fullRevealIndex([0.1, 0.5])).toBeNull();
		expect(normalizedCurve([0.75, 1], [0.1, 0.5])).toEqual([null, null]);
		const partial = decisionReport([trial('h1', 'a', 0.5, false), trial('m', 'a', 0.5, true)], { bootstrap: 0 });
		expect(partial.humans).toEqual({ included: ['h1'], excluded: [], full_reveal_trials: { h1: 0 }, few_full_reveal: ['h1'] });
		expect(partial.models.m!.normalized).toEqual([null]);
	});

	it('bootstrap of two people at 0 and 1 spans 0..1; a level nobody saw stays null', () => {
		// resample means are 0, 0.5 or 1 with chances 1/4, 1/2, 1/4: both tails hold far more than 2.5 %
		const ci = bootstrapCurve([[0, null], [1, null]], 2, 1000, 1);
		expect(ci).toEqual({ ci_low: [0, null], ci_high: [1, null] });
	});

	it('percentile interpolates like numpy', () => {
		expect(percentile([4, 1, 3, 2], 90)).toBeCloseTo(3.7, 12); // h = 2.7 -> 3 + 0.7
		expect(percentile([1, 2, 3, 4], 2.5)).toBeCloseTo(1.075, 12); // h = 0.075
		expect(percentile([5], 50)).toBe(5);
	});

	it('pareto front: the models nobody beats on both axes, by accuracy', () => {
		const points = [{ id: 'A', x: 0.5, y: 0.2 }, { id: 'B', x: 0.6, y: 0.1 }, { id: 'C', x: 0.55, y: 0.15 }, { id: 'D', x: 0.5, y: 0.1 }];
		expect(paretoFront(points).map((p) => p.id)).toEqual(['A', 'C', 'B']);
		// a lower-is-better metric (a difference): D beats A (same accuracy, smaller difference), B beats C
		// (more accurate, smaller difference) and B beats D (more accurate, same difference): B alone
		expect(paretoFront(points, 'lower').map((p) => p.id)).toEqual(['B']);
		const lower = [{ id: 'P', x: 0.5, y: 0.01 }, { id: 'Q', x: 0.7, y: 0.05 }, { id: 'R', x: 0.6, y: 0.08 }];
		expect(paretoFront(lower, 'lower').map((p) => p.id)).toEqual(['P', 'Q']); // R: less accurate and further than Q
	});
});

describe('trial CSV', () => {
	it('round-trips, in any column order', () => {
		const csv = trialsToCsv(HAND);
		expect(csv.split('\n')[0]).toBe(HEADER);
		expect(parseTrialsCsv(csv)).toEqual(HAND);
		const reordered = 'reveal,observer,kind,image_id,category,response,rt_ms\n0.5,h9,human,x,non_animal,non_animal,\n';
		expect(parseTrialsCsv(reordered)).toEqual([{ observer: 'h9', kind: 'human', image_id: 'x', category: 'non_animal', reveal: 0.5, response: 'non_animal', rt_ms: null }]);
	});

	it('names every bad row and column', () => {
		const bad = (text: string) => {
			try {
				parseTrialsCsv(text);
			} catch (error) {
				expect(error).toBeInstanceOf(TrialInputError);
				return (error as Error).message;
			}
			throw new Error('no error');
		};
		expect(bad(`${HEADER},confidence\nh,human,a,animal,1,animal,,0.9\n`)).toContain('unknown column(s) "confidence"');
		expect(bad('observer,kind,image_id,category,reveal,response\n')).toContain('missing column(s) rt_ms');
		const message = bad(`${HEADER}\nh,human,a,animal,1,animal,500\nh,human,b,animal,0,animal,\nh,human,c,animal,1.5,cat,\nh,human,a,animal,1,none,\nh,robot,d,animal,1,animal,\n`);
		expect(message).toContain('row 3: reveal must be a number in (0, 1], got "0"');
		expect(message).toContain('row 4: response must be animal, non_animal or none, got "cat"; reveal must be a number in (0, 1], got "1.5"');
		expect(message).toContain('row 5: h already answered a at reveal 1 (row 2)');
		expect(message).toContain('row 6: kind must be human or model, got "robot"');
		expect(message).not.toContain('row 2:');
		// an observer's text form (src/stimuli/observer.ts) must agree with the kind column
		expect(bad(`${HEADER}\nmodel:m,human,a,animal,1,animal,\n`)).toContain('row 2: observer model:m is not of kind human');
	});
});

describe('platform export', () => {
	const row = (o: Partial<StoredDecisionTrial>): StoredDecisionTrial => ({
		observer_kind: 'human', observer_id: 'p1', image_id: 'a', category: 'animal', reveal: 1, response: 'animal', rt_ms: 400, block: 'main', is_test: false, created_at: '2026-11-22T10:00:00Z', ...o
	});
	const rows = [
		row({}),
		row({ response: 'non_animal', created_at: '2026-11-22T10:05:00Z' }), // a repeat: the first answer counts
		row({ image_id: 'b', block: 'practice' }),
		row({ observer_id: 'p2', is_test: true }),
		row({ observer_kind: 'model', observer_id: 'm', rt_ms: null, response: 'non_animal', created_at: '2026-11-22T09:00:00Z' }),
		row({ observer_kind: 'model', observer_id: 'm', rt_ms: null, created_at: '2026-11-22T11:00:00Z' }), // newest run wins
		row({ observer_id: 'p3', response: null, rt_ms: null, created_at: '2026-11-22T12:00:00Z' }) // no answer stays null
	];

	it('keeps main trials, a person first answer and a model latest; test data only when asked, marked', () => {
		expect(exportTrials(rows)).toEqual([
			{ observer: 'human:p1', kind: 'human', image_id: 'a', category: 'animal', reveal: 1, response: 'animal', rt_ms: 400 },
			{ observer: 'human:p3', kind: 'human', image_id: 'a', category: 'animal', reveal: 1, response: null, rt_ms: null },
			{ observer: 'model:m', kind: 'model', image_id: 'a', category: 'animal', reveal: 1, response: 'animal', rt_ms: null }
		]);
		expect(trialsToCsv(exportTrials(rows)).split('\n')[2]).toBe('human:p3,human,a,animal,1,none,'); // the CSV alone writes "none"
		const withTest = exportTrials(rows, { includeTest: true });
		expect(withTest.map((t) => t.observer)).toContain('test:human:p2');
		expect(parseTrialsCsv(trialsToCsv(withTest))).toEqual(withTest);
	});
});

describe('exclusions say how many fully revealed trials they rest on (issue #17 item 10)', () => {
	it('counts each person\'s fully revealed trials and lists those under the option, 10 by default', () => {
		// fully revealed (reveal 1) trials: h1 c, d (2); h2 b (1); h3 a, b (2); h4 b (1)
		const report = decisionReport(HAND, { bootstrap: 0, timeouts: 'wrong' });
		expect(report.humans.full_reveal_trials).toEqual({ h1: 2, h2: 1, h3: 2, h4: 1 });
		expect(report.options.min_full_reveal_trials).toBe(10);
		expect(report.humans.few_full_reveal).toEqual(['h1', 'h2', 'h3', 'h4']);
		expect(decisionReport(HAND, { bootstrap: 0, minFullRevealTrials: 2 }).humans.few_full_reveal).toEqual(['h2', 'h4']);
		expect(decisionReport(HAND, { bootstrap: 0, minFullRevealTrials: 0 }).humans.few_full_reveal).toEqual([]);
	});

	it('refuses a fewest-trials option that is not a whole number', () => {
		expect(() => decisionReport(HAND, { minFullRevealTrials: 2.5 })).toThrow('the fewest fully revealed trials for the exclusion check must be a whole number >= 0, got 2.5');
	});
});
