/**
 * The harmonization loss against values worked out by hand (standardize_cut, one pyramid level)
 * and against an independent float64 computation written here (the full loss of a fixed tiny
 * network: its saliency by the chain rule, the pyramid by direct loops), on CPU and WASM.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFastestNodeBackend } from '../inference/node.js';
import { withWasmBridges } from '../inference/wasm-bridge.js';
import { harmonizerLoss, pyramid, pyramidalMseWithTokens, standardizeCut, weightDecay } from './loss.js';
import { registerSecondOrderGradients } from './second-order.js';

beforeAll(async () => {
	await useFastestNodeBackend('wasm');
	registerSecondOrderGradients();
});
afterAll(async () => {
	await tf.setBackend('wasm');
});

describe('standardize_cut (loss.py)', () => {
	it('matches the hand-worked 2 x 2 map', async () => {
		// h = [0 1; 2 3]: mean 1.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25,
		// std = 1.1180340; (h - 1.5) / (1.1180340 + 1e-5) = [-1.341628, -0.447209, 0.447209, 1.341628]; ReLU
		const out = standardizeCut(tf.tensor3d([0, 1, 2, 3], [1, 2, 2]));
		const got = Array.from(await out.data());
		out.dispose();
		const expected = [0, 0, 0.5 / (Math.sqrt(1.25) + 1e-5), 1.5 / (Math.sqrt(1.25) + 1e-5)];
		expect(expected[2]).toBeCloseTo(0.44721, 5);
		got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
	});
	it('standardizes each map on its own', async () => {
		const out = standardizeCut(tf.tensor3d([0, 1, 2, 3, 0, 10, 20, 30], [2, 2, 2]));
		const got = Array.from(await out.data());
		out.dispose();
		for (let i = 0; i < 4; i++) expect(got[i]).toBeCloseTo(got[i + 4]!, 4); // scale-free (up to the 1e-5 beside the std)
	});
});

describe('the binomial pyramid (pyramid.py)', () => {
	it('downsamples a 4 x 4 impulse as worked by hand', async () => {
		// SAME, stride 2, 5 x 5 on 4 px: 2 outputs, total padding (2 - 1) x 2 + 5 - 4 = 3, 1 before.
		// Output (r, c) covers input rows 2r - 1 .. 2r + 3. An impulse at (1, 1) sits at kernel
		// offset (1 - (2r - 1), 1 - (2c - 1)) = (2 - 2r, 2 - 2c): out = k[2-2r][2-2c] =
		// [1 4 6 4 1]_(2-2r) x [1 4 6 4 1]_(2-2c) / 256 -> [36, 6; 6, 1] / 256.
		const map = tf.tensor3d(Array.from({ length: 16 }, (_, i) => (i === 5 ? 1 : 0)), [1, 4, 4]);
		const levels = pyramid(map, 2);
		expect(levels.map((l) => l.shape)).toEqual([[1, 4, 4, 1], [1, 2, 2, 1], [1, 1, 1, 1]]);
		const first = Array.from(await levels[1]!.data());
		[36, 6, 6, 1].forEach((v, i) => expect(first[i]).toBeCloseTo(v / 256, 7));
		// level 2: one output over the 2 x 2 level, total padding 3 (1 before): centre weights k[1..2][1..2]
		const second = (await levels[2]!.data())[0]!;
		expect(second).toBeCloseTo((36 * 16 + 6 * 24 + 6 * 24 + 1 * 36) / 256 / 256, 7);
		tf.dispose([map, ...levels]);
	});
	it('averages the first 5 of the 6 levels, tokens weighting each image', async () => {
		const a = tf.randomUniform([3, 16, 16], 0, 1, 'float32', 7) as tf.Tensor3D;
		const b = tf.randomUniform([3, 16, 16], 0, 1, 'float32', 8) as tf.Tensor3D;
		const tokens = tf.tensor1d([1, 0, 1]);
		const av = await a.array(), bv = await b.array();
		const loss = pyramidalMseWithTokens(a, b, tokens);
		const expected = referencePyramidalMse(av, bv, [1, 0, 1], 5);
		expect((await loss.data())[0]).toBeCloseTo(expected, 5);
		// the 6th level is not part of it
		expect(Math.abs(expected - referencePyramidalMse(av, bv, [1, 0, 1], 6))).toBeGreaterThan(1e-4);
		tf.dispose([a, b, tokens, loss]);
	});
});

// ---- an independent float64 computation -------------------------------------------------------

type Map2 = number[][];

/** tf.nn.conv2d(x, binomial 5 x 5, strides 2, 'SAME') on one map, by loops. */
function downsample(map: Map2): Map2 {
	const k = [1, 4, 6, 4, 1];
	const n = map.length, m = map[0]!.length;
	const on = Math.ceil(n / 2), om = Math.ceil(m / 2);
	const top = Math.floor(Math.max((on - 1) * 2 + 5 - n, 0) / 2), left = Math.floor(Math.max((om - 1) * 2 + 5 - m, 0) / 2);
	return Array.from({ length: on }, (_, r) =>
		Array.from({ length: om }, (_, c) => {
			let s = 0;
			for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
				const y = 2 * r - top + i, x = 2 * c - left + j;
				if (y >= 0 && y < n && x >= 0 && x < m) s += (map[y]![x]! * k[i]! * k[j]!) / 256;
			}
			return s;
		})
	);
}

