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
				const dataId = wasm.write(cpu.readSync(out.dataId), out.shape, out.dtype);
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

/** Runs `work`; when a kernel is missing on WASM, bridges it to CPU and runs `work` again. */
export async function withWasmBridges<T>(work: () => Promise<T>): Promise<T> {
	if (tf.getBackend() === 'wasm') registerWasmConv2DBackpropFilter(); // a native kernel, not a bridge: the CPU one dominated saliency
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
