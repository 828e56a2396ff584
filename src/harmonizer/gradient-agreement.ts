/**
 * Do the backends differentiate twice alike? The path a GPU takes when it harmonizes: a tiny
 * seeded network with the layer kinds of the zoo's CNNs that need second-order gradients
 * (depthwise convolution, ReLU6, max pool, tanh, a 1 x 1 convolution), its saliency (the
 * gradient of the output w.r.t. the input, as the loss's saliency), and the gradient of the
 * saliency's energy sum(saliency^2) w.r.t. both filters: a gradient of a gradient, through every
 * kernel second-order.ts registers. Run on each backend and compared with the CPU backend, whose
 * values second-order.test.ts and gradient-agreement.test.ts check against finite differences.
 * Small, because WebGPU on a software adapter takes seconds per kernel it compiles.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../inference/backends.js';
import { seededRandom } from '../stimuli/random.js';
import { withTrainingKernels } from './train.js';

/** Largest |difference| from CPU, relative to the largest |value| (at least 1), that counts as agreement in float32. */
export const SECOND_ORDER_TOLERANCE = 1e-3;

const seeded = (shape: number[], seed: string, scale: number) => {
	const random = seededRandom('second-order-agreement', seed);
	return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * scale), shape);
};

/** The network's scalar output: a seeded weighted sum of tanh(maxPool(conv1x1(relu6(depthwise(x))))). */
export function tinyNetwork(x: tf.Tensor4D, depthwise: tf.Tensor4D, pointwise: tf.Tensor4D, readout: tf.Tensor): tf.Scalar {
	let y = tf.depthwiseConv2d(x, depthwise, 1, 'same');
	y = tf.relu6(y);
	y = tf.conv2d(y, pointwise, 1, 'same');
	y = tf.maxPool(y, 2, 2, 'valid');
	return tf.sum(tf.mul(tf.tanh(y), readout));
}

/** The fixed input and weights: x 1 x 8 x 8 x 3 scaled so ReLU6 meets both its bends. */
export function tinyInputs() {
	return {
		x: seeded([1, 8, 8, 3], 'x', 3) as tf.Tensor4D,
		depthwise: seeded([3, 3, 3, 2], 'depthwise', 1) as tf.Tensor4D,
		pointwise: seeded([1, 1, 6, 4], 'pointwise', 0.7) as tf.Tensor4D,
		readout: seeded([1, 4, 4, 4], 'readout', 1)
	};
}

export interface SecondOrderValues {
	/** d output / d x (first order). */
	saliency: Float32Array;
	/** d sum(saliency^2) / d depthwise filter and / d pointwise filter (second order). */
	depthwise: Float32Array;
	pointwise: Float32Array;
}

/** On `backend`: the saliency and the energy's gradients w.r.t. both filters (as variables). */
export async function secondOrderValuesOn(backend: BackendName): Promise<SecondOrderValues> {
	await tf.setBackend(backend);
	await tf.ready();
	return withTrainingKernels(async () => {
		const { x, depthwise, pointwise, readout } = tinyInputs();
		const dw = tf.variable(depthwise);
		const pw = tf.variable(pointwise);
		const saliencyOf = () => tf.grad((input: tf.Tensor) => tinyNetwork(input as tf.Tensor4D, dw, pw, readout))(x);
		const [saliency, gDepthwise, gPointwise] = tf.tidy(() => {
			const { grads } = tf.variableGrads(() => tf.sum(tf.square(saliencyOf())) as tf.Scalar, [dw, pw]);
			return [saliencyOf(), grads[dw.name]!, grads[pw.name]!];
		});
		try {
			// read with await data(): dataSync after heavy work lost the WebGPU device here (measured-here.md)
			return { saliency: (await saliency.data()) as Float32Array, depthwise: (await gDepthwise.data()) as Float32Array, pointwise: (await gPointwise.data()) as Float32Array };
		} finally {
			tf.dispose([saliency, gDepthwise, gPointwise, x, depthwise, pointwise, readout, dw, pw]);
		}
	});
}

export interface SecondOrderRow {
	backend: BackendName;
	/** Per part: largest |difference| from CPU over the largest |CPU value| (at least 1). */
	saliency: number;
	depthwise: number;
	pointwise: number;
	agrees: boolean;
	error: string | null;
}

const relativeDifference = (a: Float32Array, reference: Float32Array) => {
	let most = 0, scale = 1;
	for (let i = 0; i < reference.length; i++) {
		most = Math.max(most, Math.abs(a[i]! - reference[i]!));
		scale = Math.max(scale, Math.abs(reference[i]!));
	}
	return a.length === reference.length ? most / scale : Number.POSITIVE_INFINITY;
};

/** Each backend's values against CPU's; a backend that fails gets its error, never a silent pass. */
export async function checkSecondOrderAgreement(backends: readonly BackendName[]): Promise<SecondOrderRow[]> {
	const reference = await secondOrderValuesOn('cpu');
	const rows: SecondOrderRow[] = [];
	for (const backend of backends.filter((b) => b !== 'cpu')) {
		try {
			const values = await secondOrderValuesOn(backend);
			const parts = { saliency: relativeDifference(values.saliency, reference.saliency), depthwise: relativeDifference(values.depthwise, reference.depthwise), pointwise: relativeDifference(values.pointwise, reference.pointwise) };
			rows.push({ backend, ...parts, agrees: Object.values(parts).every((d) => d <= SECOND_ORDER_TOLERANCE), error: null });
		} catch (error) {
			rows.push({ backend, saliency: Number.NaN, depthwise: Number.NaN, pointwise: Number.NaN, agrees: false, error: (error as Error).message });
		}
	}
	return rows;
}
