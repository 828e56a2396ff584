/**
 * The WASM filter gradient (a forward convolution in disguise) against the CPU backend's
 * direct loops, over the strides and paddings the models use.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFastestNodeBackend } from './node.js';
import { registerWasmConv2DBackpropFilter } from './wasm-conv-gradient.js';

beforeAll(async () => {
	expect(await useFastestNodeBackend('wasm')).toBe('wasm');
	registerWasmConv2DBackpropFilter();
});

async function filterGradientOn(backend: 'wasm' | 'cpu', x: number[], xShape: [number, number, number, number], dy: number[], dyShape: [number, number, number, number], filterShape: [number, number, number, number], strides: number, pad: 'same' | 'valid') {
	await tf.setBackend(backend);
	const result = tf.tidy(() => tf.conv2d(tf.tensor4d(x, xShape), tf.zeros(filterShape), strides, pad)); // checks the shapes agree
	result.dispose();
	const dW = tf.tidy(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(x, xShape), dy: tf.tensor4d(dy, dyShape) }, { strides, pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor);
	const values = Array.from(await dW.data());
	expect(dW.shape).toEqual(filterShape);
	dW.dispose();
	return values;
}

const cases: { name: string; x: [number, number, number, number]; filter: [number, number, number, number]; strides: number; pad: 'same' | 'valid' }[] = [
	{ name: '3x3 same, stride 1', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
	{ name: '3x3 same, stride 2, odd size (asymmetric padding)', x: [1, 9, 8, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
	{ name: '1x1 valid', x: [1, 5, 5, 4], filter: [1, 1, 4, 2], strides: 1, pad: 'valid' },
	{ name: '3x3 valid, stride 2, leftover rows', x: [1, 10, 9, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' }
];

describe('Conv2DBackpropFilter on WASM', () => {
	for (const c of cases) {
		it(`equals the CPU kernel: ${c.name}`, async () => {
			const random = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
			const out = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
			const dyShape: [number, number, number, number] = [c.x[0], out.outHeight, out.outWidth, c.filter[3]];
			const x = random(c.x.reduce((a, b) => a * b), 1);
			const dy = random(dyShape.reduce((a, b) => a * b), 2);
			const cpu = await filterGradientOn('cpu', x, c.x, dy, dyShape, c.filter, c.strides, c.pad);
			const before = tf.memory().numTensors;
			const wasm = await filterGradientOn('wasm', x, c.x, dy, dyShape, c.filter, c.strides, c.pad);
			expect(tf.memory().numTensors).toBe(before);
			expect(wasm.length).toBe(cpu.length);
			for (let i = 0; i < cpu.length; i++) expect(wasm[i]).toBeCloseTo(cpu[i]!, 4);
		});
	}
});
