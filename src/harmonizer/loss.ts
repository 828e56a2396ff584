/**
 * The neural harmonizer's loss in TensorFlow.js, as the published code computes it:
 * serre-lab/Harmonization at commit ffe1c49 (v0.0.9), `harmonization/training/loss.py`
 * (`standardize_cut`, `_mse_with_tokens`, `pyramidal_mse_with_tokens`, `harmonizer_loss`) and
 * `harmonization/training/pyramid.py` (`_binomial_kernel`, `_downsample`,
 * `pyramidal_representation`). Each function below names the function it follows; where the code
 * and the paper's text differ, the code is followed and the comment says so.
 *
 * Maps are [B, H, W] tensors (batch, rows, columns); images [B, H, W, C] model inputs (after the
 * resize and the model's scaling, as in saliency.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** `standardize_cut`'s epsilon (loss.py). */
export const STANDARDIZE_EPSILON = 1e-5;
/** The 1e-6 added to both maxima before the human map is rescaled (loss.py `harmonizer_loss`). */
export const RESCALE_EPSILON = 1e-6;
/** `pyramidal_mse_with_tokens(..., nb_levels=5)`'s default (loss.py). */
export const PYRAMID_LEVELS = 5;
/** `Cross_entropy = CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)` (loss.py). */
export const LABEL_SMOOTHING = 0.1;
/** `harmonizer_loss(..., lambda_weights=1e-5, lambda_harmonization=1.0)` (loss.py). */
export const LAMBDA_WEIGHTS = 1e-5;
export const DEFAULT_LAMBDA = 1;
/**
 * Substrings of a variable's name that keep it out of the weight decay (loss.py: `'bn/'`,
 * `'normalization'`, `'embed'`, `'Norm'`, `'norm'`, `'class_token'`), matched as the code does:
 * case-sensitive substrings of the variable's name.
 */
export const WEIGHT_DECAY_EXCLUDED = ['bn/', 'normalization', 'embed', 'Norm', 'norm', 'class_token'] as const;

/**
 * loss.py `standardize_cut(heatmaps, axes=(1, 2), epsilon=1e-5)`, per map:
 *   relu((h - mean(h)) / (std(h) + 1e-5)),
 * mean and std over the map's pixels; std is the population standard deviation
 * (tf.math.reduce_std: sqrt(mean((h - mean)^2))).
 */
export function standardizeCut(maps: tf.Tensor3D): tf.Tensor3D {
	return tf.tidy(() => {
		const mean = maps.mean([1, 2], true);
		const centred = maps.sub(mean);
		const std = centred.square().mean([1, 2], true).sqrt();
		return centred.div(std.add(STANDARDIZE_EPSILON)).relu() as tf.Tensor3D;
	});
}

/**
 * pyramid.py `_binomial_kernel`: the outer product of [1, 4, 6, 4, 1] with itself divided by its
 * sum (256), as a 5 x 5 x 1 x 1 filter (the maps have one channel, so `* tf.eye(1)` is 1).
 */
export function binomialKernel(): tf.Tensor4D {
	const row = [1, 4, 6, 4, 1];
	const values = row.flatMap((a) => row.map((b) => (a * b) / 256));
	return tf.tensor4d(values, [5, 5, 1, 1]);
}

/**
 * pyramid.py `pyramidal_representation(image, num_levels)`: [map, down(map), down(down(map)), ...],
 * num_levels + 1 entries, where down = tf.nn.conv2d(x, binomial kernel, strides 2, 'SAME')
 * (`_downsample`). Each level is [B, h, w, 1].
 */
export function pyramid(maps: tf.Tensor3D, levels: number): tf.Tensor4D[] {
	return tf.tidy(() => {
		const kernel = binomialKernel();
		let level = maps.expandDims(-1) as tf.Tensor4D;
		const out = [level];
		for (let i = 0; i < levels; i++) {
			level = tf.conv2d(level, kernel, 2, 'same');
			out.push(level);
		}
		return out;
	});
}

/**
 * loss.py `pyramidal_mse_with_tokens(true, predicted, tokens, nb_levels=5)` with `_mse_with_tokens`:
 *   level_i = mean over all B x h_i x w_i elements of (a_i - b_i)^2 x token_b,
 *   loss    = mean over i = 0 .. nb_levels - 1 of level_i.
 * Follows the code: `pyramidal_representation(..., nb_levels)` builds nb_levels + 1 = 6 levels,
 * and the mean is over the first nb_levels = 5 of them (the map itself and 4 downsampled levels;
 * the 6th is built and not used). The token is 1 for an image with a human map and 0 otherwise,
 * and images without one still count in the mean's denominator (they add zeros). The paper writes
 * an L2 norm of the difference; the code takes this mean of squares, which is followed here.
 */
export function pyramidalMseWithTokens(a: tf.Tensor3D, b: tf.Tensor3D, tokens: tf.Tensor1D, levels = PYRAMID_LEVELS): tf.Scalar {
	return tf.tidy(() => {
		const pa = pyramid(a, levels), pb = pyramid(b, levels);
		const weight = tokens.reshape([-1, 1, 1, 1]);
		const perLevel = Array.from({ length: levels }, (_, i) => pa[i]!.sub(pb[i]!).square().mul(weight).mean());
		return tf.stack(perLevel).mean() as tf.Scalar;
	});
}

