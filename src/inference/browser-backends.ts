/**
 * Backends in the browser (page or worker), in the platform's order: WebGPU, WebGL, WASM, CPU.
 * WASM uses the non-threaded builds served by Vite: the multi-threaded one hangs in a minified
 * build and needs COOP/COEP headers, and gave no speed-up on small machines.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { BACKEND_PREFERENCE, selectBestBackend, type BackendName } from './backends.js';

let configured = false;

function configureWasm() {
	if (configured) return;
	tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
	setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmSimd });
	configured = true;
}

/** Selects `requested` ('auto': the first of WebGPU, WebGL, WASM, CPU that works) and returns its name. */
export async function useBrowserBackend(requested: BackendName | 'auto'): Promise<BackendName> {
	configureWasm();
	return selectBestBackend(requested === 'auto' ? BACKEND_PREFERENCE : [requested]);
}
