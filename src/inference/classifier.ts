/**
 * load(entry, source) -> Classifier: a loaded model with a small interface, in the spirit of
 * tfjs-models. It checks the model really outputs ImageNet-1k classes (as many values as its
 * output order's adapter expects), gives predictions in the standard order (classes.ts) - the
 * stimulus set's task turns them into answers, in run.ts - and saliency maps as the Harmonization
 * code computes them (saliency.ts says which file and function it follows):
 *   x = preprocessBatch([image]) (half-pixel bilinear resize to the model's input, then scaling),
 *   saliency = max over colour channels of |d logit_target / d x|, inputSize x inputSize,
 * with the gradient taken w.r.t. that preprocessed model-input tensor (no resize is
 * differentiated). `saliencyAtStimulus` (saliency.ts) then brings the map to the stimulus.
 * WASM lacks some gradient kernels: Conv2DBackpropFilter gets a WASM kernel of its own
 * (wasm-conv-gradient.ts; tfjs's fused convolutions compute it even though saliency discards it),
 * the rest run on the CPU backend through wasm-bridge.ts. In Node on WASM a map takes about 0.3 s
 * (mobilenet-v1-0.25) and 1.2 s (darknet-tiny) here, against 11 s and 100 s with the CPU kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../stimuli/image.js';
import { outputAdapter, predict, type Prediction } from './classes.js';
import { loadOnnxGraphModel, OnnxGraphModel } from './importers/onnx-graph.js';
import { importTflite } from './importers/tflite.js';
import { preprocessBatch } from './preprocess.js';
import type { ModelEntry } from './registry.js';
import { chooseTarget, type Saliency } from './saliency.js';
import { withWasmBridges } from './wasm-bridge.js';

export interface Classifier {
	readonly entry: ModelEntry;
	/** Predictions (standard-order probabilities, top 5) for a batch of images (any size; resized to the model's input). */
	classify(images: readonly RgbImage[]): Promise<Prediction[]>;
	/**
	 * Saliency at the model's input (inputSize x inputSize) for the image's ImageNet classes
	 * `targets` (standard indices; the highest-scoring of them), or the top class when none are given.
	 */
	saliency(image: RgbImage, targets?: readonly number[]): Promise<Saliency>;
	/** The model's layers in order (for neural predictivity and concept extraction). */
	layers(): LayerInfo[];
	/**
	 * One layer's activations for a batch (images preprocessed as for classify), copied out of
	 * TF.js: nothing stays allocated. `shape` is [images, ...the layer's output shape].
	 */
	activations(images: readonly RgbImage[], layer: string): Promise<Activations>;
	dispose(): void;
}

export interface LayerInfo {
	name: string;
	/** The layer's class (Conv2D, Dense, ...) or, in a graph model, its op. */
	kind: string;
	/** Output shape without the batch dimension (null where a graph model does not say). */
	shape: number[] | null;
}

export interface Activations {
	layer: string;
	shape: number[];
	data: Float32Array;
}

/** A layer the model does not have: the sentence lists a few it does. */
export class UnknownLayerError extends Error {}

/** Layer listing and activations of a loaded model: layers models by sub-model, graph models and imported ONNX graphs by node (output) name. */
function layerAccess(entry: ModelEntry, model: LoadedModel, size: number) {
	const subModels = new Map<string, tf.LayersModel>(); // share the model's weights: never disposed on their own
	const layers = (): LayerInfo[] => {
		if (model instanceof tf.LayersModel) {
			return model.layers.map((l) => {
				const shape = (Array.isArray(l.outputShape[0]) ? l.outputShape[0] : l.outputShape) as (number | null)[];
				return { name: l.name, kind: l.getClassName(), shape: shape.slice(1).map((d) => d ?? -1) };
			});
		}
		if (model instanceof OnnxGraphModel) return model.topology.nodes.map((n) => ({ name: n.outputs[0]!, kind: n.op, shape: null }));
		// a graph model's nodes are in its artifacts' GraphDef (tfjs keeps the field private; it is the loaded model.json)
		const artifacts = (model as unknown as { artifacts?: tf.io.ModelArtifacts }).artifacts;
		const nodes = (artifacts?.modelTopology as { node?: { name: string; op: string }[] } | undefined)?.node ?? [];
		return nodes.filter((n) => n.op !== 'Const').map((n) => ({ name: n.name, kind: n.op, shape: null }));
	};
	const unknown = (layer: string) => {
		const names = layers().map((l) => l.name);
		return new UnknownLayerError(`${entry.id} has no layer "${layer}" (it has ${names.length}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''})`);
	};
	const activations = async (images: readonly RgbImage[], layer: string): Promise<Activations> => {
		let output: tf.Tensor;
		if (model instanceof tf.LayersModel) {
			let sub = subModels.get(layer);
			if (!sub) {
				let symbolic: tf.SymbolicTensor;
				try {
					symbolic = model.getLayer(layer).output as tf.SymbolicTensor;
				} catch {
					throw unknown(layer);
				}
				sub = tf.model({ inputs: model.inputs, outputs: symbolic });
				subModels.set(layer, sub);
			}
			output = tf.tidy(() => sub!.predict(preprocessBatch(images, size, entry.preprocessing)) as tf.Tensor);
		} else if (model instanceof OnnxGraphModel) {
			if (!layers().some((l) => l.name === layer)) throw unknown(layer);
			output = tf.tidy(() => model.execute(preprocessBatch(images, size, entry.preprocessing), [layer])[0]!);
		} else {
			if (!layers().some((l) => l.name === layer)) throw unknown(layer);
			output = tf.tidy(() => (model as tf.GraphModel).execute(preprocessBatch(images, size, entry.preprocessing), layer) as tf.Tensor);
		}
		try {
			return { layer, shape: output.shape, data: Float32Array.from(await output.data()) };
		} finally {
			output.dispose();
		}
	};
	return { layers, activations };
}

