import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { decisionReport, type Trial } from '$analysis/index.js';
import { alignmentCsvRows, paretoCsvRows, decisionCurveRows, hasInterval, levelCountsText, optionsText, peoplePerLevel, rowsToCsv } from './figure-data.js';

/** One answer: right when `right`, at reveal `reveal`, of an animal image. */
const answer = (observer: string, kind: Trial['kind'], image: string, reveal: number, right: boolean): Trial => ({
	observer, kind, image_id: image, category: 'animal', reveal, response: right ? 'animal' : 'non_animal', rt_ms: kind === 'human' ? 400 : null
});

// two people: a sees two images at 10 % (one right) and two at 100 % (both right); b one image at each
// level (right at 100 %); c is excluded (wrong at 100 %); the model answers everything right
const trials: Trial[] = [
	answer('human:a', 'human', 'i1', 0.1, true), answer('human:a', 'human', 'i2', 0.1, false),
	answer('human:a', 'human', 'i3', 1, true), answer('human:a', 'human', 'i4', 1, true),
	answer('human:b', 'human', 'i1', 0.1, false), answer('human:b', 'human', 'i3', 1, true),
	answer('human:c', 'human', 'i1', 1, false),
	...['i1', 'i2'].map((i) => answer('model:m', 'model', i, 0.1, true)), ...['i3', 'i4'].map((i) => answer('model:m', 'model', i, 1, true))
];
const report = decisionReport(trials, { bootstrap: 50 });

describe('per-level n', () => {
	it('counts the included people with trials at each level and their trials', () => {
		expect(report.humans.included).toEqual(['human:a', 'human:b']);
		expect(peoplePerLevel(report)).toEqual([{ reveal: 0.1, people: 2, trials: 3 }, { reveal: 1, people: 2, trials: 3 }]);
		expect(levelCountsText(peoplePerLevel(report))).toBe('10 %: 2 people, 3 trials; 100 %: 2 people, 3 trials');
	});
});

describe('decisionCurveRows', () => {
	it('has each person, the mean with its interval and each model, level by level', () => {
		const rows = decisionCurveRows(report, { humanLabel: 'People', styles: { 'model:m': { label: 'Model M', colour: '#d62728', marker: 'square' } } });
		const at = (series: string, observer: string) => rows.filter((r) => r.series === series && r.observer === observer).map((r) => [r.reveal_percent, r.accuracy, r.trials]);
		expect(at('person', 'human:a')).toEqual([['10 %', 0.5, 2], ['100 %', 1, 2]]);
		expect(at('person', 'human:b')).toEqual([['10 %', 0, 1], ['100 %', 1, 1]]);
		expect(at('people_mean', 'people')).toEqual([['10 %', 0.25, 3], ['100 %', 1, 3]]);
		expect(at('model', 'model:m')).toEqual([['10 %', 1, 2], ['100 %', 1, 2]]);
		expect(rows.find((r) => r.observer === 'model:m')!.label).toBe('Model M');
		// normalized: (a - 0.5) / (a(full) - 0.5): a at 10 % -> 0, b -> -1
		expect(rows.filter((r) => r.series === 'person' && r.reveal === 0.1).map((r) => r.normalized)).toEqual([0, -1]);
		const mean = rows.find((r) => r.series === 'people_mean' && r.reveal === 0.1)!;
		expect(mean.ci_low).toBe(report.human_curve.ci_low[0]);
		expect(rows.filter((r) => r.series !== 'people_mean').every((r) => r.ci_low === null)).toBe(true);
		expect(rows.some((r) => r.observer === 'human:c')).toBe(false); // excluded people are not drawn
	});
});

describe('CSV and options', () => {
	it('writes rows with a header, numbers to 6 significant digits', () => {
		const csv = rowsToCsv([{ model: 'A, with comma', value: 0.1 + 0.2, ci_low: null }, { model: 'B', value: 2 / 3, ci_low: 0.5 }]);
		expect(csv).toBe('model,value,ci_low\n"A, with comma",0.3,\nB,0.666667,0.5\n');
		expect(Papa.parse(csv.trim(), { header: true }).data).toEqual([{ model: 'A, with comma', value: '0.3', ci_low: '' }, { model: 'B', value: '0.666667', ci_low: '0.5' }]);
	});
	it('says each option as words', () => {
		expect(optionsText({ exclusion_threshold: 0.5, include_test_data: true, seed: null })).toBe('exclusion threshold = 0.5; include test data = true; seed = none');
	});
	it('gives alignment rows their interval, empty when they have none', () => {
		const rows = [{ model: 'M', colour: '#111', measure: 'Error consistency', value: 0.2, ci_low: null, ci_high: null }, { model: 'M', colour: '#111', measure: 'Feature alignment', value: 0.5, ci_low: 0.4, ci_high: 0.6 }];
		expect(rows.map(hasInterval)).toEqual([false, true]);
		expect(alignmentCsvRows(rows).map((r) => [r.ci_low, r.ci_high])).toEqual([[null, null], [0.4, 0.6]]);
	});
	it('gives pareto rows their top-1, score, interval and whether they are on the front (by the metric\'s direction)', () => {
		const style = { colour: '#111', marker: 'circle' as const };
		const points = [
			{ id: 'a', label: 'A', x: 0.7, y: 0.2, ci_low: 0.1, ci_high: 0.3, ...style },
			{ id: 'b', label: 'B', x: 0.6, y: 0.3, ci_low: null, ci_high: null, ...style },
			{ id: 'c', label: 'C', x: 0.5, y: 0.1, ...style }
		];
		// higher is better: c is beaten by a (0.7 >= 0.5, 0.2 > 0.1); a and b trade off
		expect(paretoCsvRows(points, { id: 'error_consistency', direction: 'higher' }).map((r) => [r.model, r.on_front, r.ci_low])).toEqual([['a', true, 0.1], ['b', true, null], ['c', false, null]]);
		// lower is better: c (0.1) is the least different but least accurate; a beats b (more accurate and lower)
		expect(paretoCsvRows(points, { id: 'accuracy_difference', direction: 'lower' }).map((r) => r.on_front)).toEqual([true, false, true]);
	});
});
