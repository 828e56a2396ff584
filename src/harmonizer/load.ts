/**
 * The base model as a trainable TF.js layers model, from the same sources the classifier loads
 * (src/inference/classifier.ts): a layers model.json (URL, IndexedDB or a folder handler), or a
 * .tflite file rebuilt as a layers model by the TFLite importer. Graph models and imported ONNX op
 * graphs hold their weights as constants, not variables, so they cannot be trained here: the
 * sentence says so.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSource } from '../inference/classifier.js';
import { importTflite } from '../inference/importers/tflite.js';
import type { ModelEntry } from '../inference/registry.js';
import { HarmonizeModelError } from './train.js';

export async function loadTrainable(entry: ModelEntry, source: ModelSource): Promise<tf.LayersModel> {
	if (entry.format === 'graph' || entry.format === 'onnx-op-graph') {
		throw new HarmonizeModelError(`${entry.id} is a ${entry.format === 'graph' ? 'TF.js graph model' : 'model imported from ONNX'}: its weights are constants, so the harmonizer cannot train it (it trains layers models: the zoo's layers and TFLite models)`);
	}
	if (entry.format === 'tflite') {
		if (typeof source === 'object' && !(source instanceof Uint8Array)) throw new HarmonizeModelError(`${entry.id}: a .tflite model loads from its URL or its bytes`);
		const bytes = source instanceof Uint8Array ? source : new Uint8Array(await (await fetch(source)).arrayBuffer());
		return (await importTflite(bytes)).model;
	}
	if (source instanceof Uint8Array) throw new HarmonizeModelError(`${entry.id}: only a .tflite model loads from bytes`);
	return tf.loadLayersModel(source);
}