function referencePyramidalMse(a: Map2[], b: Map2[], tokens: number[], levels: number): number {
	let total = 0;
	let la = a, lb = b;
	for (let level = 0; level < levels; level++) {
		let sum = 0, count = 0;
		la.forEach((ma, i) => ma.forEach((row, y) => row.forEach((v, x) => {
			sum += (v - lb[i]![y]![x]!) ** 2 * tokens[i]!;
			count++;
		})));
		total += sum / count;
		la = la.map(downsample);
		lb = lb.map(downsample);
	}
	return total / levels;
}

function referenceStandardizeCut(map: Map2): Map2 {
	const values = map.flat();
	const mean = values.reduce((s, v) => s + v, 0) / values.length;
	const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
	return map.map((row) => row.map((v) => Math.max(0, (v - mean) / (std + 1e-5))));
}

/**
 * The tiny network: logits = tanh(flatten(x) W1 + b1) W2. Its input gradient by the chain rule:
 * d logit_y / d x_p = sum_j W1[p, j] (1 - h_j^2) W2[j, y].
 */
const B = 2, H = 8, W = 8, C = 3, HIDDEN = 5, K = 4;

/** `frozenSaliencyMax`: the maxima stop_gradient holds fixed (finite differences of the loss as differentiated). */
function referenceLoss(x: number[], w1: number[], b1: number[], w2: number[], labels: number[], human: number[], tokens: number[], lambda: number, frozenSaliencyMax?: number[]) {
	const P = H * W * C;
	let ce = 0;
	const saliency: Map2[] = [];
	for (let b = 0; b < B; b++) {
		const xb = x.slice(b * P, (b + 1) * P);
		const h = Array.from({ length: HIDDEN }, (_, j) => Math.tanh(b1[j]! + xb.reduce((s, v, p) => s + v * w1[p * HIDDEN + j]!, 0)));
		const logits = Array.from({ length: K }, (_, k) => h.reduce((s, v, j) => s + v * w2[j * K + k]!, 0));
		const max = Math.max(...logits);
		const logZ = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
		ce += -logits.reduce((s, l, k) => s + ((k === labels[b] ? 0.9 : 0) + 0.1 / K) * (l - logZ), 0);
		const dx = Array.from({ length: P }, (_, p) => h.reduce((s, hj, j) => s + w1[p * HIDDEN + j]! * (1 - hj * hj) * w2[j * K + labels[b]!]!, 0));
		saliency.push(Array.from({ length: H }, (_, r) => Array.from({ length: W }, (_, c) => (dx[(r * W + c) * C]! + dx[(r * W + c) * C + 1]! + dx[(r * W + c) * C + 2]!) / C)));
	}
	ce /= B;
	const s = saliency.map(referenceStandardizeCut);
	const hum = Array.from({ length: B }, (_, b) => referenceStandardizeCut(Array.from({ length: H }, (_, r) => human.slice(b * H * W + r * W, b * H * W + (r + 1) * W))));
	const rescaled = hum.map((m, b) => {
		const hMax = Math.max(...m.flat()) + 1e-6, sMax = (frozenSaliencyMax?.[b] ?? Math.max(...s[b]!.flat())) + 1e-6;
		return m.map((row) => row.map((v) => (v / hMax) * sMax));
	});
	const harmonization = referencePyramidalMse(s, rescaled, tokens, 5);
	// bn/gamma is excluded from the decay by its name; the biases are not
	const weights = [w1, b1, w2].reduce((s, w) => s + w.reduce((t, v) => t + v * v, 0) / 2, 0);
	return { ce, weights, harmonization, total: ce + 1e-5 * weights + lambda * harmonization, saliencyMax: s.map((m) => Math.max(...m.flat())) };
}

function tinySetup(seed: number) {
	const random = (n: number, s: number, scale: number) => Array.from(Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 12.9898 + s * 78.233) * scale));
	return {
		x: random(B * H * W * C, seed, 1),
		w1: random(H * W * C * HIDDEN, seed + 1, 0.2),
		b1: random(HIDDEN, seed + 2, 0.1),
		w2: random(HIDDEN * K, seed + 3, 1),
		gamma: random(3, seed + 4, 1),
		human: random(B * H * W, seed + 5, 1).map((v) => v * v),
		labels: [1, 3],
		tokens: [1, 0]
	};
}

