/**
 * Runs a model in the model worker from a page: returns a handle with the outcome and cancel().
 */
import type { ModelTrial, RunProgress } from './run.js';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.js';

export interface WorkerRunHandlers {
	onBackend?: (backend: string) => void;
	onProgress?: (progress: RunProgress & { tensors: number }) => void;
	onBatch?: (trials: ModelTrial[]) => Promise<void> | void;
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
					handlers.onBackend?.(message.backend);
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
					reject(new Error(message.message));
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
