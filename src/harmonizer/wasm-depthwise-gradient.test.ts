/**
 * The WASM depthwise filter gradient (one depthwise convolution in disguise) against the CPU
 * backend's loops, over the strides, paddings and channel multipliers the models use.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFastestNodeBackend } from '../inference/node.js';
import { registerWasmDepthwiseBackpropFilter } from './wasm-depthwise-gradient.js';

beforeAll(async () => {
	expect(await useFastestNodeBackend('wasm')).toBe('wasm');
	registerWasmDepthwiseBackpropFilter();
});

const cases: { name: string; x: [number, number, number, number]; filter: [number, number, number, number]; strides: number; pad: 'same' | 'valid' }[] = [
	{ name: '3 x 3 same, stride 1', x: [2, 7, 6, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'same' },
	{ name: '3 x 3 same, stride 2, odd size', x: [2, 9, 8, 4], filter: [3, 3, 4, 1], strides: 2, pad: 'same' },
	{ name: '3 x 3 valid, stride 2, multiplier 2', x: [1, 10, 9, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'valid' },
	{ name: '5 x 5 same, stride 1, multiplier 3', x: [3, 6, 6, 2], filter: [5, 5, 2, 3], strides: 1, pad: 'same' }
];

describe('DepthwiseConv2dNativeBackpropFilter on WASM', () => {
	for (const c of cases) {
		it(`equals the CPU kernel: ${c.name}`, async () => {
			const random = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
			const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, undefined, true);
			const dyShape: [number, number, number, number] = [c.x[0], info.outHeight, info.outWidth, info.outChannels];
			const x = random(c.x.reduce((a, b) => a * b), 1), dy = random(dyShape.reduce((a, b) => a * b), 2);
			const on = async (backend: 'wasm' | 'cpu') => {
				await tf.setBackend(backend);
				const before = tf.memory().numTensors;
				const dW = tf.tidy(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, dyShape) }, { strides: c.strides, pad: c.pad, dilations: 1, filterShape: c.filter }) as tf.Tensor);
				expect(dW.shape).toEqual(c.filter);
				const values = Array.from(await dW.data());
				dW.dispose();
				expect(tf.memory().numTensors).toBe(before);
				return values;
			};
			const cpu = await on('cpu'), wasm = await on('wasm');
			expect(Math.max(...cpu.map(Math.abs))).toBeGreaterThan(0.1);
			for (let i = 0; i < cpu.length; i++) expect(wasm[i]).toBeCloseTo(cpu[i]!, 4);
			await tf.setBackend('wasm');
		});
	}
});
