/**
 * Gradients of gradients: the harmonization loss contains a saliency map (a gradient w.r.t. the
 * input), so training differentiates through the backward pass. tfjs-core 4.22 defines the
 * gradient of most kernels, but not of some kernels that appear only in backward passes. This
 * file registers those (once, for every backend: a gradient is backend-independent):
 *
 * - DepthwiseConv2dNativeBackpropInput(dy, filter) (the saliency of a depthwise convolution). It
 *   is linear in dy and in the filter, and it is the adjoint of the forward depthwise convolution
 *   D(x, f): <g, D^T(dy, f)> = <D(g, f), dy> = <B_f(g, dy), f>, so for an upstream gradient g:
 *     d/d dy     = depthwiseConv2d(g, filter)                      (the forward op)
 *     d/d filter = DepthwiseConv2dNativeBackpropFilter(g, dy)
 *   exactly as tfjs-core's own Conv2DBackpropInput_grad.js does for ordinary convolutions.
 * - DepthwiseConv2dNativeBackpropFilter(x, dy) (met when a depthwise filter's gradient is itself
 *   differentiated), by the same identity: d/dx = D^T(dy, g), d/d dy = D(x, g).
 * - MaxPoolGrad(dy, input, output) (the saliency of a max pool): linear in dy, routing each
 *   window's gradient to its maximum; its adjoint gathers the upstream gradient g at each
 *   window's maximum: d/d dy = g[argmax], with the argmax of tf.maxPoolWithArgmax
 *   (includeBatchInIndex), as TensorFlow's MaxPoolGradGrad; zero w.r.t. the input and output
 *   (piecewise constant), as TensorFlow's nn_grad.py _MaxPoolGradGrad does.
 * - The comparisons and logical ops that ReLU6's and clipping's gradients use as masks (LessEqual,
 *   Greater, LogicalAnd, ...): piecewise constant, so their gradient is zero.
 *
 * - Tanh, Sigmoid, Exp, Elu, Softmax and LogSoftmax: tfjs-core's gradients of these read the
 *   kernel's saved OUTPUT, and that saved copy is put on the tape before the kernel's own node
 *   (engine.ts `saveTensorsForBackwardMode` clones it while the kernel runs), so a gradient of
 *   the gradient never flows back through it: the second derivative silently loses the
 *   output's dependence on its input (for tanh, d/dx (1 - y^2) came out as 0; measured here).
 *   They are re-registered to save the INPUT and recompute the output inside the gradient
 *   (same first derivative, now differentiable twice):
 *     tanh' = 1 - tanh(x)^2,  sigmoid' = s(x) (1 - s(x)),  exp' = exp(x),
 *     elu' = 1 where x > 0, else elu(x) + 1,
 *     softmax: dx = y (dy - sum(dy y)),  logSoftmax: dx = dy - exp(y) sum(dy),  y recomputed.
 *
 * WASM lacks the DepthwiseConv2dNativeBackprop* kernels themselves: `withWasmBridges`
 * (src/inference/wasm-bridge.ts) runs them on the CPU backend. Checked against central finite
 * differences on CPU and WASM in second-order.test.ts.
 */
import * as tf from '@tensorflow/tfjs';

type Attrs = {
	strides: number | [number, number];
	pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
	dimRoundingMode?: 'floor' | 'round' | 'ceil';
	dilations?: number | [number, number];
	inputShape?: [number, number, number, number];
	filterShape?: [number, number, number, number];
};

const depthwiseBackpropFilter = (x: tf.Tensor, dy: tf.Tensor, attrs: Attrs, filterShape: number[]) =>
	tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: attrs.strides, pad: attrs.pad, dimRoundingMode: attrs.dimRoundingMode, dilations: attrs.dilations ?? 1, filterShape } as never) as tf.Tensor4D;
const depthwiseBackpropInput = (dy: tf.Tensor, filter: tf.Tensor, attrs: Attrs, inputShape: number[]) =>
	tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides: attrs.strides, pad: attrs.pad, dimRoundingMode: attrs.dimRoundingMode, dilations: attrs.dilations ?? 1, inputShape } as never) as tf.Tensor4D;

/** Zero-gradient ops: comparisons and logic (piecewise constant). */
export const ZERO_GRADIENT_KERNELS = ['LessEqual', 'Less', 'Greater', 'GreaterEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalNot'] as const;

let registered = false;

