/**
 * The harmonizer's Web Worker: selects a backend (WebGPU first), loads the base model as a
 * trainable layers model, fetches the set's images (checked against the manifest's sha256), trains
 * (src/harmonizer: the loss, the steps, the held-out evaluation), posts every step and evaluation,
 * stops when asked keeping what was trained, and saves the model to this browser's IndexedDB
 * with its provenance when the page asks.
 */
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../inference/backends.js';
import { useBrowserBackend } from '../../inference/browser-backends.js';
import { fetchUrlVerified } from '../../stimuli/load.js';
import { rgbFromPng } from '../../stimuli/png.js';
import type { HarmonizeImage } from '../../harmonizer/data.js';
import { loadTrainable } from '../../harmonizer/load.js';
import { cleanAccuracy, HARMONIZER_REFERENCE, summarize, type LabelledPhoto, type Provenance } from '../../harmonizer/model.js';
import { runHarmonizer } from '../../harmonizer/session.js';
import { Harmonizer, type Evaluation } from '../../harmonizer/train.js';
import type { HarmonizeMessage, HarmonizeRequest, HeldOutResult } from './protocol.js';

const post = (message: HarmonizeMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);
let stop = false;
let trained: { model: tf.LayersModel; provenance: Provenance } | null = null;

const heldOutResult = (after: number, e: Evaluation): HeldOutResult => ({
	after,
	summary: summarize(e),
	perImage: Object.fromEntries(Object.entries(e.saliency).map(([id, saliency]) => [id, { spearman: e.report.images[id]?.spearman ?? null, saliency }]))
});

async function start(request: Extract<HarmonizeRequest, { type: 'start' }>) {
	const backend = await useBrowserBackend(request.backend as BackendName | 'auto');
	const model = await loadTrainable(request.entry, request.modelUrl);
	const images: (HarmonizeImage & { category: LabelledPhoto['category'] })[] = [];
	for (const job of request.images) {
		images.push({ image_id: job.image_id, image: rgbFromPng(await fetchUrlVerified(job.url, job.sha256, fetch, job.image_id)), classes: job.classes, map: job.map, category: job.category });
	}
	const harmonizer = await Harmonizer.create(model, request.entry, images, request.settings);
	post({ type: 'ready', backend, train: harmonizer.train.length, trainWithMaps: harmonizer.train.filter((i) => i.map).length, heldOut: harmonizer.heldOut.map((i) => i.image_id) });
	const heldOutPhotos = harmonizer.heldOut.map((i) => images.find((x) => x.image_id === i.image_id)!).map((i) => ({ image: i.image, classes: i.classes, category: i.category }));
	const accuracyBefore = await cleanAccuracy(model, request.entry, heldOutPhotos);
	const result = await runHarmonizer(harmonizer, {
		steps: request.settings.steps,
		evaluateEvery: request.evaluateEvery,
		shouldStop: () => stop,
		onEvent: (event) => post(event.kind === 'step' ? { type: 'step', report: event.report, of: event.of } : { type: 'evaluation', result: heldOutResult(event.after, event.evaluation) })
	});
	const accuracyAfter = await cleanAccuracy(model, request.entry, heldOutPhotos);
	const provenance: Provenance = {
		method: 'neural harmonizer',
		reference: HARMONIZER_REFERENCE,
		base_model: request.entry.id,
		map_set: request.mapSet,
		map_source: request.mapSource,
		settings: request.settings,
		steps_done: harmonizer.stepsDone,
		train_images: harmonizer.train.length,
		held_out_images: harmonizer.heldOut.map((i) => i.image_id),
		backend,
		before: summarize(result.before),
		after: summarize(result.after),
		trained_at: new Date().toISOString()
	};
	harmonizer.dispose();
	trained = { model, provenance };
	post({ type: 'done', stopped: result.stopped, before: heldOutResult(0, result.before), after: heldOutResult(harmonizer.stepsDone, result.after), accuracyBefore, accuracyAfter, provenance });
}

async function save(request: Extract<HarmonizeRequest, { type: 'save' }>) {
	if (!trained) throw new Error('nothing has been trained yet');
	if (!request.entry.upstreamUrl) throw new Error(`the harmonized model ${request.entry.id} has no IndexedDB key to be saved under`);
	trained.model.setUserDefinedMetadata({ harmonization: trained.provenance });
	await trained.model.save(request.entry.upstreamUrl);
	post({ type: 'saved', entry: request.entry });
}

self.onmessage = (event: MessageEvent<HarmonizeRequest>) => {
	const request = event.data;
	if (request.type === 'stop') {
		stop = true;
		return;
	}
	const work = request.type === 'start' ? start(request) : save(request);
	work.catch((error: Error) => post({ type: 'error', message: error.message }));
};
