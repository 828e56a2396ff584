/**
 * load(entry, source) -> Classifier: a loaded model with a small interface, in the spirit of
 * tfjs-models. It checks the model really outputs ImageNet-1k classes (as many values as its
 * output order's adapter expects), gives predictions in the standard order (classes.ts) - the
 * stimulus set's task turns them into answers, in run.ts - and saliency maps:
 *   saliency(x) = max over colour channels of |d logit_target / d x|, with x the stimulus as
 *   given (its own resolution, 0..255), differentiated through resizing and scaling - the
 *   Harmonization code's definition. The target is the listed class the model scores highest.
 * WASM lacks some gradient kernels: Conv2DBackpropFilter gets a WASM kernel of its own
 * (wasm-conv-gradient.ts; tfjs's fused convolutions compute it even though saliency discards it),
 * the rest run on the CPU backend through wasm-bridge.ts. In Node on WASM a map takes about 0.3 s
 * (mobilenet-v1-0.25) and 1.2 s (darknet-tiny) here, against 11 s and 100 s with the CPU kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImportanceMap } from '../stimuli/importance-map.js';
import type { RgbImage } from '../stimuli/image.js';
import { outputAdapter, predict, type Prediction } from './classes.js';
import { preprocessBatch, preprocessTensor } from './preprocess.js';
import type { ModelEntry } from './registry.js';
import { withWasmBridges } from './wasm-bridge.js';

export interface Classifier {
	readonly entry: ModelEntry;
	/** Predictions (standard-order probabilities, top 5) for a batch of images (any size; resized to the model's input). */
	classify(images: readonly RgbImage[]): Promise<Prediction[]>;
	/** Saliency at the image's resolution for the best-scoring of `targets` (standard indices), or the top class. */
	saliency(image: RgbImage, targets?: readonly number[]): Promise<{ map: ImportanceMap; target: number }>;
	dispose(): void;
}

export class ModelLoadError extends Error {}

export async function loadClassifier(entry: ModelEntry, source: string | tf.io.IOHandler): Promise<Classifier> {
	let model: tf.LayersModel | tf.GraphModel;
	try {
		model = entry.format === 'layers' ? await tf.loadLayersModel(source) : await tf.loadGraphModel(source);
	} catch (error) {
		throw new ModelLoadError(`could not load ${entry.id} from ${typeof source === 'string' ? source : 'its files'}: ${(error as Error).message}`);
	}
	let logitsModel: tf.LayersModel | tf.GraphModel = model;
	if (entry.logitsLayer) {
		if (!(model instanceof tf.LayersModel)) throw new ModelLoadError(`${entry.id}: logitsLayer needs a layers model`);
		try {
			logitsModel = tf.model({ inputs: model.inputs, outputs: model.getLayer(entry.logitsLayer).output as tf.SymbolicTensor });
		} catch (error) {
			throw new ModelLoadError(`${entry.id}: no layer "${entry.logitsLayer}" for the logits (${(error as Error).message})`);
		}
	}
	const size = entry.inputSize;
	const adapter = outputAdapter(entry);
	const run = (m: tf.LayersModel | tf.GraphModel, x: tf.Tensor) => (m.predict(x) as tf.Tensor).reshape([x.shape[0]!, -1]);

	// The output must be the ImageNet-1k classes (plus background where declared).
	const probe = tf.tidy(() => run(model, tf.zeros([1, size, size, 3])));
	const outputs = probe.shape[1];
	probe.dispose();
	if (outputs !== adapter.outputs) {
		model.dispose();
		throw new ModelLoadError(`${entry.id} outputs ${outputs} values, not the ${adapter.outputs} ImageNet-1k classes the platform compares`);
	}

	return {
		entry,
		async classify(images) {
			if (images.length === 0) return [];
			const output = tf.tidy(() => run(model, preprocessBatch(images, size, entry.preprocessing)));
			const values = await output.data(); // never dataSync(): it lost the WebGPU device
			output.dispose();
			return images.map((_, i) => predict(values.subarray(i * outputs, (i + 1) * outputs), entry));
		},
		saliency(image, targets) {
			return withWasmBridges(async () => {
				const logits = tf.tidy(() => run(logitsModel, preprocessBatch([image], size, entry.preprocessing)));
				const scores = await logits.data();
				logits.dispose();
				const candidates = targets?.length ? targets : [...Array(1000).keys()];
				const target = candidates.reduce((best, c) => (scores[adapter.modelIndex(c)]! > scores[adapter.modelIndex(best)]! ? c : best), candidates[0]!);
				const index = adapter.modelIndex(target);
				const gradient = tf.tidy(() => {
					const pixels = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32').toFloat();
					const logit = (x: tf.Tensor) => {
						const scaled = preprocessTensor(x as tf.Tensor4D, size, entry.preprocessing);
						return run(logitsModel, scaled).slice([0, index], [1, 1]).sum();
					};
					return tf.grad(logit)(pixels).abs().max(-1).squeeze() as tf.Tensor2D;
				});
				const data = Float64Array.from(await gradient.data());
				gradient.dispose();
				return { map: { width: image.width, height: image.height, data }, target };
			});
		},
		dispose() {
			model.dispose();
		}
	};
}

export type { Prediction };
