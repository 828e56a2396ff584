/**
 * The harmonizer's Web Worker: fetches the set's images (checked against the manifest's sha256),
 * chooses the backend as the models page does ('auto': a short measured probe of this very model
 * on each backend, `chooseBrowserBackend` of src/inference/browser-backends.ts, so a real GPU's
 * WebGPU wins and a software adapter such as headless Chromium's SwiftShader, ~18x slower than
 * WASM here, does not; a named backend as asked), loads the base model there as a trainable
 * layers model, trains
 * (src/harmonizer: the loss, the steps, the held-out evaluation), posts every step and evaluation,
 * stops when asked keeping what was trained, and saves the model to this browser's IndexedDB
 * with its provenance when the page asks.
 */
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../inference/backends.js';
import { chooseBrowserBackend } from '../../inference/browser-backends.js';
import { preprocessBatch } from '../../inference/preprocess.js';
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
	perImage: Object.fromEntries(Object.entries(e.saliency).map(([id, saliency]) => [id, { spearman: e.report.images[id]?.spearman ?? null, iou: e.report.images[id]?.iou ?? null, dice: e.report.images[id]?.dice ?? null, saliency }]))
});

async function start(request: Extract<HarmonizeRequest, { type: 'start' }>) {
	const images: (HarmonizeImage & { category: LabelledPhoto['category'] })[] = [];
	for (const job of request.images) {
		images.push({ image_id: job.image_id, image: rgbFromPng(await fetchUrlVerified(job.url, job.sha256, fetch, job.image_id)), classes: job.classes, map: job.map, category: job.category });
	}
	if (!images.length) throw new Error('the set has no image with an ImageNet class to train on');
	// the probe: one forward pass of the base model on the set's first image (models page's probe)
	const { choice, model } = await chooseBrowserBackend(request.backend as BackendName | 'auto', {
		load: () => loadTrainable(request.entry, request.modelUrl),
		infer: async (m) => {
			const output = tf.tidy(() => m.predict(preprocessBatch([images[0]!.image], request.entry.inputSize, request.entry.preprocessing)) as tf.Tensor);
			await output.data();
			output.dispose();
		},
		dispose: (m) => m.dispose()
	});
	const backend = choice.chosen;
	const backendReason = choice.rule === 'probe' ? `${choice.reason}; a training step costs more than this forward pass on every backend` : choice.reason;
	const harmonizer = await Harmonizer.create(model, request.entry, images, request.settings);
	post({ type: 'ready', backend, backendReason, train: harmonizer.train.length, trainWithMaps: harmonizer.train.filter((i) => i.map).length, heldOut: harmonizer.heldOut.map((i) => i.image_id) });
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
		evaluate_every: request.evaluateEvery,
		steps_done: harmonizer.stepsDone,
		train_images: harmonizer.train.length,
		held_out_images: harmonizer.heldOut.map((i) => i.image_id),
		backend,
		backend_reason: backendReason,
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
