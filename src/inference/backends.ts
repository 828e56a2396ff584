/**
 * Which TensorFlow.js backends this browser (or Node) can run, in the platform's order of
 * preference: WebGPU first, then WebGL, WASM and CPU. Each result says why a backend is missing,
 * so pages and run records can state which backend ran.
 */
import * as tf from '@tensorflow/tfjs';

export const BACKEND_PREFERENCE = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_PREFERENCE)[number];

export interface BackendStatus {
	name: BackendName;
	available: boolean;
	/** Why it is unavailable (not registered, failed to initialize, ...); null when available. */
	reason: string | null;
}

let webgpuRegistration: Promise<void> | null = null;

/** Registers the WebGPU backend when the environment has `navigator.gpu` (loaded on demand). */
async function registerWebgpu(): Promise<void> {
	const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
	if (!gpu) return;
	webgpuRegistration ??= import('@tensorflow/tfjs-backend-webgpu').then(() => undefined);
	await webgpuRegistration;
}

/** Tries each backend in order of preference and reports which ones initialize. */
export async function probeBackends(): Promise<BackendStatus[]> {
	await registerWebgpu();
	const previous = tf.getBackend();
	const statuses: BackendStatus[] = [];
	for (const name of BACKEND_PREFERENCE) {
		if (!tf.engine().registryFactory[name]) {
			statuses.push({ name, available: false, reason: name === 'webgpu' ? 'navigator.gpu is not available' : 'backend not registered' });
			continue;
		}
		try {
			const ok = await tf.setBackend(name);
			statuses.push({ name, available: ok, reason: ok ? null : 'failed to initialize' });
		} catch (error) {
			statuses.push({ name, available: false, reason: (error as Error).message });
		}
	}
	if (previous) await tf.setBackend(previous);
	return statuses;
}

/** Resolves false when `work` has not finished after `ms` (a backend whose setup hangs). */
const within = <T,>(work: Promise<T>, ms: number) =>
	Promise.race([work, new Promise<false>((resolve) => setTimeout(() => resolve(false), ms))]);

/** Selects the first backend in order of preference that initializes (within 20 s) and returns its name. */
export async function selectBestBackend(allowed: readonly BackendName[] = BACKEND_PREFERENCE): Promise<BackendName> {
	if (allowed.includes('webgpu')) await within(registerWebgpu(), 20_000);
	for (const name of BACKEND_PREFERENCE) {
		if (!allowed.includes(name) || !tf.engine().registryFactory[name]) continue;
		try {
			if (await within(tf.setBackend(name), 20_000)) {
				await tf.ready();
				return name;
			}
		} catch {
			// try the next one
		}
	}
	throw new Error(`none of the backends ${allowed.join(', ')} could be initialized here`);
}