export class ModelLoadError extends Error {}

async function fetchOk(url: string): Promise<Response> {
	const response = await fetch(url);
	if (!response.ok) throw new Error(`${url} answered ${response.status}`);
	return response;
}

/** What the classifier runs: a TF.js layers or graph model, or a model imported from ONNX. */
type LoadedModel = tf.LayersModel | tf.GraphModel | OnnxGraphModel;
/** Anything with predict(x) -> tensor: the model, or the part of it that ends at the logits. */
type Predictor = { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] | tf.NamedTensorMap };

/** Where a model loads from: a URL, a TF.js IO handler, or (a .tflite model) the file's bytes. */
export type ModelSource = string | tf.io.IOHandler | Uint8Array;

async function loadModel(entry: ModelEntry, source: ModelSource): Promise<LoadedModel> {
	if (entry.format === 'tflite') {
		if (typeof source === 'object' && !(source instanceof Uint8Array)) throw new Error('a .tflite model loads from its URL or its bytes');
		const bytes = source instanceof Uint8Array ? source : new Uint8Array(await (await fetchOk(source)).arrayBuffer());
		return (await importTflite(bytes)).model;
	}
	if (source instanceof Uint8Array) throw new Error('only a .tflite model loads from bytes');
	if (entry.format === 'layers') return tf.loadLayersModel(source);
	if (entry.format === 'onnx-op-graph') return loadOnnxGraphModel(source);
	return tf.loadGraphModel(source);
}

export async function loadClassifier(entry: ModelEntry, source: ModelSource): Promise<Classifier> {
	let model: LoadedModel;
	try {
		model = await loadModel(entry, source);
	} catch (error) {
		throw new ModelLoadError(`could not load ${entry.id} from ${typeof source === 'string' ? source : 'its files'}: ${(error as Error).message}`);
	}
	let logitsModel: Predictor = model;
	if (entry.logitsLayer) {
		const layer = entry.logitsLayer;
		if (model instanceof OnnxGraphModel) {
			const onnx = model;
			if (!onnx.topology.nodes.some((n) => n.outputs.includes(layer))) throw new ModelLoadError(`${entry.id}: no value "${layer}" in the ONNX graph for the logits`);
			logitsModel = { predict: (x) => onnx.execute(x, [layer])[0]! };
		} else if (!(model instanceof tf.LayersModel)) {
			throw new ModelLoadError(`${entry.id}: logitsLayer needs a layers model or an imported ONNX graph`);
		} else {
			try {
				logitsModel = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).output as tf.SymbolicTensor });
			} catch (error) {
				throw new ModelLoadError(`${entry.id}: no layer "${layer}" for the logits (${(error as Error).message})`);
			}
		}
	}
	const size = entry.inputSize;
	const adapter = outputAdapter(entry);
	const run = (m: Predictor, x: tf.Tensor) => (m.predict(x) as tf.Tensor).reshape([x.shape[0]!, -1]);

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
		...layerAccess(entry, model, size),
		async classify(images) {
			if (images.length === 0) return [];
			const output = tf.tidy(() => run(model, preprocessBatch(images, size, entry.preprocessing)));
			const values = await output.data(); // never dataSync(): it lost the WebGPU device
			output.dispose();
			return images.map((_, i) => predict(values.subarray(i * outputs, (i + 1) * outputs), entry));
		},
		saliency(image, targets) {
			return withWasmBridges(async () => {
				const input = preprocessBatch([image], size, entry.preprocessing); // the model-input tensor x
				try {
					const logits = tf.tidy(() => run(logitsModel, input));
					const scores = await logits.data();
					logits.dispose();
					const { target, target_rule } = chooseTarget(targets, (c) => scores[adapter.modelIndex(c)]!);
					const index = adapter.modelIndex(target);
					const gradient = tf.tidy(() => {
						const logit = (x: tf.Tensor) => run(logitsModel, x).slice([0, index], [1, 1]).sum();
						return maxAbsOverChannels(tf.grad(logit)(input) as tf.Tensor4D);
					});
					const data = Float64Array.from(await gradient.data());
					gradient.dispose();
					return { map: { width: size, height: size, data }, target, target_rule, image: { width: image.width, height: image.height } };
				} finally {
					input.dispose();
				}
			});
		},
		dispose() {
			model.dispose();
		}
	};
}

/** [1, H, W, C] gradient -> [H, W]: max over c of |g_ijc| (xplique Saliency's reducer). */
export function maxAbsOverChannels(gradient: tf.Tensor4D): tf.Tensor2D {
	return tf.tidy(() => gradient.abs().max(-1).squeeze([0]) as tf.Tensor2D);
}

export type { Prediction, Saliency };