function tinyLoss(v: { w1: tf.Tensor; b1: tf.Tensor; w2: tf.Tensor; gamma: tf.Tensor }, setup: ReturnType<typeof tinySetup>, lambda: number) {
	const logitsOf = (x: tf.Tensor4D) => x.reshape([B, -1]).matMul(v.w1 as tf.Tensor2D).add(v.b1).tanh().matMul(v.w2 as tf.Tensor2D) as tf.Tensor2D;
	return harmonizerLoss({
		logitsOf,
		images: tf.tensor4d(setup.x, [B, H, W, C]),
		oneHot: tf.oneHot(setup.labels, K).toFloat() as tf.Tensor2D,
		tokens: tf.tensor1d(setup.tokens),
		human: tf.tensor3d(setup.human, [B, H, W]),
		variables: [
			{ name: 'dense_1/kernel', value: v.w1 },
			{ name: 'dense_1/bias', value: v.b1 },
			{ name: 'dense_2/kernel', value: v.w2 },
			{ name: 'conv1_bn/gamma', value: v.gamma }
		],
		lambda
	});
}

describe.each(['cpu', 'wasm'] as const)('harmonizer_loss on %s', (backend) => {
	beforeAll(async () => {
		await tf.setBackend(backend);
	});
	it('equals the independent computation, term by term', async () => {
		const setup = tinySetup(1);
		const before = tf.memory().numTensors;
		const terms = tf.tidy(() => {
			const t = tinyLoss({ w1: tf.tensor2d(setup.w1, [H * W * C, HIDDEN]), b1: tf.tensor1d(setup.b1), w2: tf.tensor2d(setup.w2, [HIDDEN, K]), gamma: tf.tensor1d(setup.gamma) }, setup, 2);
			return [t.total, t.crossEntropy, t.weights, t.harmonization];
		});
		const [total, ce, weights, harmonization] = await Promise.all(terms.map(async (t) => (await t.data())[0]!));
		tf.dispose(terms);
		expect(tf.memory().numTensors).toBe(before);
		const ref = referenceLoss(setup.x, setup.w1, setup.b1, setup.w2, setup.labels, setup.human, setup.tokens, 2);
		expect(ref.harmonization).toBeGreaterThan(0.01);
		expect(ce).toBeCloseTo(ref.ce, 5);
		expect(weights).toBeCloseTo(ref.weights, 3);
		expect(harmonization! / ref.harmonization).toBeCloseTo(1, 4);
		expect(total).toBeCloseTo(ref.total, 4);
	});

	it('its gradient (a gradient of a gradient) agrees with central finite differences', async () => {
		const setup = tinySetup(2);
		const vars = { w1: tf.variable(tf.tensor2d(setup.w1, [H * W * C, HIDDEN])), b1: tf.variable(tf.tensor1d(setup.b1)), w2: tf.variable(tf.tensor2d(setup.w2, [HIDDEN, K])), gamma: tf.variable(tf.tensor1d(setup.gamma)) };
		const LAMBDA = 1;
		const { grads, value } = await withWasmBridges(async () => tf.variableGrads(() => tinyLoss(vars, setup, LAMBDA).total, [vars.w2, vars.w1]));
		value.dispose();
		const g2 = await grads[vars.w2.name]!.data(), g1 = await grads[vars.w1.name]!.data();
		tf.dispose(Object.values(grads));
		// float64 finite differences of the independent computation, the saliency maxima held at the
		// point's values as tf.stop_gradient holds them
		const frozen = referenceLoss(setup.x, setup.w1, setup.b1, setup.w2, setup.labels, setup.human, setup.tokens, LAMBDA).saliencyMax;
		const f = (w1: number[], w2: number[]) => referenceLoss(setup.x, w1, setup.b1, w2, setup.labels, setup.human, setup.tokens, LAMBDA, frozen).total;
		const eps = 1e-5;
		for (const i of [0, 7, 13, 19]) {
			const up = [...setup.w2], down = [...setup.w2];
			up[i]! += eps;
			down[i]! -= eps;
			const fd = (f(setup.w1, up) - f(setup.w1, down)) / (2 * eps);
			expect(Math.abs(g2[i]! - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
		}
		for (const i of [3, 51, 100, 555, 900]) {
			const up = [...setup.w1], down = [...setup.w1];
			up[i]! += eps;
			down[i]! -= eps;
			const fd = (f(up, setup.w2) - f(down, setup.w2)) / (2 * eps);
			expect(Math.abs(g1[i]! - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
		}
		tf.dispose(Object.values(vars));
	});
});

describe('weight decay (loss.py l2_loss)', () => {
	it('sums v^2 / 2 and leaves out normalization, embedding and class-token weights', async () => {
		const v = (x: number[]) => tf.tensor1d(x);
		const total = weightDecay([
			{ name: 'conv1/kernel', value: v([1, 2]) },
			{ name: 'conv1_bn/gamma', value: v([100]) },
			{ name: 'layer_normalization/beta', value: v([100]) },
			{ name: 'pos_embed', value: v([100]) },
			{ name: 'LayerNorm/scale', value: v([100]) },
			{ name: 'class_token', value: v([100]) },
			{ name: 'dense/bias', value: v([3]) }
		]);
		expect((await total.data())[0]).toBeCloseTo((1 + 4 + 9) / 2, 6);
	});
});
