/**
 * DepthwiseConv2dNativeBackpropFilter for the WASM backend, from WASM's own pad, strided-slice,
 * multiply and sum kernels. Without it the kernel runs on the CPU backend through the bridge of
 * src/inference/wasm-bridge.ts, and there it took about 99 % of a harmonization step (measured
 * here: 520 ms for one 112 x 112 x 32 layer, against 4 ms for the forward convolution).
 *
 * The filter gradient of a depthwise convolution (filter [fh, fw, C, M], output channel c M + m):
 *
 *   dW[i, j, c, m] = sum over b, y, x of  Xp[b, y sh + i dh, x sw + j dw, c] dY[b, y, x, c M + m]
 *
 * with Xp the input padded as the forward convolution pads it. For one (b, c) pair that is a
 * correlation of the image Xp[b, :, :, c] with dY[b, :, :, c M + m] as the filter, dilated by the
 * stride and moved by the dilation - so all of them at once are ONE depthwise convolution of
 *   X' = X transposed to [H, W, B, C], as a 1 x H x W x (B C) image,
 *   F' = dY transposed to [outH, outW, B, C M], as an outH x outW x (B C) x M filter,
 * with strides (dh, dw), dilations (sh, sw) and the forward padding: its output
 * [1, >= fh, >= fw, (B C) M], cut to fh x fw and summed over b, is dW. XNNPACK does it (WASM's
 * DepthwiseConv2dNative kernel), the same idea as the Conv2DBackpropFilter kernel of
 * src/inference/wasm-conv-gradient.ts. Checked against the CPU kernel in
 * wasm-depthwise-gradient.test.ts.
 */
import * as tf from '@tensorflow/tfjs';

interface TensorInfo {
	dataId: object;
	shape: number[];
	dtype: tf.DataType;
}
type Kernel = (args: { inputs: unknown; attrs: Record<string, unknown>; backend: unknown }) => TensorInfo;

function wasmKernel(name: string): Kernel {
	const kernel = tf.getKernel(name, 'wasm');
	if (!kernel) throw new Error(`the WASM backend has no ${name} kernel`);
	return kernel.kernelFunc as unknown as Kernel;
}

/** Registers the kernel once; returns false when WASM already has one. */
export function registerWasmDepthwiseBackpropFilter(): boolean {
	if (tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')) return false;
	tf.registerKernel({
		kernelName: 'DepthwiseConv2dNativeBackpropFilter',
		backendName: 'wasm',
		kernelFunc: ({ inputs, attrs, backend }) => {
			const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
			const { strides, pad, dilations, dimRoundingMode, filterShape } = attrs as unknown as {
				strides: number | [number, number];
				pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
				dilations: number | [number, number];
				dimRoundingMode?: 'floor' | 'round' | 'ceil';
				filterShape: [number, number, number, number];
			};
			const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
			const [batch, height, width, channels] = x.shape as [number, number, number, number];
			const { outHeight, outWidth, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
			const multiplier = filterShape[3];
			const { top, left } = info.padInfo;
			const rows = (outHeight - 1) * sh + (fh - 1) * dh + 1, cols = (outWidth - 1) * sw + (fw - 1) * dw + 1;
			const bottom = Math.max(0, rows - height - top), right = Math.max(0, cols - width - left);
			const made: TensorInfo[] = [];
			const run = (name: string, kernelInputs: unknown, kernelAttrs: Record<string, unknown>) => {
				const out = wasmKernel(name)({ inputs: kernelInputs, attrs: kernelAttrs, backend });
				made.push(out);
				return out;
			};
			const xT = run('Transpose', { x }, { perm: [1, 2, 0, 3] });
			const image = run('Reshape', { x: xT }, { shape: [1, height, width, batch * channels] });
			const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
			const filter = run('Reshape', { x: dyT }, { shape: [outHeight, outWidth, batch * channels, multiplier] });
			const full = run('DepthwiseConv2dNative', { x: image, filter }, {
				strides: [dh, dw],
				dilations: [sh, sw],
				pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
				dimRoundingMode: undefined
			});
			const cut = run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [1, fh, fw, batch * channels * multiplier] });
			const perBatch = run('Reshape', { x: cut }, { shape: [fh, fw, batch, channels * multiplier] });
			const summed = run('Sum', { x: perBatch }, { axis: [2], keepDims: false });
			const dW = wasmKernel('Reshape')({ inputs: { x: summed }, attrs: { shape: filterShape }, backend });
			const wasm = backend as { disposeData(id: object): void };
			for (const t of made) wasm.disposeData(t.dataId);
			return dW as never;
		}
	});
	return true;
}
