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
		let batch = tf.stack(tensors) as tf.Tensor4D;
		if (preprocessing.scale === 'unit') batch = batch.div(255);
		else if (preprocessing.scale === 'symmetric') batch = batch.div(127.5).sub(1);
		else batch = batch.div(255).sub(tf.tensor1d(preprocessing.mean)).div(tf.tensor1d(preprocessing.std));
		if (preprocessing.channels === 'bgr') batch = tf.reverse(batch, -1);
		return batch;
	});
}