/** tf.stop_gradient: the value, with a zero gradient (TF.js has no such op; a custom gradient gives it). */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({ value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/**
 * The saliency inside the loss (loss.py `harmonizer_loss`, inner tape): the gradient of
 * sum over the batch of sum(logits x one_hot(label)) with respect to the input images, then
 * `tf.reduce_mean(sa_maps, -1)`: the SIGNED mean over colour channels (no absolute value, unlike
 * the evaluation's saliency in src/inference/saliency.ts). [B, H, W].
 */
export function lossSaliency(logitsOf: (x: tf.Tensor4D) => tf.Tensor2D, images: tf.Tensor4D, oneHot: tf.Tensor2D): tf.Tensor3D {
	const gradient = tf.grad((x: tf.Tensor) => logitsOf(x as tf.Tensor4D).mul(oneHot).sum())(images);
	const maps = gradient.mean(-1) as tf.Tensor3D;
	gradient.dispose();
	return maps;
}

/**
 * loss.py `harmonizer_loss`, the harmonization term, from the saliency maps and the human maps:
 *   s = standardize_cut(saliency), h = standardize_cut(human)
 *   h = h / (max(h) + 1e-6) x (stop_gradient(max(s)) + 1e-6)     (maxima per map)
 *   term = pyramidal_mse_with_tokens(s, h, tokens)
 */
export function harmonizationTerm(saliency: tf.Tensor3D, human: tf.Tensor3D, tokens: tf.Tensor1D, levels = PYRAMID_LEVELS): tf.Scalar {
	return tf.tidy(() => {
		const s = standardizeCut(saliency);
		const h = standardizeCut(human);
		const hMax = h.max([1, 2], true).add(RESCALE_EPSILON);
		const sMax = stopGradient(s.max([1, 2], true)).add(RESCALE_EPSILON);
		return pyramidalMseWithTokens(s, h.div(hMax).mul(sMax) as tf.Tensor3D, tokens, levels);
	});
}

/**
 * Keras' CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), mean over the batch
 * (loss.py `tf.reduce_mean(cross_entropy(labels, y_pred))`):
 *   y' = y (1 - 0.1) + 0.1 / K,   CE = -sum_k y'_k log softmax(logits)_k.
 */
export function smoothedCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, smoothing = LABEL_SMOOTHING): tf.Scalar {
	return tf.tidy(() => {
		const classes = logits.shape[1];
		const smoothed = oneHot.mul(1 - smoothing).add(smoothing / classes);
		return smoothed.mul(tf.logSoftmax(logits)).sum(-1).neg().mean() as tf.Scalar;
	});
}

/** Whether loss.py's weight decay covers a variable of this name (WEIGHT_DECAY_EXCLUDED). */
export const inWeightDecay = (name: string) => !WEIGHT_DECAY_EXCLUDED.some((part) => name.includes(part));

/** loss.py: tf.add_n([tf.nn.l2_loss(v) for v in trainable variables not excluded]), l2_loss(v) = sum(v^2) / 2. */
export function weightDecay(variables: readonly { name: string; value: tf.Tensor }[]): tf.Scalar {
	return tf.tidy(() => {
		const kept = variables.filter((v) => inWeightDecay(v.name));
		return (kept.length ? tf.addN(kept.map((v) => v.value.square().sum().div(2))) : tf.scalar(0)) as tf.Scalar;
	});
}

export interface LossInputs {
	/** The trained model's logits for a batch of model inputs: [B, K]. */
	logitsOf: (x: tf.Tensor4D) => tf.Tensor2D;
	images: tf.Tensor4D;
	/** One-hot true labels in the model's output order: [B, K]. */
	oneHot: tf.Tensor2D;
	/** 1 for an image with a human map, 0 without: [B]. */
	tokens: tf.Tensor1D;
	/** Human maps at the model input's size, [B, H, W] (any values where the token is 0). */
	human: tf.Tensor3D;
	/** The trainable variables with their names (weight decay). */
	variables: readonly { name: string; value: tf.Tensor }[];
	lambda?: number;
	lambdaWeights?: number;
}

export interface LossTerms {
	total: tf.Scalar;
	crossEntropy: tf.Scalar;
	/** sum of l2_loss over the decayed weights (before the 1e-5). */
	weights: tf.Scalar;
	harmonization: tf.Scalar;
}

/**
 * loss.py `harmonizer_loss`:
 *   loss = CE_smoothed(labels, logits) + 1e-5 x sum l2_loss(w) + lambda x harmonization term,
 * with the saliency computed inside (so the loss's gradient is a gradient of a gradient). Returns
 * every term (call inside tf.tidy or tf.variableGrads; nothing else is kept).
 */
export function harmonizerLoss(inputs: LossInputs): LossTerms {
	const { logitsOf, images, oneHot, tokens, human, variables } = inputs;
	const lambda = inputs.lambda ?? DEFAULT_LAMBDA;
	const lambdaWeights = inputs.lambdaWeights ?? LAMBDA_WEIGHTS;
	// loss.py takes the saliency and the cross-entropy from one forward pass under two tapes; here
	// tf.grad runs its own forward pass, so the logits are computed a second time (same values:
	// batch normalization is in inference mode, see train.ts)
	const saliency = lossSaliency(logitsOf, images, oneHot);
	const harmonization = harmonizationTerm(saliency, human, tokens);
	const crossEntropy = smoothedCrossEntropy(logitsOf(images), oneHot);
	const weights = weightDecay(variables);
	const total = crossEntropy.add(weights.mul(lambdaWeights)).add(harmonization.mul(lambda)) as tf.Scalar;
	return { total, crossEntropy, weights, harmonization };
}
