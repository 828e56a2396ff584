/**
 * The alignment scores' 95 % bootstrap intervals (bootstrap.ts): the percentile rule and the
 * not-estimable cases by hand, degenerate cases whose interval is known, and every interval of a
 * seeded simulated study against an independent computation (fixtures/bootstrap_reference.py:
 * the same resample indices, the drawn images and people literally repeated, the scores by
 * model-vs-human's transcription and numpy, numpy.percentile).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stimuli/random.js';
import { baselineDraws, decisionDraws, featureDraws, featureIntervals, percentileInterval } from './bootstrap.js';
import { decisionReport } from './decision.js';
import type { ImageAlignment } from './features.js';
import { DECISION_METRICS, PAIRWISE_METRICS } from './metrics.js';
import { modelSummaries, paretoPoints } from './study-summary.js';
import { trialsToCsv, type Trial } from './trials.js';

const trial = (observer: string, kind: Trial['kind'], image: string, category: Trial['category'], reveal: number, right: boolean | null): Trial => ({
	observer, kind, image_id: image, category, reveal,
	response: right === null ? null : right ? category : category === 'animal' ? 'non_animal' : 'animal', rt_ms: null
});

describe('the percentile interval', () => {
	it('takes the 2.5th and 97.5th percentiles with linear interpolation', () => {
		// 0..100: h = 100 x 0.025 = 2.5 -> 2.5; h = 97.5 -> 97.5
		const hundred = percentileInterval(Array.from({ length: 101 }, (_, i) => i));
		expect(hundred.ci_low).toBeCloseTo(2.5, 12);
		expect(hundred.ci_high).toBeCloseTo(97.5, 12);
		// [0, 1, 2, 3]: h = 3 x 0.025 = 0.075 -> 0.075; h = 2.925 -> 2.925
		const { ci_low, ci_high } = percentileInterval([3, 0, 2, 1]);
		expect(ci_low).toBeCloseTo(0.075, 12);
		expect(ci_high).toBeCloseTo(2.925, 12);
	});

	it('leaves out undefined resamples, and is not estimable when they are more than half', () => {
		expect(percentileInterval([1, null, 1])).toEqual({ ci_low: 1, ci_high: 1 });
		expect(percentileInterval([1, null, null])).toEqual({ ci_low: null, ci_high: null });
		expect(percentileInterval([])).toEqual({ ci_low: null, ci_high: null });
	});
});

describe('decision metrics: known intervals', () => {
	// four images at two levels; two people, each answering every image at one level; a model
	const images = ['a', 'b', 'c', 'd'];
	const people = (answer: (image: string, l: number) => boolean) =>
		['p', 'q'].flatMap((person, j) => images.map((image, i) => trial(person, 'human', image, i % 2 ? 'animal' : 'non_animal', (i + j) % 2 ? 0.5 : 1, answer(image, (i + j) % 2))));
	const model = (answer: (image: string, l: number) => boolean) =>
		images.flatMap((image, i) => [0.5, 1].map((reveal, l) => trial('m', 'model', image, i % 2 ? 'animal' : 'non_animal', reveal, answer(image, l))));

	it('is [1, 1] for error consistency when the model errs exactly where people do, [0, 0] for the accuracy difference', () => {
		// wrong on a and b at every level, right on c and d: every shared trial agrees, so c_obs = 1
		// and kappa = 1 and both accuracies are equal in every resample (threshold 0: each person is
		// right on half their whole images, which the default check would exclude)
		const wrongOn = (image: string) => image !== 'a' && image !== 'b';
		const report = decisionReport([...people(wrongOn), ...model(wrongOn)], { bootstrap: 300, seed: 2, exclusionThreshold: 0 });
		expect(report.humans.included).toEqual(['p', 'q']);
		const ci = report.models.m!.ci;
		expect(ci.error_consistency).toEqual({ ci_low: 1, ci_high: 1 });
		expect(ci.observed_consistency).toEqual({ ci_low: 1, ci_high: 1 });
		expect(ci.accuracy_difference).toEqual({ ci_low: 0, ci_high: 0 });
	});

	it('is not estimable with resampling off, with one image, or with nobody to compare with', () => {
		const right = () => true;
		const all = [...people(right), ...model(right)];
		for (const m of DECISION_METRICS) expect(decisionReport(all, { bootstrap: 0 }).models.m!.ci[m.id]).toEqual({ ci_low: null, ci_high: null });
		const one = all.filter((t) => t.image_id === 'a');
		expect(decisionReport(one, { bootstrap: 100 }).models.m!.ci.error_consistency).toEqual({ ci_low: null, ci_high: null });
		const alone = all.filter((t) => t.kind === 'model');
		expect(decisionReport(alone, { bootstrap: 100 }).models.m!.ci.error_consistency).toEqual({ ci_low: null, ci_high: null });
	});

	it('brackets the score, is the same for the same seed, and does not move when another model joins', () => {
		const random = seededRandom('bootstrap-test', 1);
		const noisy = () => random() < 0.7;
		const trials = [...people(noisy), ...model(noisy)];
		const report = decisionReport(trials, { bootstrap: 400, seed: 5 });
		const m = report.models.m!;
		expect(m.ci.observed_consistency.ci_low!).toBeLessThanOrEqual(m.observed_consistency!);
		expect(m.ci.observed_consistency.ci_high!).toBeGreaterThanOrEqual(m.observed_consistency!);
		expect(decisionReport(trials, { bootstrap: 400, seed: 5 }).models.m!.ci).toEqual(m.ci);
		const other = model(() => true).map((t) => ({ ...t, observer: 'm2' }));
		expect(decisionReport([...trials, ...other], { bootstrap: 400, seed: 5 }).models.m!.ci).toEqual(m.ci);
		expect(decisionReport(trials, { bootstrap: 400, seed: 6 }).models.m!.ci).not.toEqual(m.ci);
	});
});

describe('feature metrics: known intervals', () => {
	const image = (spearman: number): ImageAlignment => ({ spearman, iou: 0.5, dice: 0.6 });

	it('is [v, v] when every image scores v, divided by the ceiling for alignment', () => {
		const ci = featureIntervals({ a: image(0.4), b: image(0.4), c: image(0.4) }, 0.8, { resamples: 200, seed: 1, source: 'model:x' });
		expect(ci.mean_spearman.ci_low).toBeCloseTo(0.4, 12);
		expect(ci.mean_spearman.ci_high).toBeCloseTo(0.4, 12);
		expect(ci.alignment.ci_low).toBeCloseTo(0.5, 12);
		expect(ci.alignment.ci_high).toBeCloseTo(0.5, 12);
		expect(ci.mean_iou).toEqual({ ci_low: 0.5, ci_high: 0.5 });
	});

	it('spans the two values of two images, and is not estimable for one image or none compared', () => {
		// two images 0 and 1: resample means are 0, 0.5, 1 with chances 1/4, 1/2, 1/4, so in 1000
		// resamples both tails hold far more than 2.5 %
		expect(featureIntervals({ a: image(0), b: image(1) }, 1, { resamples: 1000, seed: 1, source: 'model:x' }).mean_spearman).toEqual({ ci_low: 0, ci_high: 1 });
		expect(featureIntervals({ a: image(0.3) }, 1, { resamples: 1000, seed: 1, source: 'model:x' }).mean_spearman).toEqual({ ci_low: null, ci_high: null });
		const constant = { a: image(0.3), b: { spearman: null, iou: null, dice: null } };
		expect(featureIntervals(constant, 1, { resamples: 1000, seed: 1, source: 'model:x' }).alignment).toEqual({ ci_low: null, ci_high: null });
	});
});

describe('every interval against an independent computation (numpy, repeated data)', () => {
	// a seeded study: 5 people, 12 images at 3 levels (each person sees each image once, at a
	// random level), 70 % right, a few answers missing; two models answering every image at every level
	const random = seededRandom('bootstrap-reference', 1);
	const levels = [0.2, 0.5, 1];
	const images = Array.from({ length: 12 }, (_, i) => `img${String(i).padStart(2, '0')}`);
	const category = (i: number): Trial['category'] => (i % 3 ? 'animal' : 'non_animal');
	const trials: Trial[] = [];
	for (let p = 0; p < 5; p++) {
		images.forEach((image, i) => {
			const reveal = levels[Math.floor(random() * 3)]!;
			trials.push(trial(`human:p${p}`, 'human', image, category(i), reveal, random() < 0.05 ? null : random() < 0.55 + 0.2 * levels.indexOf(reveal)));
		});
	}
	for (const m of ['model:a', 'model:b']) images.forEach((image, i) => levels.forEach((reveal) => trials.push(trial(m, 'model', image, category(i), reveal, random() < 0.5 + 0.25 * levels.indexOf(reveal)))));
	const resamples = 200, seed = 4;
	const report = decisionReport(trials, { bootstrap: resamples, seed });
	const spearman = images.map(() => random() * 2 - 1);

	const dir = mkdtempSync(path.join(tmpdir(), 'bootstrap-'));
	writeFileSync(path.join(dir, 'trials.csv'), trialsToCsv(trials));
	const spec = {
		trials: path.join(dir, 'trials.csv'),
		timeouts: 'drop',
		levels,
		images,
		humans: report.humans.included,
		models: Object.fromEntries(['model:a', 'model:b'].map((m) => [m, decisionDraws(images.length, report.humans.included.length, resamples, seed, m).map((d) => ({ images: [...d.images], people: [...d.people] }))])),
		baseline: baselineDraws(images.length, report.humans.included.length, resamples, seed).map((d) => ({ images: [...d.images], people: [...d.people] })),
		features: { spearman, ceiling: 0.7, draws: featureDraws(images.length, resamples, seed, 'model:a').map((d) => [...d]) }
	};
	writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
	const reference = JSON.parse(execFileSync('python3', [path.join(import.meta.dirname, 'fixtures', 'bootstrap_reference.py'), path.join(dir, 'spec.json')], { encoding: 'utf8' })) as {
		models: Record<string, Record<string, [number, number] | null>>;
		baseline: Record<string, [number, number] | null>;
		features: Record<string, [number, number] | null>;
	};

	it('gives numpy\'s interval for every decision metric of every model', () => {
		expect(report.humans.included.length).toBeGreaterThanOrEqual(4);
		for (const model of ['model:a', 'model:b']) {
			for (const metric of DECISION_METRICS) {
				const ours = report.models[model]!.ci[metric.id];
				const theirs = reference.models[model]![metric.id];
				if (theirs === null || theirs === undefined) {
					expect(ours, `${model} ${metric.id}`).toEqual({ ci_low: null, ci_high: null });
					continue;
				}
				expect(Math.abs(ours.ci_low! - theirs[0]), `${model} ${metric.id} low`).toBeLessThan(1e-12);
				expect(Math.abs(ours.ci_high! - theirs[1]), `${model} ${metric.id} high`).toBeLessThan(1e-12);
				expect(ours.ci_high! - ours.ci_low!, `${model} ${metric.id} has spread`).toBeGreaterThan(0);
			}
		}
	});

	it('gives numpy\'s interval for the human baseline (pairs of different people)', () => {
		for (const metric of PAIRWISE_METRICS) {
			const ours = report.human_baseline.ci[metric.id];
			const theirs = reference.baseline[metric.id]!;
			expect(Math.abs(ours.ci_low! - theirs[0]), `${metric.id} low`).toBeLessThan(1e-12);
			expect(Math.abs(ours.ci_high! - theirs[1]), `${metric.id} high`).toBeLessThan(1e-12);
			expect(ours.ci_high! - ours.ci_low!, metric.id).toBeGreaterThan(0);
		}
	});

	it('gives numpy\'s interval for the feature metrics', () => {
		const perImage = Object.fromEntries(images.map((id, i) => [id, { spearman: spearman[i]!, iou: 0, dice: 0 }]));
		const ours = featureIntervals(perImage, 0.7, { resamples, seed, source: 'model:a' });
		for (const id of ['mean_spearman', 'alignment'] as const) {
			expect(Math.abs(ours[id].ci_low! - reference.features[id]![0]), id).toBeLessThan(1e-12);
			expect(Math.abs(ours[id].ci_high! - reference.features[id]![1]), id).toBeLessThan(1e-12);
		}
	});

	it('carries the intervals into the summary rows and the pareto points (top-1 without one)', () => {
		const feature = { images: Object.fromEntries(images.map((id, i) => [id, { spearman: spearman[i]!, iou: 0, dice: 0 }])), ceiling: 0.7, alignment: 0.1, mean_spearman: 0.07 };
		const rows = modelSummaries(report, { 'model:a': feature as never }, { a: 0.7 });
		const a = rows.find((r) => r.observer === 'model:a')!;
		expect(a.intervals.error_consistency).toEqual(report.models['model:a']!.ci.error_consistency);
		expect(Math.abs(a.intervals.alignment.ci_low! - reference.features.alignment![0])).toBeLessThan(1e-12);
		const [point] = paretoPoints(rows, 'alignment', { 'model:a': { label: 'A', colour: '#000', marker: 'circle' } });
		expect(point).toMatchObject({ id: 'model:a', x: 0.7, ci_low: a.intervals.alignment.ci_low, ci_high: a.intervals.alignment.ci_high, x_ci_low: null, x_ci_high: null });
	});
});
