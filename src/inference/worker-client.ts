/**
 * Runs a model in the model worker from a page: returns a handle with the outcome and cancel().
 */
import type { BackendChoice, BackendStatus } from './backends.js';
import type { LoadedStimulusSet } from '../stimuli/load.js';
import type { StimulusRecord } from '../stimuli/manifest.js';
import { BROWSER_STORE, type ModelEntry } from './registry.js';
import type { ModelTrial, RunProgress } from './run.js';
import type { WorkerJob, WorkerMessage, WorkerRequest } from './worker-protocol.js';

/** Where a page loads a model from: the server's local copy when it has one, else the public upstream. */
export async function modelUrl(entry: ModelEntry, origin: string): Promise<string> {
	if (entry.upstreamUrl?.startsWith(BROWSER_STORE)) return entry.upstreamUrl; // imported on the models page, kept in this browser
	if (entry.localDir) {
		// a .tflite model's localDir is its file in the model folder; every other model's, its folder
		const local = entry.format === 'tflite' ? `${origin}/model-files/${entry.localDir}` : `${origin}/model-files/${entry.localDir}/model.json`;
		if ((await fetch(local)).ok) return local;
	}
	if (!entry.upstreamUrl) throw new Error(`${entry.name} was rebuilt from its upstream weights for this platform and has no public model.json: the server needs the local model folder (npm start -- --models DIR, or MODEL_DIR) holding ${entry.localDir}/`);
	return entry.upstreamUrl;
}

/** Worker jobs for stimuli of a loaded set: absolute URLs, the manifest's sha256 and the image's target classes. */
export function workerJobs(set: LoadedStimulusSet, stimuli: readonly StimulusRecord[], origin: string): WorkerJob[] {
	const classes = new Map(set.manifest.images.map((i) => [i.image_id, i.imagenet_classes]));
	return stimuli.map((s) => ({
		stimulus_id: s.id,
		image_id: s.image_id,
		category: s.category,
		reveal: s.reveal,
		level_index: s.level_index,
		imagenet_classes: classes.get(s.image_id) ?? [],
		url: new URL(set.url(s.file), origin).href,
		sha256: s.sha256
	}));
}

export interface WorkerRunHandlers {
	/** The backend chosen for the run, and why. */
	onBackend?: (backend: string, choice: BackendChoice) => void;
	/** The worker has loaded the model (and warmed it up, when asked): timing starts here. */
	onReady?: () => void;
	onProgress?: (progress: RunProgress & { tensors: number }) => void;
	onBatch?: (trials: ModelTrial[]) => Promise<void> | void;
}

/** A run that failed in the worker; `backend` is the one in use then (null before any was set up). */
export class WorkerRunError extends Error {
	constructor(message: string, readonly backend: string | null) {
		super(message);
	}
}

export interface WorkerRun {
	/** Resolves with the outcome once the worker has finished, been cancelled or failed. */
	finished: Promise<{ outcome: 'done' | 'cancelled'; backend: string | null }>;
	cancel(): void;
}

export function runInWorker(request: Extract<WorkerRequest, { type: 'run' }>, handlers: WorkerRunHandlers = {}): WorkerRun {
	const worker = new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module' });
	let backend: string | null = null;
	let pending: Promise<void> = Promise.resolve();
	const finished = new Promise<{ outcome: 'done' | 'cancelled'; backend: string | null }>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
			const message = event.data;
			switch (message.type) {
				case 'backend':
					backend = message.backend;
					handlers.onBackend?.(message.backend, message.choice);
					break;
				case 'ready':
					handlers.onReady?.();
					break;
				case 'progress':
					handlers.onProgress?.(message);
					break;
				case 'batch':
					// store batches in order; the outcome waits for the last one to be stored
					pending = pending.then(() => handlers.onBatch?.(message.trials));
					break;
				case 'done':
				case 'cancelled':
					pending.then(() => resolve({ outcome: message.type, backend }), reject).finally(() => worker.terminate());
					break;
				case 'error':
					worker.terminate();
					reject(new WorkerRunError(message.message, message.backend));
			}
		};
		worker.onerror = (event) => {
			worker.terminate();
			reject(new Error(event.message || 'the model worker failed'));
		};
	});
	worker.postMessage(request);
	return { finished, cancel: () => worker.postMessage({ type: 'cancel' } satisfies WorkerRequest) };
}

/** The backends the model worker can run, as it reports them (the same setup as its runs: WASM's files, WebGPU). */
export function workerBackends(): Promise<BackendStatus[]> {
	const worker = new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module' });
	return new Promise<BackendStatus[]>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
			if (event.data.type === 'backends') resolve(event.data.statuses);
			else if (event.data.type === 'error') reject(new Error(event.data.message));
		};
		worker.onerror = (event) => reject(new Error(event.message || 'the model worker failed'));
		worker.postMessage({ type: 'backends' } satisfies WorkerRequest);
	}).finally(() => worker.terminate());
}
