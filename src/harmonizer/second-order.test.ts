/**
 * The second-order gradients second-order.ts registers, against central finite differences on
 * CPU and WASM. The backprop kernels are linear in each input, so there a difference quotient
 * with a step of 1 is exact up to float32 rounding; the activations are smooth, checked with a
 * small step. Then a small network with a depthwise convolution, ReLU6 and a max pool: the
 * gradient of its saliency's energy w.r.t. the weights, against finite differences, equal on
 * both backends.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFastestNodeBackend } from '../inference/node.js';
import { withWasmBridges } from '../inference/wasm-bridge.js';
import { registerSecondOrderGradients } from './second-order.js';

beforeAll(async () => {
	await useFastestNodeBackend('wasm');
	registerSecondOrderGradients();
});
afterAll(async () => {
	await tf.setBackend('wasm');
});

const values = (n: number, seed: number, scale = 1) => Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 12.9898 + seed * 78.233) * scale);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** grad of f at `at` (a flat array of `shape`) vs central differences at a few coordinates. */
async function checkAgainstDifferences(f: (x: tf.Tensor) => tf.Scalar, at: number[], shape: number[], step: number, tolerance: number, coordinates = [0, 3, 7, 11]) {
	const gradient = await withWasmBridges(async () => {
		const g = tf.grad(f)(tf.tensor(at, shape));
		const data = Array.from(await g.data());
		g.dispose();
		return data;
	});
	const scale = Math.max(...gradient.map(Math.abs));
	expect(scale).toBeGreaterThan(1e-3);
	for (const i of coordinates.filter((c) => c < at.length)) {
		const value = async (delta: number) => {
			const shifted = [...at];
			shifted[i]! += delta;
			return withWasmBridges(async () => {
				const y = tf.tidy(() => f(tf.tensor(shifted, shape)));
				const v = (await y.data())[0]!;
				y.dispose();
				return v;
			});
		};
		const difference = ((await value(step)) - (await value(-step))) / (2 * step);
		expect(Math.abs(gradient[i]! - difference)).toBeLessThan(tolerance * Math.max(1, scale));
	}
}

