/**
 * Conv2DBackpropFilter for the WASM backend, built from WASM's own forward convolution.
 *
 * Why: tfjs's fused convolution computes the filter gradient even when only the input gradient
 * is wanted (saliency), and WASM has no kernel for it; the CPU backend's loop version took about
 * 99 % of a saliency map's time (100 s per map for darknet-tiny). The filter gradient is itself a
 * convolution, so XNNPACK can do it:
 *
 *   dW[i, j, c, o] = sum over b, y, x of  X[b, y*sh + i - top, x*sw + j - left, c] * dY[b, y, x, o]
 *
 * which is a forward convolution of X' = X transposed to [c, H, W, b] (channels become the batch,
 * the batch becomes the channels) with the "filter" dY' = dY transposed to [y, x, b, o], dilated
 * by the stride, padded like the original: its output [c, i, j, o] (cut to the filter's size) is
 * dW transposed. Checked against the CPU kernel in wasm-conv-gradient.test.ts.
 */
import * as tf from '@tensorflow/tfjs';

interface TensorInfo {
	dataId: object;
	shape: number[];
	dtype: tf.DataType;
}
type Kernel = (args: { inputs: Record<string, TensorInfo>; attrs: Record<string, unknown>; backend: unknown }) => TensorInfo;

function wasmKernel(name: string): Kernel {
	const kernel = tf.getKernel(name, 'wasm');
	if (!kernel) throw new Error(`the WASM backend has no ${name} kernel`);
	return kernel.kernelFunc as unknown as Kernel;
}

/** Registers the kernel once; returns false when WASM already has one (a newer tfjs). */
export function registerWasmConv2DBackpropFilter(): boolean {
	if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return false;
	tf.registerKernel({
		kernelName: 'Conv2DBackpropFilter',
		backendName: 'wasm',
		kernelFunc: ({ inputs, attrs, backend }) => {
			const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
			const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
				strides: number | [number, number];
				pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
				dataFormat: 'NHWC' | 'NCHW';
				dimRoundingMode?: 'floor' | 'round' | 'ceil';
				filterShape: [number, number, number, number];
			};
			if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on WASM: only NHWC is supported');
			const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
			const disposeData = (t: TensorInfo) => (backend as { disposeData(id: object): void }).disposeData(t.dataId);
			const transpose = wasmKernel('Transpose');
			const xT = transpose({ inputs: { x }, attrs: { perm: [3, 1, 2, 0] }, backend });
			const dyT = transpose({ inputs: { x: dy }, attrs: { perm: [1, 2, 0, 3] }, backend });
			const { top, bottom, left, right } = info.padInfo;
			const full = wasmKernel('Conv2D')({
				inputs: { x: xT, filter: dyT },
				attrs: {
					strides: [1, 1],
					pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
					dataFormat: 'NHWC',
					dilations: [info.strideHeight, info.strideWidth],
					dimRoundingMode: undefined
				},
				backend
			});
			const cut = wasmKernel('Slice')({
				inputs: { x: full },
				attrs: { begin: [0, 0, 0, 0], size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels] },
				backend
			});
			const dW = transpose({ inputs: { x: cut }, attrs: { perm: [1, 2, 0, 3] }, backend });
			for (const t of [xT, dyT, full, cut]) disposeData(t);
			return dW as never;
		}
	});
	return true;
}
