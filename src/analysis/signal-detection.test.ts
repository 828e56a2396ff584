/**
 * Balanced accuracy and d' (signal-detection.ts) against values worked out by hand (the working
 * is in the comments) and the normal quantile against scipy.stats.norm.ppf; then per level in the
 * decision report, for people (mean over people, with its band) and for each model.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decisionReport } from './decision.js';
import { balancedAccuracy, dPrime, normalQuantile, type SignalCounts } from './signal-detection.js';
import type { Trial } from './trials.js';

const counts = (signal: number, hits: number, noise: number, correct_rejections: number): SignalCounts => ({ signal, hits, noise, correct_rejections });

describe('the normal quantile', () => {
	it('equals scipy.stats.norm.ppf to 1e-15 relative, in the centre and both tails', () => {
		const ps = [1e-300, 1e-20, 1e-10, 1e-4, 0.001, 0.025, 0.1, 0.3, 0.425 + 0.5, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-10, 0.5 / 11, 4.5 / 11, 8.5 / 11, 10.5 / 11];
		const scipy = JSON.parse(
			execFileSync('python3', ['-c', `import json, sys; from scipy.stats import norm; print(json.dumps([float(norm.ppf(p)) for p in json.loads(sys.argv[1])]))`, JSON.stringify(ps)], { encoding: 'utf8' })
		) as number[];
		ps.forEach((p, i) => expect(Math.abs(normalQuantile(p) - scipy[i]!), `p = ${p}`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(scipy[i]!))));
	});

	it('is -Infinity at 0, Infinity at 1, NaN outside [0, 1], and odd about 0.5', () => {
		expect(normalQuantile(0)).toBe(-Infinity);
		expect(normalQuantile(1)).toBe(Infinity);
		expect(normalQuantile(1.2)).toBeNaN();
		expect(normalQuantile(0.5)).toBe(0);
		expect(normalQuantile(0.2)).toBeCloseTo(-normalQuantile(0.8), 15);
	});
});

describe('balanced accuracy and d\' by hand', () => {
	it('an observer right on 8 of 10 animals and 6 of 10 non-animals', () => {
		// TPR 8/10, TNR 6/10: balanced (0.8 + 0.6) / 2 = 0.7
		expect(balancedAccuracy(counts(10, 8, 10, 6))).toBeCloseTo(0.7, 15);
		// log-linear: H' = (8 + 0.5) / (10 + 1) = 8.5/11, false alarms 10 - 6 = 4, F' = 4.5/11;
		// z(8.5/11) = 0.7478585947633022, z(4.5/11) = -0.22988411757923205 (scipy.stats.norm.ppf)
		// d' = 0.7478585947633022 + 0.22988411757923205 = 0.9777427123425342
		expect(dPrime(counts(10, 8, 10, 6))).toBeCloseTo(0.9777427123425342, 14);
	});

	it('an observer that answers "animal" to everything: at chance on both, whatever its accuracy', () => {
		// 30 animal and 10 non-animal images: accuracy 30/40 = 0.75, but TPR 1, TNR 0 -> balanced 0.5;
		// H' = 30.5/31, F' = 10.5/11: with equal totals (10 and 10) H' = F' and d' = 0 exactly
		expect(balancedAccuracy(counts(30, 30, 10, 0))).toBe(0.5);
		expect(dPrime(counts(10, 10, 10, 0))).toBe(0);
		expect(dPrime(counts(30, 30, 10, 0))!).toBeCloseTo(normalQuantile(30.5 / 31) - normalQuantile(10.5 / 11), 15);
	});

	it('a perfect observer: balanced 1 and a finite d\' thanks to the correction', () => {
		// H' = 10.5/11, F' = 0.5/11 = 1 - H': d' = 2 z(10.5/11) = 2 x 1.6906216295848986 = 3.381243259169797
		expect(balancedAccuracy(counts(10, 10, 10, 10))).toBe(1);
		expect(dPrime(counts(10, 10, 10, 10))).toBeCloseTo(3.381243259169797, 14);
	});

	it('is null without trials of both kinds', () => {
		expect(balancedAccuracy(counts(5, 3, 0, 0))).toBeNull();
		expect(dPrime(counts(0, 0, 4, 2))).toBeNull();
	});
});

describe('per level in the decision report', () => {
	const t = (observer: string, image: string, category: Trial['category'], reveal: number, response: Trial['response']): Trial => ({
		observer, kind: observer.startsWith('m') ? 'model' : 'human', image_id: image, category, reveal, response, rt_ms: null
	});
	// level 1: two animal images (a, b) and two non-animal (c, d); level 0.5: the same images
	const A = 'animal', N = 'non_animal';
	const trials = [
		// h1 at 1: a A, b A, c N, d A -> hits 2/2, CR 1/2: balanced 0.75; H' 2.5/3, F' 1.5/3
		t('h1', 'a', A, 1, A), t('h1', 'b', A, 1, A), t('h1', 'c', N, 1, N), t('h1', 'd', N, 1, A),
		// h2 at 1: a A, b N, c N, d N -> hits 1/2, CR 2/2: balanced 0.75; H' 1.5/3, F' 0.5/3
		t('h2', 'a', A, 1, A), t('h2', 'b', A, 1, N), t('h2', 'c', N, 1, N), t('h2', 'd', N, 1, N),
		// h1 at 0.5 sees only animals: no balanced accuracy there; h2 at 0.5: a (no answer), c N
		t('h1', 'a', A, 0.5, A), t('h2', 'a', A, 0.5, null), t('h2', 'c', N, 0.5, N),
		// the model says "animal" to everything at both levels
		...['a', 'b', 'c', 'd'].flatMap((image) => [0.5, 1].map((reveal) => t('m', image, image < 'c' ? A : N, reveal, A)))
	];

	it('gives each model its balanced accuracy and d\' per level', () => {
		const report = decisionReport(trials, { bootstrap: 0 });
		// always "animal": TPR 1, TNR 0 at both levels -> balanced 0.5; H' = F' = 2.5/3 -> d' 0
		expect(report.models.m!.balanced).toEqual([0.5, 0.5]);
		expect(report.models.m!.dprime).toEqual([0, 0]);
		// while its accuracy is 0.5 too here; on a set of more animals it would look better than chance
		expect(report.models.m!.accuracy).toEqual([0.5, 0.5]);
	});

	it('gives people the mean over people with a band, and follows the timeouts rule', () => {
		const report = decisionReport(trials, { bootstrap: 500, seed: 3 });
		// level 1: balanced mean(0.75, 0.75) = 0.75; d' of h1 = z(2.5/3) - z(1.5/3) = 0.967421566101701 - 0,
		// of h2 = z(1.5/3) - z(0.5/3) = 0 + 0.967421566101701 (scipy): the mean is 0.967421566101701
		expect(report.human_curve.balanced[1]).toBe(0.75);
		expect(report.human_curve.dprime[1]).toBeCloseTo(0.967421566101701, 14);
		// both people have the same values at level 1: the band is that value
		expect(report.human_curve.balanced_ci_low[1]).toBe(0.75);
		expect(report.human_curve.balanced_ci_high[1]).toBe(0.75);
		// level 0.5 under 'drop': h1 saw animals only (null), h2's unanswered animal is left out, so
		// h2 has no animal trial either (null): nobody has a value
		expect(report.human_curve.balanced[0]).toBeNull();
		expect(report.human_curve.balanced_ci_low[0]).toBeNull();
		// under 'wrong' h2's unanswered animal is a miss: TPR 0/1, TNR 1/1 -> balanced 0.5;
		// H' = 0.5/2, F' = 0.5/2 -> d' 0
		const wrong = decisionReport(trials, { bootstrap: 0, timeouts: 'wrong' });
		expect(wrong.human_curve.balanced[0]).toBe(0.5);
		expect(wrong.human_curve.dprime[0]).toBe(0);
	});
});