const depthwiseCases = [
	{ name: '3 x 3, stride 1, same, multiplier 1', x: [1, 5, 5, 2], filter: [3, 3, 2, 1], strides: 1, pad: 'same' as const },
	{ name: '3 x 3, stride 2, same, odd size', x: [2, 7, 6, 3], filter: [3, 3, 3, 1], strides: 2, pad: 'same' as const },
	{ name: '3 x 3, stride 2, valid, multiplier 2', x: [1, 7, 7, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'valid' as const }
];

describe.each(['cpu', 'wasm'] as const)('second-order gradients on %s', (backend) => {
	beforeAll(async () => {
		await tf.setBackend(backend);
	});

	for (const c of depthwiseCases) {
		const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, 1, c.pad, undefined, true);
		const dyShape = [c.x[0]!, info.outHeight, info.outWidth, info.outChannels];
		const weightsX = () => tf.tensor(values(size(c.x), 9), c.x);
		const backpropInput = (dy: tf.Tensor, filter: tf.Tensor) =>
			tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides: c.strides, pad: c.pad, dilations: 1, inputShape: c.x } as never) as tf.Tensor;
		const backpropFilter = (x: tf.Tensor, dy: tf.Tensor) =>
			tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: c.strides, pad: c.pad, dilations: 1, filterShape: c.filter } as never) as tf.Tensor;

		it(`DepthwiseConv2dNativeBackpropInput, ${c.name}: w.r.t. dy and the filter`, async () => {
			const filter = values(size(c.filter), 1), dy = values(size(dyShape), 2);
			await checkAgainstDifferences((f) => backpropInput(tf.tensor(dy, dyShape), f).mul(weightsX()).sum(), filter, c.filter, 1, 1e-4);
			await checkAgainstDifferences((d) => backpropInput(d, tf.tensor(filter, c.filter)).mul(weightsX()).sum(), dy, dyShape, 1, 1e-4);
		});
		it(`DepthwiseConv2dNativeBackpropFilter, ${c.name}: w.r.t. x and dy`, async () => {
			const x = values(size(c.x), 3), dy = values(size(dyShape), 4);
			const w = () => tf.tensor(values(size(c.filter), 11), c.filter);
			await checkAgainstDifferences((xx) => backpropFilter(xx, tf.tensor(dy, dyShape)).mul(w()).sum(), x, c.x, 1, 1e-4);
			await checkAgainstDifferences((d) => backpropFilter(tf.tensor(x, c.x), d).mul(w()).sum(), dy, dyShape, 1, 1e-4);
		});
	}

	it('MaxPoolGrad w.r.t. dy (3 x 3 windows, stride 2, overlapping)', async () => {
		const shape: [number, number, number, number] = [1, 7, 7, 2];
		const x = tf.tensor(values(size(shape), 5), shape) as tf.Tensor4D;
		const pooledShape = tf.maxPool(x, 3, 2, 'same').shape;
		const g = values(size(shape), 6);
		await checkAgainstDifferences(
			(dy) => (tf.grad((xx: tf.Tensor) => tf.maxPool(xx as tf.Tensor4D, 3, 2, 'same').mul(dy).sum())(x) as tf.Tensor).mul(tf.tensor(g, shape)).sum(),
			values(size(pooledShape), 7),
			pooledShape,
			1,
			1e-4
		);
		x.dispose();
	});

	for (const [name, act] of [
		['tanh', (x: tf.Tensor) => x.tanh()],
		['sigmoid', (x: tf.Tensor) => x.sigmoid()],
		['exp', (x: tf.Tensor) => x.exp()],
		['elu', (x: tf.Tensor) => tf.elu(x)],
		['softmax', (x: tf.Tensor) => tf.softmax(x)]
	] as const) {
		it(`${name}: the derivative of its gradient keeps the output's dependence on the input`, async () => {
			const shape = [2, 6];
			const c = tf.tensor(values(12, 12), shape);
			const r = tf.tensor(values(12, 13), shape);
			// f(a) = sum(r * d/dx sum(c * act(x)) at x = a): needs act''
			await checkAgainstDifferences((a) => (tf.grad((x: tf.Tensor) => act(x).mul(c).sum())(a) as tf.Tensor).mul(r).sum(), values(12, 14, 0.8), shape, 1e-2, 2e-3);
			tf.dispose([c, r]);
		});
	}

	it('a depthwise / ReLU6 / max-pool network: the gradient of its saliency energy w.r.t. the weights', async () => {
		const x = tf.tensor4d(values(2 * 8 * 8 * 2, 20), [2, 8, 8, 2]);
		const conv = values(3 * 3 * 2 * 4, 21, 0.5), depth = values(3 * 3 * 4 * 1, 22, 0.5);
		const energy = (convW: tf.Tensor, depthW: tf.Tensor) => {
			const saliency = tf.grad((xx: tf.Tensor) => {
				let h = tf.conv2d(xx as tf.Tensor4D, convW as tf.Tensor4D, 1, 'same').relu6() as tf.Tensor4D;
				h = tf.depthwiseConv2d(h, depthW as tf.Tensor4D, 2, 'same');
				return tf.maxPool(h, 2, 2, 'same').mean([1, 2]).sum();
			})(x);
			return saliency.square().sum() as tf.Scalar;
		};
		await checkAgainstDifferences((d) => energy(tf.tensor(conv, [3, 3, 2, 4]), d), depth, [3, 3, 4, 1], 1e-3, 2e-2, [0, 5, 17, 30]);
		await checkAgainstDifferences((w) => energy(w, tf.tensor(depth, [3, 3, 4, 1])), conv, [3, 3, 2, 4], 1e-3, 2e-2, [0, 9, 40, 71]);
		x.dispose();
	});
});
