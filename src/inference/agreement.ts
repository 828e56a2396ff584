/**
 * Do the backends compute the same thing? A small fixed network (seeded weights: 3x3 convs,
 * depthwise conv, pooling, dense, softmax - the operations the registry's CNNs use) on a small
 * seeded input, run on every available backend and compared with the CPU backend, the
 * reference. Small, because WebGPU on a software adapter takes seconds per 224 px image.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../stimuli/random.js';
import type { BackendName } from './backends.js';

/** Largest |difference| from CPU that counts as agreement, for outputs of magnitude ~1. */
export const AGREEMENT_TOLERANCE = 1e-4;

function seededTensor(shape: number[], seed: string, scale = 1): tf.Tensor {
	const random = seededRandom('agreement', seed);
	const size = shape.reduce((a, b) => a * b, 1);
	return tf.tensor(Float32Array.from({ length: size }, () => (random() * 2 - 1) * scale), shape);
}

/** The network's output (10 probabilities) on `backend`. */
export async function smallNetworkOutput(backend: BackendName): Promise<Float32Array> {
	await tf.setBackend(backend);
	await tf.ready();
	const out = tf.tidy(() => {
		const x = seededTensor([1, 32, 32, 3], 'input', 1) as tf.Tensor4D;
		let y = tf.relu(tf.conv2d(x, seededTensor([3, 3, 3, 8], 'conv1', 0.5) as tf.Tensor4D, 1, 'same'));
		y = tf.depthwiseConv2d(y, seededTensor([3, 3, 8, 1], 'dw', 0.5) as tf.Tensor4D, 2, 'same');
		y = tf.leakyRelu(tf.conv2d(y, seededTensor([1, 1, 8, 16], 'conv2', 0.5) as tf.Tensor4D, 1, 'same'), 0.1);
		y = tf.maxPool(y, 2, 2, 'valid');
		const flat = tf.mean(y, [1, 2]) as tf.Tensor2D;
		return tf.softmax(tf.matMul(flat, seededTensor([16, 10], 'dense', 1) as tf.Tensor2D));
	});
	const values = (await out.data()) as Float32Array;
	out.dispose();
	return values;
}

export interface AgreementRow {
	backend: BackendName;
	maxAbsDifference: number;
	agrees: boolean;
}

export async function checkAgreement(backends: BackendName[]): Promise<AgreementRow[]> {
	const reference = await smallNetworkOutput('cpu');
	const rows: AgreementRow[] = [];
	for (const backend of backends.filter((b) => b !== 'cpu')) {
		const values = await smallNetworkOutput(backend);
		const maxAbsDifference = Math.max(...values.map((v, i) => Math.abs(v - reference[i]!)));
		rows.push({ backend, maxAbsDifference, agrees: maxAbsDifference <= AGREEMENT_TOLERANCE });
	}
	return rows;
}
