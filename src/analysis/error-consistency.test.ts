/**
 * Error consistency per reveal level (issue #14): the human baseline over pairs on a hand-made
 * table, the null case (independent errors within each level, an accuracy trend across levels)
 * in a seeded simulation, and every trial-by-trial number against an independent computation:
 * fixtures/model_vs_human.py, bethgelab/model-vs-human's ErrorConsistency /
 * SixteenClassAccuracyDifference and format_benchmark_df's averaging transcribed with numpy, run
 * on the same CSV.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stimuli/random.js';
import { decisionReport, type DecisionReport, type TimeoutRule } from './decision.js';
import { errorConsistency, PAIRWISE_METRICS } from './metrics.js';
import { mean } from './stats.js';
import { trialsToCsv, type Trial } from './trials.js';

/** A trial of image `image` at `reveal`: right, wrong or (null) no answer. */
const trial = (observer: string, kind: Trial['kind'], image: string, reveal: number, right: boolean | null): Trial => ({
	observer, kind, image_id: image, category: 'animal', reveal, response: right === null ? null : right ? 'animal' : 'non_animal', rt_ms: null
});

/** A person's answers written out: { level: 'TTFF' } over images a, b, c, d. */
const person = (observer: string, levels: Record<number, string>): Trial[] =>
	Object.entries(levels).flatMap(([reveal, marks]) => [...marks].map((mark, i) => trial(observer, 'human', 'abcd'[i]!, Number(reveal), mark === 'T')));

describe('the human baseline over pairs of people, by hand', () => {
	// Three people, every image a..d at both levels 0.5 and 1 (full-reveal accuracies 3/4: nobody excluded).
	const trials = [
		...person('p', { 0.5: 'TTFF', 1: 'TTTF' }),
		...person('q', { 0.5: 'TFTF', 1: 'TTFT' }),
		...person('r', { 0.5: 'TTTF', 1: 'TTFT' })
	];
	// per pair and level (x kappa, o c_obs, d squared accuracy difference):
	// p-q 0.5: TT TF FT FF  p 1/2 1/2, c_obs 1/2, c_exp 1/2          -> x 0,    o 1/2, d 0
	// p-q 1:   TT TT TF FT  p 3/4 3/4, c_obs 1/2, c_exp 9/16 + 1/16 = 5/8 -> x (1/2 - 5/8) / (3/8) = -1/3, o 1/2, d 0
	// p-r 0.5: TT TT FT FF  p 1/2 3/4, c_obs 3/4, c_exp 3/8 + 1/8 = 1/2 -> x 1/2, o 3/4, d 1/16
	// p-r 1:   TT TT TF FT  as p-q at 1                              -> x -1/3, o 1/2, d 0
	// q-r 0.5: TT FT TT FF  p 1/2 3/4, c_obs 3/4, c_exp 1/2           -> x 1/2, o 3/4, d 1/16
	// q-r 1:   identical answers, c_obs 1                             -> x 1,    o 1,   d 0
	// per pair (mean over levels): p-q x -1/6, o 1/2, d 0; p-r x 1/12, o 5/8, d 1/32; q-r x 3/4, o 7/8, d 1/32
	// over pairs: x (-2/12 + 1/12 + 9/12) / 3 = 2/9, o (1/2 + 5/8 + 7/8) / 3 = 2/3, d (1/16) / 3 = 1/48
	// per level (mean over pairs): 0.5 (0 + 1/2 + 1/2) / 3 = 1/3; 1 (-1/3 - 1/3 + 1) / 3 = 1/9
	const baseline = decisionReport(trials, { bootstrap: 0 }).human_baseline;

	it('averages each pair over levels, then the pairs', () => {
		expect(baseline.error_consistency).toBeCloseTo(2 / 9, 12);
		expect(baseline.observed_consistency).toBeCloseTo(2 / 3, 12);
		expect(baseline.accuracy_difference).toBeCloseTo(1 / 48, 12);
		expect(baseline.error_consistency_by_level[0]).toBeCloseTo(1 / 3, 12);
		expect(baseline.error_consistency_by_level[1]).toBeCloseTo(1 / 9, 12);
		expect(baseline.pairs).toBe(3);
	});

	it('scores a model that answers exactly as r with the pair values of r', () => {
		// against p (x 1/12, d 1/32), q (x 3/4, d 1/32) and r itself (identical: x 1, d 0), means over the three
		const asR = person('r', { 0.5: 'TTTF', 1: 'TTFT' }).map((t) => ({ ...t, observer: 'm', kind: 'model' as const }));
		const report = decisionReport([...trials, ...asR], { bootstrap: 0 });
		expect(report.models.m!.error_consistency).toBeCloseTo((1 / 12 + 3 / 4 + 1) / 3, 12); // with r itself: identical, kappa 1
		expect(report.models.m!.accuracy_difference).toBeCloseTo((1 / 32 + 1 / 32 + 0) / 3, 12);
	});
});

