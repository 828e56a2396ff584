/**
 * Feature alignment: hand-worked small maps for every formula, and TensorFlow.js's own
 * resizeBilinear and conv2d (the operations the Harmonization code calls) as an independent check
 * of the preprocessing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../stimuli/random.js';
import {
	featureReport,
	FeatureInputError,
	gaussianBlur,
	gaussianKernel,
	HARMONIZATION_CEILING,
	harmonizationPreprocess,
	imagesLeftOut,
	maskOverlap,
	parseFeatureMaps,
	resizeBilinear,
	topPercentMask,
	type FeatureMap
} from './features.js';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

const map = (width: number, height: number, data: number[]): FeatureMap => ({ width, height, data });
const randomMap = (width: number, height: number, seed: string) => {
	const random = seededRandom(seed);
	return map(width, height, Array.from({ length: width * height }, () => random()));
};
const tensorOf = (m: FeatureMap) => tf.tensor4d(Array.from(m.data), [1, m.height, m.width, 1]);
const closeAll = (actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 5) => {
	expect(actual.length).toBe(expected.length);
	for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
};

describe('preprocessing', () => {
	it('bilinear resize with half-pixel centres, by hand', () => {
		// 2 -> 4: samples at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
		const up = resizeBilinear(map(2, 2, [0, 4, 8, 12]), 4, 4);
		expect(Array.from(up.data)).toEqual([0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12]);
		// 4 -> 2: samples at 0.5 and 2.5
		const down = resizeBilinear(map(4, 1, [0, 2, 4, 6]), 2, 1);
		expect(Array.from(down.data)).toEqual([1, 5]);
	});

	it('bilinear resize matches tf.image.resizeBilinear (halfPixelCenters)', () => {
		for (const [w, h, ow, oh] of [[7, 5, 3, 4], [5, 6, 11, 13], [256, 256, 64, 64]] as const) {
			const m = randomMap(w, h, `resize-${w}`);
			const ours = resizeBilinear(m, ow, oh);
			const theirs = tf.tidy(() => tf.image.resizeBilinear(tensorOf(m), [oh, ow], false, true).dataSync());
			closeAll(ours.data, theirs);
		}
	});

	it('the Gaussian kernel: x = -5..4, y = 4..-5, sums to 1', () => {
		const k = gaussianKernel(10, 10);
		expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
		// top-left is x = -5, y = 4; the peak (x = 0, y = 0) is row 4, column 5
		expect(k[0]! / k[4 * 10 + 5]!).toBeCloseTo(Math.exp(-(25 + 16) / 200), 12);
		expect(Math.max(...k)).toBe(k[4 * 10 + 5]);
		// odd sizes are centred: 3 x 3, sigma 1 -> corners e^-1, edges e^-0.5, centre 1
		const k3 = gaussianKernel(3, 1);
		const s = 1 + 4 * Math.exp(-0.5) + 4 * Math.exp(-1);
		closeAll(k3, [Math.exp(-1), Math.exp(-0.5), Math.exp(-1), Math.exp(-0.5), 1, Math.exp(-0.5), Math.exp(-1), Math.exp(-0.5), Math.exp(-1)].map((v) => v / s), 12);
	});

	it('blurring an impulse lays the kernel down with the SAME offset (4 up-left for size 10)', () => {
		const impulse = new Array(20 * 20).fill(0);
		impulse[10 * 20 + 10] = 1;
		const out = gaussianBlur(map(20, 20, impulse), 10, 10);
		const k = gaussianKernel(10, 10);
		// out(i, j) = k(10 - i + 4, 10 - j + 4)
		expect(out.data[10 * 20 + 10]).toBeCloseTo(k[4 * 10 + 4]!, 12);
		expect(out.data[6 * 20 + 6]).toBeCloseTo(k[8 * 10 + 8]!, 12);
		expect(out.data[14 * 20 + 14]).toBeCloseTo(k[0]!, 12);
		expect(out.data[5 * 20 + 5]).toBeCloseTo(k[99]!, 12);
		expect(out.data[15 * 20 + 15]).toBe(0); // beyond the kernel: it spans rows 5..14
		expect(out.data[4 * 20 + 4]).toBe(0);
	});

	it('blur matches tf.conv2d(..., "same") and the whole pipeline matches TensorFlow.js', () => {
		const k = gaussianKernel(10, 10);
		const m = randomMap(13, 9, 'blur');
		const theirs = tf.tidy(() => tf.conv2d(tensorOf(m) as tf.Tensor4D, tf.tensor4d(Array.from(k), [10, 10, 1, 1]), 1, 'same').dataSync());
		closeAll(gaussianBlur(m, 10, 10).data, theirs);

		const human = randomMap(100, 80, 'human');
		const pipeline = tf.tidy(() => {
			const small = tf.image.resizeBilinear(tensorOf(human), [64, 64], false, true);
			const blurred = tf.conv2d(small as tf.Tensor4D, tf.tensor4d(Array.from(k), [10, 10, 1, 1]), 1, 'same');
			return tf.image.resizeBilinear(blurred, [30, 40], false, true).dataSync();
		});
		closeAll(harmonizationPreprocess(human, 40, 30).data, pipeline);
	});
});

describe('top 10 %, IoU and Dice', () => {
	it('keeps pixels above the 90th percentile (linear), so ties at the top can keep none', () => {
		// 1..10: P90 = 9.1 -> only 10
		expect(Array.from(topPercentMask(map(10, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
		// nine 0 and one 5: P90 = 0 + 0.1 (5 - 0) = 0.5 -> the 5
		expect(Array.from(topPercentMask(map(10, 1, [0, 0, 0, 0, 0, 0, 0, 0, 0, 5])))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
		// eight 0 and two 5: P90 = 5 -> nothing is above it
		expect(Array.from(topPercentMask(map(10, 1, [0, 0, 0, 0, 0, 0, 0, 0, 5, 5])))).toEqual(new Array(10).fill(0));
	});

	it('IoU = |A and B| / |A or B|, Dice = 2 |A and B| / (|A| + |B|)', () => {
		const { iou, dice } = maskOverlap(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 1, 1, 0]));
		expect(iou).toBeCloseTo(1 / 3, 8);
		expect(dice).toBeCloseTo(0.5, 8);
		expect(maskOverlap(new Uint8Array(4), new Uint8Array(4))).toEqual({ iou: 0, dice: 0 }); // 0 / (0 + 1e-9)
	});
});

describe('feature report', () => {
	const humans = {
		a: map(2, 2, [1, 2, 3, 4]),
		b: map(2, 2, [0, 0, 1, 1]),
		flat: map(2, 2, [3, 3, 3, 3])
	};
	const models = {
		a: map(2, 2, [2, 1, 4, 3]),
		b: map(2, 2, [0, 1, 1, 2]),
		flat: map(2, 2, [1, 2, 3, 4])
	};

	it('raw: Spearman per image with average ranks for ties, constant maps left out and counted', () => {
		const report = featureReport(humans, models, { raw: true });
		// a: pearson([1,2,3,4], [2,1,4,3]) = 3 / 5 = 0.6; top 10 %: human pixel 3, model pixel 2 -> no overlap
		expect(report.images.a!.spearman).toBeCloseTo(0.6, 12);
		expect(report.images.a!.iou).toBe(0);
		expect(report.images.a!.dice).toBe(0);
		// b: ranks [1.5, 1.5, 3.5, 3.5] and [1, 2.5, 2.5, 4]: sxy 3, sxx 4, syy 4.5 -> 3 / sqrt(18)
		expect(report.images.b!.spearman).toBeCloseTo(3 / Math.sqrt(18), 12);
		// P90 of [0,0,1,1] is 1: nothing above it, so the human mask is empty
		expect(report.images.b!.iou).toBe(0);
		expect(report.images.flat).toEqual({ spearman: null, iou: null, dice: null });
		expect(report.constant_maps).toEqual(['flat']);
		expect(report.images_compared).toBe(2);
		const meanSpearman = (0.6 + 3 / Math.sqrt(18)) / 2;
		expect(report.mean_spearman).toBeCloseTo(meanSpearman, 12);
		expect(report.ceiling).toBe(HARMONIZATION_CEILING);
		expect(report.ceiling_source).toContain('Harmonization');
		expect(report.alignment).toBeCloseTo(meanSpearman / 0.65753, 12);
	});

	it('the ceiling: --ceiling first, else the maps ClickMe reliability made for this comparison, else the paper\'s, saying why', () => {
		const carried = { ...humans, a: { ...humans.a, reliability: 0.5, reliability_comparison: 'as-given' }, b: { ...humans.b, reliability: 0.7, reliability_comparison: 'as-given' } };
		const fromMaps = featureReport(carried, models, { raw: true });
		expect(fromMaps.ceiling).toBeCloseTo(0.6, 12);
		expect(fromMaps.ceiling_source).toContain('ClickMe split-half reliability');
		expect(fromMaps.paper_ceiling).toBe(0.65753); // always reported beside it
		expect(fromMaps.alignment_paper_ceiling).toBeCloseTo(fromMaps.mean_spearman! / 0.65753, 12);
		// the same reliabilities under Harmonization's preprocessing were not made for it: the paper's ceiling, and why
		const other = featureReport(carried, models, { resolution: 8 });
		expect(other.ceiling).toBe(HARMONIZATION_CEILING);
		expect(other.ceiling_source).toContain("the maps' own reliability was computed for as-given, not harmonization@8");
		// a reliability from before maps recorded their comparison is not used either
		const old = featureReport({ ...humans, a: { ...humans.a, reliability: 0.5 } }, models, { raw: true });
		expect(old.ceiling_source).toContain('an older map method');
		const given = featureReport(carried, models, { raw: true, ceiling: 0.8 });
		expect(given.ceiling).toBe(0.8);
		expect(given.alignment).toBeCloseTo(given.mean_spearman! / 0.8, 12);
	});

	it("default comparison: Harmonization's preprocessing of the human map at 224 px, the model map resized to 224", () => {
		const human = randomMap(32, 32, 'h'), model = randomMap(16, 16, 'm');
		const report = featureReport({ x: human }, { x: model });
		expect(report.comparison).toEqual({ preprocessing: 'harmonization', resolution: 224, id: 'harmonization@224' });
		const expected = featureReport({ x: harmonizationPreprocess(human, 224, 224) }, { x: resizeBilinear(model, 224, 224) }, { raw: true });
		expect(report.images.x).toEqual(expected.images.x);
		// another comparison size, and a model map already at that size is taken as it is
		const at16 = featureReport({ x: human }, { x: model }, { resolution: 16 });
		expect(at16.images.x).toEqual(featureReport({ x: harmonizationPreprocess(human, 16, 16) }, { x: model }, { raw: true }).images.x);
		expect(() => featureReport({ x: human }, { x: model }, { resolution: 3 })).toThrow('the comparison resolution must be a whole number of px from 8 to 2048, got 3');
	});

	it('compares the images with both maps and lists the others; refuses no shared image, sizes that differ under --raw, and malformed files, naming the image', () => {
		const wider = featureReport({ a: humans.a, y: humans.a }, { a: models.a, z: models.a, w: models.a }, { raw: true });
		expect(wider.images_compared).toBe(1);
		expect(Object.keys(wider.images)).toEqual(['a']);
		expect(wider.images.a).toEqual(featureReport({ a: humans.a }, { a: models.a }, { raw: true }).images.a);
		expect(wider.images_without_model_map).toEqual(['y']);
		expect(wider.images_without_human_map).toEqual(['w', 'z']);
		expect(imagesLeftOut(wider)).toBe('compared on the images with both maps only; not compared: 2 images with a model map but no human map (w, z); 1 images with a human map but no model map (y)');
		expect(imagesLeftOut(featureReport({ a: humans.a }, { a: models.a }, { raw: true }))).toBeNull();
		expect(() => featureReport({ y: humans.a }, { z: models.a })).toThrow('no image has both a human and a model map (human maps of y; model maps of z)');
		expect(() => featureReport({ a: map(3, 1, [1, 2, 3]) }, { a: models.a }, { raw: true })).toThrow('image a: the human map is 3 x 1 but the model map is 2 x 2');
		expect(() => parseFeatureMaps('{"q": {"width": 2, "height": 2, "data": [1, 2, 3]}}', 'h.json')).toThrow(FeatureInputError);
		expect(() => parseFeatureMaps('{"q": {"width": 2, "height": 2, "data": [1, 2, 3]}}', 'h.json')).toThrow('h.json, image q: "data" has 3 values, expected width x height = 4');
		expect(() => parseFeatureMaps('{"q": {"width": 1, "height": 1, "data": ["x"]}}', 'h.json')).toThrow('image q: value 0 (x=0, y=0) is not a finite number');
		expect(parseFeatureMaps('{"q": {"width": 1, "height": 2, "data": [1, 2], "reliability": 0.6, "reliability_comparison": "harmonization@224"}}', 'h.json').q).toMatchObject({ reliability: 0.6, reliability_comparison: 'harmonization@224' });
		expect(() => parseFeatureMaps('{"q": {"width": 1, "height": 1, "data": [1], "reliability_comparison": 224}}', 'h.json')).toThrow('"reliability_comparison" must be a string');
	});
});
