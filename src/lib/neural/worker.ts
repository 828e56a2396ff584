/**
 * The neural-predictivity worker: for each chosen model, features from every spatial layer
 * (src/neural/features.ts, the registry's preprocessing), pooled to a grid and kept in the feature
 * cache (feature-cache.ts: memory and IndexedDB, so a second analysis of the same model and
 * dataset recomputes none, after a reload too), then per layer either
 * - the spatial fit (src/neural/spatial.ts; features pooled to the recordings' grid), or
 * - the standard Brain-Score variant (src/neural/brainscore.ts; features block-averaged to the
 *   chosen feature grid and flattened, features.ts `flatFeatures`),
 * posting progress per model and layer; `cancel` stops after the layer. The backend is the fastest
 * in a measured probe of the first model (a software WebGPU adapter is correct but far slower than
 * WASM, ../shared/notes/measured-here.md), kept for the worker's life.
 */
/// <reference lib="webworker" />
import type { BackendName } from '../../inference/backends.js';
import { chooseBrowserBackend, useBrowserBackend } from '../../inference/browser-backends.js';
import { loadClassifier, type Classifier } from '../../inference/classifier.js';
import type { ModelEntry } from '../../inference/registry.js';
import { brainScore, brainScoreReport, type BrainScoreResult } from '../../neural/brainscore.js';
import { featureLayers, flatFeatures, layerFeatures, type FeatureLayer } from '../../neural/features.js';
import { spatialReport } from '../../neural/report.js';
import { neuronCeilings, scoreLayer, type GridFeatures, type LayerScore } from '../../neural/spatial.js';
import type { RgbImage } from '../../stimuli/image.js';
import { cachedFeatures, featureKey, keepFeatures } from './feature-cache.js';
import type { AnalyseRequest, ModelResult, NeuralMessage, NeuralRequest } from './protocol.js';

const post = (message: NeuralMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);
let cancelled = false;
/** The backend the first model's measured probe chose (WASM here, not a software WebGPU), kept for the worker's life. */
let backend: BackendName | null = null;

/** The model on the fastest backend: probed once (`chooseBrowserBackend`, timing the first image), then reused. */
async function loadOnBackend(entry: ModelEntry, url: string, probe: RgbImage): Promise<Classifier> {
	if (backend) {
		await useBrowserBackend(backend);
		return loadClassifier(entry, url);
	}
	const { choice, model } = await chooseBrowserBackend('auto', { load: () => loadClassifier(entry, url), infer: (c) => c.classify([probe]), dispose: (c) => c.dispose() });
	backend = choice.chosen;
	post({ type: 'backend', backend });
	return model;
}

async function decode(bytes: Uint8Array, name: string): Promise<RgbImage> {
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
	} catch {
		throw new Error(`image ${name} could not be decoded (PNG, JPEG or WebP expected)`);
	}
	const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
	const context = canvas.getContext('2d')!;
	context.drawImage(bitmap, 0, 0);
	const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
	const data = new Uint8Array(bitmap.width * bitmap.height * 3);
	for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) [data[j], data[j + 1], data[j + 2]] = [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
	return { width: bitmap.width, height: bitmap.height, data };
}

/** Mean over neurons of rows x neurons data, per row. */
function meanOverNeurons(data: ArrayLike<number>, offset: number, cells: number, neurons: number): Float64Array {
	const out = new Float64Array(cells);
	for (let i = 0; i < cells; i++) {
		let s = 0;
		for (let n = 0; n < neurons; n++) s += data[offset + i * neurons + n]!;
		out[i] = s / neurons;
	}
	return out;
}

/** Scores one layer's features; `finish` assembles the model's result from all layers. */
interface Fit {
	grid: number;
	score(layer: string, features: GridFeatures): LayerScore | BrainScoreResult;
	finish(): ModelResult;
}

function spatialFit(request: Extract<AnalyseRequest, { kind: 'spatial' }>): () => Fit {
	const { rec, correlation, components } = request;
	const cells = rec.grid * rec.grid;
	const ceilings = neuronCeilings(rec, correlation);
	const recorded = Array.from({ length: rec.images }, (_, t) => meanOverNeurons(rec.data, t * cells * rec.neurons, cells, rec.neurons));
	return () => {
		const scores: Record<string, LayerScore> = {};
		const predictedByLayer: Record<string, Float64Array[]> = {};
		return {
			grid: rec.grid,
			score(layer, features) {
				const predicted: Float64Array[] = [];
				scores[layer] = scoreLayer(rec, features, ceilings, { correlation, components }, (_, p) => predicted.push(meanOverNeurons(p, 0, cells, rec.neurons)));
				predictedByLayer[layer] = predicted;
				return scores[layer];
			},
			finish() {
				const report = spatialReport(scores, ceilings, rec.images, { correlation, components });
				return { kind: 'spatial', report, maps: { recorded, predicted: report.best_layer ? predictedByLayer[report.best_layer]! : [] } };
			}
		};
	};
}

function presentationFit(request: Extract<AnalyseRequest, { kind: 'presentation' }>): () => Fit {
	const { rec, components, featureGrid } = request;
	return () => {
		const results: Record<string, BrainScoreResult> = {};
		return {
			grid: featureGrid,
			score: (layer, features) => (results[layer] = brainScore(rec, flatFeatures(features), { components })),
			finish: () => ({ kind: 'presentation', report: brainScoreReport(results, { components, featureGrid }) })
		};
	};
}

async function analyse(request: AnalyseRequest) {
	cancelled = false;
	const images = await Promise.all(request.images.map((i) => decode(i.bytes, i.name)));
	const newFit = request.kind === 'spatial' ? spatialFit(request) : presentationFit(request);
	for (const { entry, url } of request.models) {
		const fit = newFit();
		const classifier = await loadOnBackend(entry, url, images[0]!);
		try {
			let layers: FeatureLayer[] = await featureLayers(classifier, images[0]!);
			if (request.layers) layers = layers.filter((l) => request.layers!.some((w) => l.name === w || l.name.includes(w)));
			if (layers.length === 0) throw new Error(`${entry.id} has no spatial layer matching ${request.layers?.join(', ')}`);
			post({ type: 'layers', model: entry.id, layers: layers.map((l) => l.name) });
			for (const [index, layer] of layers.entries()) {
				if (cancelled) return post({ type: 'cancelled' });
				const started = performance.now();
				const key = featureKey(entry, request.datasetKey, fit.grid, layer.name);
				const hit = await cachedFeatures(key);
				const features = hit ?? (await layerFeatures(classifier, images, layer, fit.grid));
				if (!hit) await keepFeatures(key, features);
				const score = fit.score(layer.name, features);
				post({ type: 'layer', model: entry.id, layer: layer.name, index, total: layers.length, score, cached: Boolean(hit), ms: performance.now() - started });
			}
			post({ type: 'model-done', model: entry.id, result: fit.finish() });
		} finally {
			classifier.dispose();
		}
	}
	post({ type: 'done' });
}

self.onmessage = (event: MessageEvent<NeuralRequest>) => {
	const request = event.data;
	if (request.type === 'cancel') cancelled = true;
	else analyse(request).catch((error: Error) => post({ type: 'error', message: error.message }));
};