describe('the null case: independent errors within each level, an accuracy trend across levels', () => {
	// Every observer is right with the level's probability, independently of everyone else. The shared
	// trend makes the pooled kappa positive: pooled accuracy 0.75 for both, c_obs = mean over levels
	// of a^2 + (1 - a)^2 = mean(0.505, 0.545, 0.625, 0.745, 0.905) = 0.665, c_exp = 0.75^2 + 0.25^2 =
	// 0.625, kappa = 0.04 / 0.375 ~ 0.107 - while within each level the errors are independent, kappa 0.
	const accuracy = [0.55, 0.65, 0.75, 0.85, 0.95];
	const levels = [0.1, 0.2, 0.4, 0.7, 1];
	const perLevel = 400;
	const random = seededRandom('null-error-consistency', 1);
	const trials: Trial[] = [];
	const observers = ['model:m', ...Array.from({ length: 8 }, (_, i) => `human:${i}`)];
	for (const observer of observers)
		levels.forEach((reveal, l) => {
			for (let k = 0; k < perLevel; k++) trials.push(trial(observer, observer.startsWith('model') ? 'model' : 'human', `img-${k}`, reveal, random() < accuracy[l]!));
		});
	const report = decisionReport(trials, { bootstrap: 0 });

	it('gives a per-level kappa near 0, where the old pooled kappa was clearly positive', () => {
		// the old computation (before issue #14): one kappa per person over all levels pooled, then the mean
		const pooled = mean(
			observers.slice(1).map((h) => {
				const key = (t: Trial) => `${t.image_id}@${t.reveal}`;
				const model = new Map(trials.filter((t) => t.observer === 'model:m').map((t) => [key(t), t.response === t.category]));
				return errorConsistency(trials.filter((t) => t.observer === h).map((t) => [t.response === t.category, model.get(key(t))!] as [boolean, boolean]))!.kappa;
			})
		);
		const perLevelKappa = report.models['model:m']!.error_consistency!;
		console.log(`null case: per-level kappa ${perLevelKappa.toFixed(4)}, pooled kappa ${pooled.toFixed(4)}`);
		expect(Math.abs(perLevelKappa)).toBeLessThan(0.05);
		expect(pooled).toBeGreaterThan(0.08);
		expect(Math.abs(report.human_baseline.error_consistency!)).toBeLessThan(0.05); // people against people too
		for (const k of report.models['model:m']!.error_consistency_by_level) expect(Math.abs(k!)).toBeLessThan(0.1);
	});
});

