/**
 * Preprocessing as each model was trained: resize to its input size, scale (unit: x/255;
 * symmetric: x/127.5 - 1; mean-std: (x/255 - mean)/std; raw: 0..255 as they are, for models
 * imported from quantized TFLite files, whose first layer applies the file's own input quantization),
 * channel order.
 *
 * The resize is TF 2's tf.image.resize(x, size, 'bilinear') (no antialiasing), the one the
 * Harmonization code uses (serre-lab/Harmonization, harmonization/common/clickme_dataset.py,
 * parse_clickme_prototype: 256 -> 224): bilinear with half-pixel centres, output pixel i sampling
 * the input at s = (i + 0.5) (in / out) - 0.5, clamped to the image. In TF.js that is
 * tf.image.resizeBilinear(x, size, alignCorners = false, halfPixelCenters = true).
 * The same formula for maps (no TF.js) is `resizeBilinear` in src/analysis/features.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../stimuli/image.js';
import type { Preprocessing } from './registry.js';

/**
 * The model's input tensor [N, size, size, 3] of float32 for a batch of images (any sizes):
 * `resizeToInput`, then `scaleForModel`. Classification and saliency both use it, so a saliency
 * map is the gradient at the very tensor the model classified. Caller disposes it.
 */
export function preprocessBatch(images: readonly RgbImage[], size: number, preprocessing: Preprocessing): tf.Tensor4D {
	return tf.tidy(() => {
		const tensors = images.map((image) => resizeToInput(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat(), size));
		return scaleForModel(tf.stack(tensors) as tf.Tensor4D, preprocessing);
	});
}

/** Bilinear resize with half-pixel centres (TF 2's tf.image.resize) to size x size; unchanged when already that size. */
export function resizeToInput<T extends tf.Tensor3D | tf.Tensor4D>(x: T, size: number): T {
	const [height, width] = x.rank === 4 ? [x.shape[1], x.shape[2]] : [x.shape[0], x.shape[1]];
	return height === size && width === size ? x : tf.image.resizeBilinear(x, [size, size], false, true);
}

/** Scaling and channel order on a float [N, H, W, 3] tensor of 0..255 values. */
export function scaleForModel(x: tf.Tensor4D, preprocessing: Preprocessing): tf.Tensor4D {
	let y: tf.Tensor4D;
	if (preprocessing.scale === 'raw') y = x;
	else if (preprocessing.scale === 'unit') y = x.div(255);
	else if (preprocessing.scale === 'symmetric') y = x.div(127.5).sub(1);
	else y = x.div(255).sub(tf.tensor1d(preprocessing.mean)).div(tf.tensor1d(preprocessing.std));
	if (preprocessing.channels === 'bgr') y = tf.reverse(y, -1);
	return y;
}
