/**
 * The second-order check the browser runs on every backend (/models/harmonize/gradients): on CPU its
 * energy gradient matches central finite differences of the saliency energy (so CPU is a sound
 * reference), and WASM (with its bridged kernels) agrees with CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFastestNodeBackend } from '../inference/node.js';
import { checkSecondOrderAgreement, secondOrderValuesOn, SECOND_ORDER_TOLERANCE, tinyInputs, tinyNetwork } from './gradient-agreement.js';
import { withWasmBridges } from '../inference/wasm-bridge.js';
import { withTrainingKernels } from './train.js';

beforeAll(async () => {
	await useFastestNodeBackend('wasm');
});
afterAll(async () => {
	await tf.setBackend('wasm');
});

describe('second-order agreement on a tiny depthwise / ReLU6 / max pool / tanh network', () => {
	it('CPU: the energy gradient w.r.t. the pointwise filter equals central differences', async () => {
		const values = await secondOrderValuesOn('cpu');
		expect(Math.max(...values.pointwise.map(Math.abs))).toBeGreaterThan(1e-2);
		// the energy in float64 from float32 saliencies: a small step over a smooth function (tanh; ReLU6 and the max pool are piecewise linear, kinks not crossed at this step)
		const energy = async (index: number, delta: number) =>
			withTrainingKernels(async () => {
				const { x, depthwise, pointwise, readout } = tinyInputs();
				const shifted = pointwise.bufferSync();
				shifted.values[index]! += delta;
				const p = shifted.toTensor() as tf.Tensor4D;
				const s = tf.grad((input: tf.Tensor) => tinyNetwork(input as tf.Tensor4D, depthwise, p, readout))(x);
				const data = await s.data();
				tf.dispose([x, depthwise, pointwise, readout, p, s]);
				return Array.from(data).reduce((sum: number, v: number) => sum + v * v, 0);
			});
		const step = 1e-2;
		for (const index of [0, 5, 13, 22]) {
			const difference = ((await energy(index, step)) - (await energy(index, -step))) / (2 * step);
			expect(Math.abs(values.pointwise[index]! - difference)).toBeLessThan(2e-2 * Math.max(1, Math.abs(difference)));
		}
	});
	it('WASM agrees with CPU on the saliency and both second-order gradients', async () => {
		const [row] = await checkSecondOrderAgreement(['cpu', 'wasm']);
		expect(row).toMatchObject({ backend: 'wasm', agrees: true, error: null });
		expect(Math.max(row!.saliency, row!.depthwise, row!.pointwise)).toBeLessThanOrEqual(SECOND_ORDER_TOLERANCE);
	});
	it('a max pool\'s gradient on WASM matches CPU with several channels and images (tfjs-backend-wasm 4.22\'s own MaxPoolGrad does not: wasm-bridge.ts)', async () => {
		const gradient = async (backend: 'cpu' | 'wasm', shape: [number, number, number, number], size: number, pad: 'valid' | 'same') => {
			await tf.setBackend(backend);
			return withWasmBridges(async () => {
				const n = shape.reduce((a, b) => a * b, 1);
				const x = tf.tensor(Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 12.9898) * 3), shape) as tf.Tensor4D;
				const weights = tf.tidy(() => tf.cos(tf.range(0, tf.maxPool(x, size, 2, pad).size).mul(7.1)).reshape(tf.maxPool(x, size, 2, pad).shape));
				const g = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, size, 2, pad), weights)))(x);
				const data = Array.from(await g.data());
				tf.dispose([x, weights, g]);
				return data;
			});
		};
		for (const [shape, size, pad] of [[[1, 8, 8, 4], 2, 'valid'], [[2, 6, 6, 1], 2, 'valid'], [[1, 7, 7, 3], 3, 'same']] as const) {
			const cpu = await gradient('cpu', [...shape], size, pad);
			const wasm = await gradient('wasm', [...shape], size, pad);
			expect(Math.max(...cpu.map((v, i) => Math.abs(v - wasm[i]!)))).toBeLessThan(1e-6);
		}
	});
});