describe('against model-vs-human, transcribed in Python (fixtures/model_vs_human.py)', () => {
	// A seeded study: 5 levels, 40 images, 7 people who each see every image once at a level drawn from
	// two per image (so pairs of people share some trials), with a shared image difficulty (so errors
	// are consistent), 6 % of people's trials unanswered, one person at chance (excluded); two models
	// on every image at every level and one on a third of them.
	const levels = [0.05, 0.1, 0.25, 0.5, 1];
	const random = seededRandom('model-vs-human-parity', 14);
	const images = Array.from({ length: 40 }, (_, i) => ({ id: `im${String(i).padStart(2, '0')}`, difficulty: random() - 0.5, levels: [Math.floor(random() * 5), Math.floor(random() * 5)] }));
	const right = (l: number, difficulty: number, skill: number) => random() < Math.min(0.98, Math.max(0.02, 0.35 + 0.15 * l + skill - 0.6 * difficulty));
	const trials: Trial[] = [];
	for (let p = 0; p < 7; p++) {
		const skill = 0.05 * p; // person 6 guesses, and is wrong on whole images
		for (const image of images) {
			const l = image.levels[Math.floor(random() * 2)]!;
			trials.push(trial(`human:p${p}`, 'human', image.id, levels[l]!, random() < 0.06 ? null : p === 6 ? l < 4 && random() < 0.5 : right(l, image.difficulty, skill)));
		}
	}
	for (const [model, skill, share] of [['model:a', 0.2, 1], ['model:b', 0, 1], ['model:c', 0.1, 1 / 3]] as const)
		images.forEach((image, i) => levels.forEach((reveal, l) => i % Math.round(1 / share) === 0 && trials.push(trial(model, 'model', image.id, reveal, right(l, image.difficulty, skill)))));
	const dir = mkdtempSync(path.join(tmpdir(), 'model-vs-human-'));
	const csv = path.join(dir, 'trials.csv');
	writeFileSync(csv, trialsToCsv(trials));

	const reference = (timeouts: TimeoutRule) =>
		JSON.parse(execFileSync('python3', [path.join(import.meta.dirname, 'fixtures', 'model_vs_human.py'), csv, '--timeouts', timeouts], { encoding: 'utf8' })) as {
			models: Record<string, Record<string, number | null | (number | null)[]>>;
			human_baseline: Record<string, number | null | (number | null)[]>;
			included: string[];
		};

	/** Every number equal to 1e-12 (nulls where the reference has none). */
	function expectSame(ours: Record<string, unknown>, theirs: Record<string, unknown>, fields: readonly string[]) {
		for (const field of fields) {
			const a = [ours[field]].flat() as (number | null)[];
			const b = [theirs[field]].flat() as (number | null)[];
			expect(a.length, field).toBe(b.length);
			a.forEach((x, i) => (b[i] === null ? expect(x, `${field}[${i}]`).toBeNull() : expect(Math.abs(x! - b[i]!), `${field}[${i}]`).toBeLessThan(1e-12)));
		}
	}

	for (const timeouts of ['drop', 'wrong'] as const) {
		it(`gives model-vs-human's numbers for every model and for pairs of people (timeouts ${timeouts})`, () => {
			const ours: DecisionReport = decisionReport(trials, { bootstrap: 0, timeouts });
			const theirs = reference(timeouts);
			expect([...ours.humans.included].sort()).toEqual(theirs.included);
			expect(ours.humans.excluded.map((e) => e.id)).toEqual(['human:p6']);
			const fields = [...PAIRWISE_METRICS.map((m) => m.id), 'error_consistency_by_level'];
			expect(Object.keys(ours.models).sort()).toEqual(Object.keys(theirs.models));
			for (const [model, values] of Object.entries(theirs.models)) expectSame(ours.models[model]!, values, fields);
			expectSame(ours.human_baseline, theirs.human_baseline, [...fields, 'pairs']);
			// the data are not degenerate: kappas differ from 0 and 1, and people pairs share trials
			expect(ours.human_baseline.pairs).toBeGreaterThan(10);
			expect(ours.models['model:a']!.error_consistency).not.toBeCloseTo(0, 2);
		});
	}
});
