/**
 * The WASM backend lacks some gradient kernels (Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropInput, ...), so saliency fails on it. Moving the whole gradient
 * to the CPU backend is slow (minutes per map for a small CNN), so instead each missing kernel is
 * registered for WASM as a bridge to the CPU backend's kernel: inputs are copied to the CPU
 * backend, the CPU kernel runs, the result is copied back. Only the missing kernels pay that.
 * The costliest one, Conv2DBackpropFilter, gets a real WASM kernel instead (wasm-conv-gradient.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmConv2DBackpropFilter } from './wasm-conv-gradient.js';

const bridged = new Set<string>();

interface TensorInfoLike {
	dataId: object;
	shape: number[];
	dtype: tf.DataType;
}

interface BackendLike {
	readSync(dataId: object): tf.backend_util.BackendValues;
	write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object;
	disposeData(dataId: object): boolean;
}

/** Values as the typed array of `dtype` (WASM reads a tensor's bytes as that type). */
function ofDtype(values: tf.backend_util.BackendValues, dtype: tf.DataType): tf.backend_util.BackendValues {
	if (dtype === 'int32' && !(values instanceof Int32Array)) return Int32Array.from(values as ArrayLike<number>);
	if (dtype === 'float32' && !(values instanceof Float32Array)) return Float32Array.from(values as ArrayLike<number>);
	return values;
}

/** Registers a CPU bridge for `kernelName` on WASM; false when CPU has no such kernel either. */
export function bridgeKernelToCpu(kernelName: string): boolean {
	if (bridged.has(kernelName) || tf.getKernel(kernelName, 'wasm')) return true;
	const cpuKernel = tf.getKernel(kernelName, 'cpu');
	if (!cpuKernel) return false;
	tf.registerKernel({
		kernelName,
		backendName: 'wasm',
		kernelFunc: ({ inputs, attrs, backend }) => {
			const wasm = backend as unknown as BackendLike;
			const cpu = tf.findBackend('cpu') as unknown as BackendLike;
			const moved: Record<string, TensorInfoLike> = {};
			for (const [name, input] of Object.entries(inputs as Record<string, TensorInfoLike>)) {
				moved[name] = { dataId: cpu.write(wasm.readSync(input.dataId), input.shape, input.dtype), shape: input.shape, dtype: input.dtype };
			}
			const result = cpuKernel.kernelFunc({ inputs: moved as never, attrs, backend: cpu as never }) as TensorInfoLike | TensorInfoLike[];
			const back = (out: TensorInfoLike): TensorInfoLike => {
				// WASM copies the bytes: they must be of the output's dtype (CPU's MaxPoolWithArgmax keeps its int32 indexes in a Float32Array)
				const dataId = wasm.write(ofDtype(cpu.readSync(out.dataId), out.dtype), out.shape, out.dtype);
				cpu.disposeData(out.dataId);
				return { dataId, shape: out.shape, dtype: out.dtype };
			};
			const outputs = Array.isArray(result) ? result.map(back) : back(result);
			for (const input of Object.values(moved)) cpu.disposeData(input.dataId);
			return outputs as never;
		}
	});
	bridged.add(kernelName);
	return true;
}

/**
 * WASM kernels that compute wrong values, replaced by the CPU bridge. tfjs-backend-wasm 4.22's
 * MaxPoolGrad is right only for one image of one channel: with 2 or more channels or images it
 * routes gradients to the wrong cells (measured: max |difference| from CPU ~1 on unit-scale
 * values, CPU matching central finite differences; src/harmonizer/gradient-agreement.test.ts).
 * Every saliency map through a max pool on WASM (SqueezeNet, Darknet) depends on it. Its
 * MaxPoolWithArgmax (the second-order gradient of a max pool, second-order.ts) gave some wrong
 * indexes too (0 where CPU gave 44 on a 1 x 8 x 8 x 4 input).
 */
export const WRONG_WASM_KERNELS = ['MaxPoolGrad', 'MaxPoolWithArgmax'] as const;

function replaceWrongWasmKernels() {
	for (const name of WRONG_WASM_KERNELS) {
		if (bridged.has(name)) continue;
		if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
		bridgeKernelToCpu(name);
	}
}

/** Runs `work`; when a kernel is missing on WASM, bridges it to CPU and runs `work` again. */
export async function withWasmBridges<T>(work: () => Promise<T>): Promise<T> {
	if (tf.getBackend() === 'wasm') {
		registerWasmConv2DBackpropFilter(); // a native kernel, not a bridge: the CPU one dominated saliency
		replaceWrongWasmKernels();
	}
	for (let attempt = 0; attempt < 20; attempt++) {
		try {
			return await work();
		} catch (error) {
			const missing = /Kernel '(\w+)' not registered for backend 'wasm'/.exec((error as Error).message)?.[1];
			if (!missing || tf.getBackend() !== 'wasm' || !bridgeKernelToCpu(missing)) throw error;
		}
	}
	throw new Error('too many missing WASM kernels');
}
