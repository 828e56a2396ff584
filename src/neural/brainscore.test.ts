import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stimuli/random.js';
import { brainScore, splitHalfCeiling, stratifiedSplits, type PresentationRecordings } from './brainscore.js';

function presentations(seed: string, images = 60, neuroids = 12, channels = 8, repetitions = 6) {
	const random = seededRandom(seed);
	const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
	const F = Float64Array.from({ length: images * channels }, gauss);
	const W = Float64Array.from({ length: channels * neuroids }, gauss);
	const data = new Float64Array(repetitions * images * neuroids);
	for (let r = 0; r < repetitions; r++) for (let i = 0; i < images; i++) for (let n = 0; n < neuroids; n++) {
		let s = 2 * gauss(); // trial noise
		for (let c = 0; c < channels; c++) s += F[i * channels + c]! * W[c * neuroids + n]!;
		data[(r * images + i) * neuroids + n] = s;
	}
	const labels = Array.from({ length: images }, (_, i) => ['face', 'body', 'object'][i % 3]!);
	const rec: PresentationRecordings = { repetitions, images, neuroids, data, labels };
	return { rec, features: { channels, data: F }, noise: { channels, data: Float64Array.from({ length: images * channels }, gauss) } };
}

describe('the standard Brain-Score variant', () => {
	it('makes 10 splits whose test parts hold 10 % of each label', () => {
		const labels = Array.from({ length: 60 }, (_, i) => ['face', 'body', 'object'][i % 3]!);
		const splits = stratifiedSplits(60, labels);
		expect(splits).toHaveLength(10);
		for (const test of splits) {
			expect(test).toHaveLength(6);
			for (const l of ['face', 'body', 'object']) expect(test.filter((i) => labels[i] === l)).toHaveLength(2);
		}
		expect(new Set(splits.map((s) => s.join())).size).toBeGreaterThan(1);
	});

	it('the split-half ceiling is Spearman-Brown corrected and below 1 with trial noise; null with one repetition', () => {
		const { rec } = presentations('ceiling');
		const c = splitHalfCeiling(rec)!;
		expect(c).toBeGreaterThan(0.5);
		expect(c).toBeLessThan(1);
		expect(splitHalfCeiling({ ...rec, repetitions: 1, data: rec.data.subarray(0, rec.images * rec.neuroids) })).toBeNull();
	});

	it('features that generate the responses score high (raw and ceiled); noise scores about 0', () => {
		const { rec, features, noise } = presentations('score');
		const good = brainScore(rec, features);
		expect(good.splits).toBe(10);
		expect(good.components).toBe(8);
		expect(good.raw).toBeGreaterThan(0.7);
		expect(good.ceiled).toBeCloseTo(good.raw / good.ceiling!, 12);
		const bad = brainScore(rec, noise);
		expect(Math.abs(bad.raw)).toBeLessThan(0.25);
	});
});
