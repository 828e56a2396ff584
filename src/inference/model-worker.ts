/**
 * The Web Worker that runs models, so the page stays responsive: it selects a backend, loads
 * the model, fetches each stimulus (checking its sha256 against the manifest), classifies in
 * batches, answers by the set's task and posts results, progress and a time estimate back;
 * `cancel` stops after the batch.
 */
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import { fetchUrlVerified } from '../stimuli/load.js';
import { rgbFromPng } from '../stimuli/png.js';
import { taskOf } from '../stimuli/task.js';
import type { BackendName } from './backends.js';
import { browserBackendStatuses, chooseBrowserBackend } from './browser-backends.js';
import { loadClassifier } from './classifier.js';
import type { ModelEntry } from './registry.js';
import { runModel, RunCancelled, type StimulusJob } from './run.js';
import type { WorkerRequest, WorkerMessage } from './worker-protocol.js';

const post = (message: WorkerMessage, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message, transfer);
let controller: AbortController | null = null;
/** The backend the worker was using (for a failed run's record). */
let inUse: string | null = null;

async function run(request: Extract<WorkerRequest, { type: 'run' }>) {
	controller = new AbortController();
	const jobs: StimulusJob[] = request.jobs.map((job) => ({ ...job, load: async () => rgbFromPng(await fetchUrlVerified(job.url, job.sha256)) }));
	// the probe (backend 'auto') times this model on the run's first image
	const first = jobs[0] ? await jobs[0].load() : null;
	console.log('model worker: choosing backend', request.backend, 'for', request.modelUrl);
	inUse = null;
	const { choice, model: classifier } = await chooseBrowserBackend(request.backend as BackendName | 'auto', {
		load: () => {
			inUse = tf.getBackend();
			return loadClassifier(request.entry as ModelEntry, request.modelUrl);
		},
		infer: (c) => (first ? c.classify([first]) : Promise.resolve()),
		dispose: (c) => c.dispose()
	});
	inUse = choice.chosen;
	post({ type: 'backend', backend: choice.chosen, choice });
	const backend = choice.chosen;
	try {
		if (request.warmUp && jobs[0] && first) {
			await classifier.classify([first]);
			if (request.saliency) await classifier.saliency(first, jobs[0].imagenet_classes);
		}
		post({ type: 'ready' });
		const tensorsBefore = tf.memory().numTensors;
		await runModel(classifier, jobs, {
			task: taskOf({ task: request.task }),
			rule: request.rule,
			batchSize: request.batchSize,
			saliency: request.saliency,
			signal: controller.signal,
			onProgress: (progress) => post({ type: 'progress', ...progress, tensors: tf.memory().numTensors - tensorsBefore }),
			onBatch: (trials) => {
				const maps = trials.flatMap((t) => (t.saliency ? [t.saliency.map.data.buffer as ArrayBuffer] : []));
				post({ type: 'batch', trials }, maps);
			}
		});
		post({ type: 'done', backend });
	} catch (error) {
		if (error instanceof RunCancelled) post({ type: 'cancelled', done: error.done });
		else throw error;
	} finally {
		classifier.dispose();
	}
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
	const request = event.data;
	if (request.type === 'cancel') controller?.abort();
	else if (request.type === 'run') run(request).catch((error: Error) => post({ type: 'error', message: error.message, backend: inUse }));
	else if (request.type === 'backends') browserBackendStatuses().then((statuses) => post({ type: 'backends', statuses }), (error: Error) => post({ type: 'error', message: error.message, backend: null }));
};
