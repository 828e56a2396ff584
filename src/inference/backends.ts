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

/** How people read a backend's name. */
export const BACKEND_LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** One backend in a probe: its measured time per image (null when it gave none) and why not. */
export interface BackendTiming {
	backend: BackendName;
	/** Median wall time of one image classified, after a warm-up image (which compiles kernels), in ms. */
	msPerImage: number | null;
	/** Why there is no time (no answer within the cap, an error, not probed); null when timed. */
	note: string | null;
}

/**
 * Which backend a run used and why, stored with the run (`model_runs.config.backend_choice`) and
 * shown with it. rule: `probe` = the fastest in a measured probe on the run's own model;
 * `requested` = chosen by hand; `only` = the only candidate that initialized.
 */
export interface BackendChoice {
	requested: BackendName | 'auto';
	chosen: BackendName;
	rule: 'probe' | 'requested' | 'only';
	timings: BackendTiming[];
	/** One sentence: which backend ran and why. */
	reason: string;
}

/**
 * The probe's size: after one warm-up image (the first call compiles shaders and kernels, so it
 * is never timed), `images` single images are timed one by one; each call has `capMs` to answer.
 * A backend that does not answer in time is dropped with a note (its late answer is discarded).
 */
export const PROBE = { images: 2, capMs: 8_000 } as const;

/** What the probe runs: the run's own model, loaded on the current backend, on one image. */
export interface ProbeSubject<M> {
	load(): Promise<M>;
	infer(model: M): Promise<unknown>;
	dispose(model: M): void;
}

/**
 * The statuses -> the backends to probe, in the order to probe them: the available ones, but never
 * CPU where WASM runs (same processor, WASM's SIMD kernels are always faster: 16x here, measured),
 * from the processor-side backends to the GPU ones. A backend that is late keeps working in the
 * background (TF.js work cannot be cancelled), and a software GPU adapter (SwiftShader) works on
 * the processor: probed last, it cannot slow the others' measurement.
 */
export function probeCandidates(statuses: readonly BackendStatus[]): { candidates: BackendName[]; skipped: BackendTiming[] } {
	const available = new Set(statuses.filter((s) => s.available).map((s) => s.name));
	const candidates: BackendName[] = [];
	const skipped: BackendTiming[] = [];
	for (const s of statuses) {
		if (!s.available) skipped.push({ backend: s.name, msPerImage: null, note: `unavailable (${s.reason})` });
		else if (s.name === 'cpu' && available.has('wasm')) skipped.push({ backend: 'cpu', msPerImage: null, note: 'not probed: WASM runs on the same processor and is faster' });
		else candidates.push(s.name);
	}
	return { candidates: candidates.reverse(), skipped };
}

const milliseconds = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

/** The sentence for a choice, e.g. "WASM: 41 ms per image vs WebGPU 730 ms in a probe (...)" */
export function describeChoice(choice: Omit<BackendChoice, 'reason'>): string {
	const label = BACKEND_LABELS[choice.chosen];
	if (choice.rule === 'requested') return `${label}: chosen by hand`;
	const others = choice.timings.filter((t) => t.backend !== choice.chosen);
	if (choice.rule === 'only') {
		const why = others.map((t) => `${BACKEND_LABELS[t.backend]} ${t.note}`).join('; ');
		return `${label}: the only backend to run here${why ? ` (${why})` : ''}`;
	}
	const chosen = choice.timings.find((t) => t.backend === choice.chosen)!;
	const timed = others.filter((t) => t.msPerImage !== null).map((t) => `${BACKEND_LABELS[t.backend]} ${milliseconds(t.msPerImage!)}`);
	const untimed = others.filter((t) => t.msPerImage === null && !t.note?.startsWith('unavailable')).map((t) => `${BACKEND_LABELS[t.backend]} ${t.note}`);
	return (
		`${label}: ${milliseconds(chosen.msPerImage!)} per image${timed.length ? ` vs ${timed.join(', ')}` : ''} in a probe on this model ` +
		`(${PROBE.images} images timed after a warm-up image)${untimed.length ? `; ${untimed.join('; ')}` : ''}`
	);
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Times `subject` on each candidate backend and keeps the fastest: returns the choice and the
 * model loaded there (the current backend is left on it). Others' models are disposed. Throws
 * the first error when no candidate could run the model.
 */
export async function chooseBackendByProbe<M>(
	candidates: readonly BackendName[],
	subject: ProbeSubject<M>,
	skipped: readonly BackendTiming[] = [],
	probe: { images: number; capMs: number } = PROBE
): Promise<{ choice: BackendChoice; model: M }> {
	const timings: BackendTiming[] = [];
	let best: { backend: BackendName; model: M; ms: number } | null = null;
	let firstError: Error | null = null;
	const cap = `${probe.capMs / 1000} s`;
	if (candidates.length === 1) {
		// nothing to compare: no probe
		const backend = candidates[0]!;
		if (!(await within(tf.setBackend(backend), 20_000))) throw new Error(`the ${BACKEND_LABELS[backend]} backend did not initialize here`);
		await tf.ready();
		const model = await subject.load();
		const choice = { requested: 'auto' as const, chosen: backend, rule: 'only' as const, timings: [{ backend, msPerImage: null, note: null }, ...skipped] };
		return { choice: { ...choice, reason: describeChoice(choice) }, model };
	}
	for (const backend of candidates) {
		const note = (text: string) => timings.push({ backend, msPerImage: null, note: text });
		try {
			if (!(await within(tf.setBackend(backend), 20_000))) {
				note('did not initialize');
				continue;
			}
			await tf.ready();
		} catch (error) {
			note(`did not initialize (${(error as Error).message})`);
			continue;
		}
		let model: M;
		try {
			model = await subject.load();
		} catch (error) {
			firstError ??= error as Error;
			note(`could not load the model (${(error as Error).message})`);
			continue;
		}
		// one call, bounded by the cap; a late answer disposes the model once it comes
		const call = async (): Promise<number | 'late' | Error> => {
			const start = performance.now();
			const work = subject.infer(model).then(() => performance.now() - start, (error: Error) => error);
			const result = await within(work, probe.capMs);
			if (result === false) {
				void work.finally(() => subject.dispose(model));
				return 'late';
			}
			return result;
		};
		const warm = await call();
		if (warm === 'late' || warm instanceof Error) {
			if (warm instanceof Error) subject.dispose(model);
			note(warm === 'late' ? `gave no answer within ${cap} (first image, which compiles its kernels)` : `failed (${warm.message})`);
			continue;
		}
		const times: number[] = [];
		let failure: string | null = null;
		for (let i = 0; i < probe.images; i++) {
			const t = await call();
			if (typeof t === 'number') times.push(t);
			else {
				failure = t === 'late' ? `gave no answer within ${cap}` : `failed (${t.message})`;
				if (t instanceof Error) subject.dispose(model);
				break;
			}
		}
		if (failure) {
			note(failure);
			continue;
		}
		const ms = median(times);
		timings.push({ backend, msPerImage: ms, note: null });
		if (!best || ms < best.ms) {
			if (best) subject.dispose(best.model);
			best = { backend, model, ms };
		} else subject.dispose(model);
	}
	if (!best) throw firstError ?? new Error(`none of the backends ${candidates.join(', ')} could run the model here (${timings.map((t) => `${t.backend}: ${t.note}`).join('; ')})`);
	await tf.setBackend(best.backend);
	const all = [...timings, ...skipped];
	const choice = { requested: 'auto' as const, chosen: best.backend, rule: 'probe' as const, timings: all };
	return { choice: { ...choice, reason: describeChoice(choice) }, model: best.model };
}
