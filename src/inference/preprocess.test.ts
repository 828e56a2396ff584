import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { preprocessBatch } from './preprocess.js';
import { customModelEntry, modelEntry } from './registry.js';

const image = { width: 2, height: 1, data: Uint8Array.from([0, 51, 255, 127.5, 204, 102]) };

describe('preprocessing', () => {
	it('scales to [0, 1], [-1, 1] or by mean and std, keeping the channel order asked for', async () => {
		await tf.setBackend('cpu');
		const run = async (p: Parameters<typeof preprocessBatch>[2]) => {
			const t = tf.tidy(() => preprocessBatch([image], 2, p));
			const out = Array.from(await t.data());
			t.dispose();
			return out;
		};
		const unit = await run({ scale: 'unit', channels: 'rgb' });
		expect(unit.slice(0, 3).map((v) => +v.toFixed(4))).toEqual([0, 0.2, 1]);
		const symmetric = await run({ scale: 'symmetric', channels: 'rgb' });
		expect(symmetric.slice(0, 3).map((v) => +v.toFixed(4))).toEqual([-1, -0.6, 1]);
		const bgr = await run({ scale: 'unit', channels: 'bgr' });
		expect(bgr.slice(0, 3).map((v) => +v.toFixed(4))).toEqual([1, 0.2, 0]);
		const meanStd = await run({ scale: 'mean-std', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channels: 'rgb' });
		expect(meanStd.slice(0, 3).map((v) => +v.toFixed(4))).toEqual([-2, -1.2, 2]); // (0 - .5)/.25, (.2 - .5)/.25, (1 - .5)/.25
	});

	it('resizes by TF 2 bilinear with half-pixel centres, not align-corners', async () => {
		// a 2 x 1 image (0 and 204 in every channel) to 4 x 4: along x, s = (i + 0.5) / 2 - 0.5 =
		// -0.25, 0.25, 0.75, 1.25 -> 0, 51, 153, 204 (align-corners: 0, 68, 136, 204); unit scale / 255
		const t = preprocessBatch([{ width: 2, height: 1, data: Uint8Array.from([0, 0, 0, 204, 204, 204]) }], 4, { scale: 'unit', channels: 'rgb' });
		const values = Array.from(await t.data());
		t.dispose();
		for (let row = 0; row < 4; row++) {
			expect(values.slice(row * 12, row * 12 + 12).filter((_, i) => i % 3 === 0).map((v) => +(v * 255).toFixed(3))).toEqual([0, 51, 153, 204]);
		}
	});

	it('resizes to the model input size and leaks no tensors', () => {
		const before = tf.memory().numTensors;
		const t = preprocessBatch([image, image], 4, { scale: 'unit', channels: 'rgb' });
		expect(t.shape).toEqual([2, 4, 4, 3]);
		t.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});
});

describe('the registry', () => {
	it('refuses an unknown model, listing the valid ones', () => {
		expect(() => modelEntry('resnet-9000')).toThrow('unknown model "resnet-9000" (valid: darknet-tiny, mobilenet-v1-0.25, mobilenet-v1-0.75, squeezenet-1.1, squeezenet-1.0, mobilenet-v1-1.0-quant, mobilenet-v2-1.0-224-quant, mobilenet-v2-1.0-224-ptq, mobilenet-v1-0.75-192-quant, mobilenet-v1-0.5-160-quant)');
	});
	it('makes an entry for a model added by URL, and refuses a URL that is not a model.json', () => {
		expect(customModelEntry('https://example.org/models/my-net/model.json')).toMatchObject({ id: 'custom-my-net', format: 'layers', localDir: null });
		expect(() => customModelEntry('https://example.org/models/my-net/')).toThrow('must point to its model.json');
	});
});