/** Registers the missing second-order gradients (idempotent; keeps any tfjs already has). */
export function registerSecondOrderGradients(): void {
	if (registered) return;
	registered = true;
	if (!tf.getGradient('DepthwiseConv2dNativeBackpropInput')) {
		tf.registerGradient({
			kernelName: 'DepthwiseConv2dNativeBackpropInput',
			inputsToSave: ['dy', 'filter'],
			gradFunc: (g, saved, attrs) => {
				const [dy, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
				const a = attrs as unknown as Attrs;
				return {
					dy: () => tf.depthwiseConv2d(g as tf.Tensor4D, filter, a.strides, a.pad as 'same', 'NHWC', a.dilations ?? 1, a.dimRoundingMode),
					filter: () => depthwiseBackpropFilter(g as tf.Tensor, dy, a, filter.shape)
				};
			}
		});
	}
	if (!tf.getGradient('DepthwiseConv2dNativeBackpropFilter')) {
		tf.registerGradient({
			kernelName: 'DepthwiseConv2dNativeBackpropFilter',
			inputsToSave: ['x', 'dy'],
			gradFunc: (g, saved, attrs) => {
				const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
				const a = attrs as unknown as Attrs;
				return {
					x: () => depthwiseBackpropInput(dy, g as tf.Tensor, a, x.shape),
					dy: () => tf.depthwiseConv2d(x, g as tf.Tensor4D, a.strides, a.pad as 'same', 'NHWC', a.dilations ?? 1, a.dimRoundingMode)
				};
			}
		});
	}
	if (!tf.getGradient('MaxPoolGrad')) {
		tf.registerGradient({
			kernelName: 'MaxPoolGrad',
			inputsToSave: ['dy', 'input', 'output'],
			gradFunc: (g, saved, attrs) => {
				const [dy, input, output] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
				const { filterSize, strides, pad } = attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number };
				if (typeof pad === 'number') throw new Error('the second-order gradient of a max pool with numeric padding is not supported');
				return {
					dy: () => {
						const { result, indexes } = tf.maxPoolWithArgmax(input, filterSize, strides, pad, true) as unknown as Record<'result' | 'indexes', tf.Tensor>;
						// WebGL's MaxPoolWithArgmax hands its (whole-number) indexes back as float32: gather wants int32
						const gathered = tf.gather((g as tf.Tensor).reshape([-1]), indexes.reshape([-1]).toInt());
						tf.dispose([result, indexes]);
						return gathered.reshape(dy.shape);
					},
					input: () => tf.zerosLike(input),
					output: () => tf.zerosLike(output)
				};
			}
		});
	}
	registerInputSavingGradients();
	for (const kernelName of ZERO_GRADIENT_KERNELS) {
		if (tf.getGradient(kernelName)) continue;
		const names = kernelName === 'LogicalNot' ? ['x'] : ['a', 'b'];
		tf.registerGradient({
			kernelName,
			inputsToSave: names,
			gradFunc: (_dy, saved) => Object.fromEntries(names.map((name, i) => [name, () => tf.zeros(saved[i]!.shape)])) // float32 zeros, also for boolean inputs
		});
	}
}

/** The kernels whose tfjs-core gradient reads the saved output, re-registered to save the input (see above). */
export const INPUT_SAVING_KERNELS = ['Tanh', 'Sigmoid', 'Exp', 'Elu', 'Softmax', 'LogSoftmax'] as const;

function registerInputSavingGradients(): void {
	const unary = (kernelName: string, derivative: (x: tf.Tensor) => tf.Tensor) =>
		tf.registerGradient({ kernelName, inputsToSave: ['x'], gradFunc: (dy, saved) => ({ x: () => (dy as tf.Tensor).mul(derivative(saved[0]!)) }) });
	unary('Tanh', (x) => tf.scalar(1).sub(x.tanh().square()));
	unary('Sigmoid', (x) => {
		const s = x.sigmoid();
		return s.mul(tf.scalar(1).sub(s));
	});
	unary('Exp', (x) => x.exp());
	unary('Elu', (x) => tf.where(x.greater(0), tf.onesLike(x), tf.elu(x).add(1)));
	const axisOf = (attrs: unknown, x: tf.Tensor) => {
		const dim = (attrs as { dim?: number; axis?: number }).dim ?? (attrs as { axis?: number }).axis ?? -1;
		return dim < 0 ? x.rank + dim : dim;
	};
	tf.registerGradient({
		kernelName: 'Softmax',
		inputsToSave: ['logits'],
		gradFunc: (dy, saved, attrs) => {
			const logits = saved[0]!;
			const axis = axisOf(attrs, logits);
			return {
				logits: () => {
					const y = tf.softmax(logits, axis);
					return y.mul((dy as tf.Tensor).sub((dy as tf.Tensor).mul(y).sum(axis, true)));
				}
			};
		}
	});
	tf.registerGradient({
		kernelName: 'LogSoftmax',
		inputsToSave: ['logits'],
		gradFunc: (dy, saved, attrs) => {
			const logits = saved[0]!;
			const axis = axisOf(attrs, logits);
			return { logits: () => (dy as tf.Tensor).sub(tf.logSoftmax(logits, axis).exp().mul((dy as tf.Tensor).sum(axis, true))) };
		}
	});
}
