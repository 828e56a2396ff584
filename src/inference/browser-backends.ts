/**
 * Backends in the browser (page or worker), in the platform's order: WebGPU, WebGL, WASM, CPU.
 * WASM uses the non-threaded builds served by Vite: the multi-threaded one hangs in a minified
 * build and needs COOP/COEP headers, and gave no speed-up on small machines.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import {
	BACKEND_LABELS,
	BACKEND_PREFERENCE,
	chooseBackendByProbe,
	probeBackends,
	probeCandidates,
	selectBestBackend,
	type BackendChoice,
	type BackendName,
	type BackendStatus,
	type ProbeSubject
} from './backends.js';

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

/** What this browser (page or worker) can run, with WASM's files configured as runs use them. */
export async function browserBackendStatuses(): Promise<BackendStatus[]> {
	configureWasm();
	return probeBackends();
}

/**
 * The backend for a run and the model loaded on it. `auto`: the fastest in a short measured probe
 * of this very model on each available backend (`chooseBackendByProbe`, backends.ts), not an order
 * of preference: a software WebGPU adapter (SwiftShader) is correct but much slower than WASM.
 * A named backend is used as asked.
 */
export async function chooseBrowserBackend<M>(requested: BackendName | 'auto', subject: ProbeSubject<M>): Promise<{ choice: BackendChoice; model: M }> {
	configureWasm();
	if (requested !== 'auto') {
		const chosen = await selectBestBackend([requested]);
		const model = await subject.load();
		return { choice: { requested, chosen, rule: 'requested', timings: [], reason: `${BACKEND_LABELS[chosen]}: chosen by hand` }, model };
	}
	const { candidates, skipped } = probeCandidates(await probeBackends());
	if (candidates.length === 0) throw new Error(`none of the backends ${BACKEND_PREFERENCE.join(', ')} could be initialized here`);
	return chooseBackendByProbe(candidates, subject, skipped);
}
