/**
 * Preprocessing as each model was trained: resize to its input size (bilinear), scale
 * (unit: x/255; symmetric: x/127.5 - 1; mean-std: (x/255 - mean)/std), channel order.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../stimuli/image.js';
import type { Preprocessing } from './registry.js';

/** A batch [N, size, size, 3] of float32, ready for the model. Caller disposes it. */
export function preprocessBatch(images: readonly RgbImage[], size: number, preprocessing: Preprocessing): tf.Tensor4D {
	return tf.tidy(() => {
		const tensors = images.map((image) => {
			let x = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat();
			if (image.width !== size || image.height !== size) x = tf.image.resizeBilinear(x, [size, size], true);
			return x;
		});
		return preprocessTensor(tf.stack(tensors) as tf.Tensor4D, size, preprocessing);
	});
}

/**
 * The same steps as plain differentiable ops on a float [N, H, W, 3] tensor of 0..255 values:
 * saliency differentiates through them back to the stimulus' own pixels.
 */
export function preprocessTensor(x: tf.Tensor4D, size: number, preprocessing: Preprocessing): tf.Tensor4D {
	let y = x.shape[1] === size && x.shape[2] === size ? x : tf.image.resizeBilinear(x, [size, size], true);
	if (preprocessing.scale === 'unit') y = y.div(255);
	else if (preprocessing.scale === 'symmetric') y = y.div(127.5).sub(1);
	else y = y.div(255).sub(tf.tensor1d(preprocessing.mean)).div(tf.tensor1d(preprocessing.std));
	if (preprocessing.channels === 'bgr') y = tf.reverse(y, -1);
	return y;
}
