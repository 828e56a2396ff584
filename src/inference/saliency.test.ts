/**
 * The steps of a saliency map worked by hand: max over channels of |g|, the target rule, and the
 * one resize to the stimulus (half-pixel bilinear, checked by hand and against TF.js's own kernel).
 * The gradient itself: classifier.test.ts (against central differences).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsOverChannels } from './classifier.js';
import { chooseTarget, saliencyAtStimulus, saliencyParams, TARGET_RULES } from './saliency.js';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

describe('saliency, step by step', () => {
	it('takes the maximum over colour channels of the absolute gradient', async () => {
		// pixel (0,0): |1|, |-5|, |2| -> 5; (1,0): 0, 0, |-0.5| -> 0.5; (0,1): 3, 3, |-3| -> 3; (1,1): |-7|, 1, 2 -> 7
		const before = tf.memory().numTensors;
		const g = tf.tensor4d([1, -5, 2, 0, 0, -0.5, 3, 3, -3, -7, 1, 2], [1, 2, 2, 3]);
		const map = maxAbsOverChannels(g);
		expect(map.shape).toEqual([2, 2]);
		expect(Array.from(await map.data())).toEqual([5, 0.5, 3, 7]);
		g.dispose();
		map.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	it('targets the listed class with the highest logit (ties to the first listed), else the model\'s top class', () => {
		const logits = new Map([[3, 2.5], [281, 4], [285, 4], [417, 9]]);
		const logit = (c: number) => logits.get(c) ?? 0;
		expect(chooseTarget([3], logit)).toEqual({ target: 3, target_rule: 'listed' });
		expect(chooseTarget([3, 281], logit)).toEqual({ target: 281, target_rule: 'listed' });
		expect(chooseTarget([285, 281], logit)).toEqual({ target: 285, target_rule: 'listed' }); // a tie: the first listed
		expect(chooseTarget([], logit)).toEqual({ target: 417, target_rule: 'model-top' });
		expect(chooseTarget(undefined, logit)).toEqual({ target: 417, target_rule: 'model-top' });
		expect(Object.keys(TARGET_RULES)).toEqual(['listed', 'model-top']);
	});

	it('resizes to the stimulus once, by half-pixel bilinear: by hand, and as TF.js resizeBilinear(halfPixelCenters) does', async () => {
		// 2 -> 4 wide: s = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped: 0, 0 + 0.25 * 8, 0 + 0.75 * 8, 8
		// (align-corners would give 0, 8/3, 16/3, 8)
		const row = saliencyAtStimulus({ map: { width: 2, height: 1, data: Float64Array.from([0, 8]) }, image: { width: 4, height: 1 } });
		expect(Array.from(row.data)).toEqual([0, 2, 6, 8]);

		const size = 7, width = 12, height = 9;
		const values = Float64Array.from({ length: size * size }, (_, i) => Math.abs(Math.sin(i * 1.7)) * 3);
		const ours = saliencyAtStimulus({ map: { width: size, height: size, data: values }, image: { width, height } });
		const theirs = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(Float32Array.from(values), [size, size, 1]), [height, width], false, true));
		const expected = await theirs.data();
		theirs.dispose();
		expect([ours.width, ours.height]).toEqual([width, height]);
		for (let i = 0; i < expected.length; i++) expect(ours.data[i]).toBeCloseTo(expected[i]!, 5);

		// at the stimulus' size already: a copy, unchanged
		const same = saliencyAtStimulus({ map: { width: 2, height: 1, data: Float64Array.from([1, 2]) }, image: { width: 2, height: 1 } });
		expect(Array.from(same.data)).toEqual([1, 2]);
	});

	it('says in the params how the map was made', () => {
		const params = saliencyParams({ map: { width: 224, height: 224, data: new Float64Array(224 * 224) }, target: 105, target_rule: 'listed', image: { width: 256, height: 256 } });
		expect(params).toMatchObject({ input_resolution: [224, 224], stimulus_resolution: [256, 256], target_class: 105, target_rule: 'listed', target_rule_text: TARGET_RULES.listed });
		expect(params.method).toContain('after resize and scaling');
	});
});
