/**
 * Imports a model file (ONNX, or TFLite float or quantized) as a registry entry plus a
 * differentiable TF.js model, from a declaration of what the file does not say: name, family,
 * published top-1, preprocessing, class order, logits or probabilities. A TFLite file says some
 * of these itself - input size, whether it ends in a softmax (and its logits layer), a background
 * class (1001 outputs), and for a quantized input its scaling (then `raw`: 0..255 in) - and what
 * it says wins over the declaration. The entry goes through
 * the registry's own checks (`parseModelEntry`), so an imported model is declared exactly as a
 * zoo file is. The command line (`npm run models -- import`) writes the model folder and the
 * entry (`entry.json`) under the imported-models folder, which the app serves at
 * /model-files/imported/ (src/hooks.server.ts) and the models page lists.
 */
import type * as tf from '@tensorflow/tfjs';
import { outputAdapter } from './classes.js';
import { importOnnx } from './importers/onnx.js';
import { importTflite } from './importers/tflite.js';
import { parseModelEntry, type ModelEntry, type Preprocessing } from './registry.js';

/** Where imported models live under /model-files/ (and in the folder the server serves there). */
export const IMPORTED_PREFIX = 'imported';
/** The file listing the imported models' entries, in that folder. */
export const IMPORTED_INDEX = 'index.json';

export type ModelFileFormat = 'onnx' | 'tflite';

/** Named preprocessings for the command line and the page: what most exported models expect. */
export const PREPROCESSING_PRESETS = {
	/** torchvision / timm ImageNet models */
	imagenet: { scale: 'mean-std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channels: 'rgb' },
	/** x / 255 */
	unit: { scale: 'unit', channels: 'rgb' },
	/** x / 127.5 - 1 (TF-slim, Keras MobileNet, Inception) */
	symmetric: { scale: 'symmetric', channels: 'rgb' }
} as const satisfies Record<string, Preprocessing>;

/** The imported models' entries from an index file's text (each checked; `where` names the file). */
export function parseImportedIndex(text: string, where: string): ModelEntry[] {
	let list: unknown;
	try {
		list = JSON.parse(text);
	} catch (error) {
		throw new ModelImportError(`${where} is not valid JSON: ${(error as Error).message}`);
	}
	if (!Array.isArray(list)) throw new ModelImportError(`${where} must be a JSON list of model declarations`);
	return list.map((raw, i) => parseModelEntry(raw, `${where}, entry ${i + 1}`));
}

/** A model file that cannot be imported: the sentence names the file. */
export class ModelImportError extends Error {}

/** What a lab declares about the file (everything the registry holds except what the file says). */
export type ModelDeclaration = Pick<ModelEntry, 'id' | 'name' | 'family' | 'imagenetTop1' | 'preprocessing' | 'outputOrder' | 'outputs' | 'license' | 'upstream'>;

/** TFLite flatbuffers carry the identifier "TFL3" at bytes 4..7; anything else is read as ONNX. */
export function modelFileFormat(bytes: Uint8Array, fileName: string): ModelFileFormat {
	if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'TFL3') return 'tflite';
	if (/\.tflite$/i.test(fileName)) throw new ModelImportError(`${fileName} is named .tflite but is not a TFLite flatbuffer (no "TFL3" identifier)`);
	return 'onnx';
}

export interface ImportedModelFile {
	entry: ModelEntry;
	/** Saves itself as a TF.js model folder (any tf.io save handler) and frees its tensors. */
	model: { save(handlerOrUrl: tf.io.IOHandler | string): Promise<tf.io.SaveResult>; dispose(): void };
	/** What the importer found, for the record (opset, producer, operators). */
	details: Record<string, unknown>;
}

export async function importModelFile(bytes: Uint8Array, fileName: string, declaration: ModelDeclaration): Promise<ImportedModelFile> {
	const format = modelFileFormat(bytes, fileName);
	if (format === 'tflite') return importTfliteFile(bytes, fileName, declaration);
	// the registry's checks first, so a bad declaration is named before the file is read
	const draft = { ...declaration, format: 'onnx-op-graph', upstreamUrl: null, localDir: `${IMPORTED_PREFIX}/${declaration.id}`, inputSize: 224, logitsLayer: null, demoAccuracy: null };
	parseModelEntry(draft, `the declaration of ${fileName}`);
	const classes = outputAdapter(draft as ModelEntry).outputs;
	let imported;
	try {
		imported = await importOnnx(bytes, { classes });
	} catch (error) {
		throw new ModelImportError(`${fileName}: ${(error as Error).message}`);
	}
	const { height, width } = imported.inputSize;
	if (height !== width) {
		imported.model.dispose();
		throw new ModelImportError(`${fileName}: the model takes ${width} x ${height} images; the platform's stimuli are square, so it needs a square input`);
	}
	const entry = parseModelEntry({ ...draft, inputSize: width }, `the declaration of ${fileName}`);
	return {
		entry,
		model: imported.model,
		details: { source_format: 'onnx', file: fileName, opset: imported.opset, producer: imported.producer, source_layout: imported.sourceLayout, operators: imported.operators }
	};
}


async function importTfliteFile(bytes: Uint8Array, fileName: string, declaration: ModelDeclaration): Promise<ImportedModelFile> {
	parseModelEntry({ ...declaration, format: 'layers', upstreamUrl: null, localDir: `${IMPORTED_PREFIX}/${declaration.id}`, inputSize: 224, logitsLayer: null, demoAccuracy: null }, `the declaration of ${fileName}`);
	let imported;
	try {
		imported = await importTflite(bytes);
	} catch (error) {
		throw new ModelImportError(`${fileName}: ${(error as Error).message}`);
	}
	const fail = (why: string) => {
		imported.model.dispose();
		return new ModelImportError(`${fileName}: ${why}`);
	};
	if (imported.inputSize === null) throw fail(`the model takes input of shape [${imported.inputShape.join(', ')}], not a square colour image`);
	if (imported.outputCount !== 1000 && imported.outputCount !== 1001) throw fail(`the model outputs ${imported.outputCount} values, not the 1000 ImageNet classes (or 1001 with a background class)`);
	const entry = parseModelEntry(
		{
			...declaration,
			format: 'layers',
			upstreamUrl: null,
			localDir: `${IMPORTED_PREFIX}/${declaration.id}`,
			inputSize: imported.inputSize,
			// a quantized input is scaled by the model's first layer: it takes 0..255 as they are
			preprocessing: imported.inputQuantization ? { scale: 'raw', channels: declaration.preprocessing.channels } : declaration.preprocessing,
			outputOrder: { kind: imported.backgroundFirst ? 'background-first' : declaration.outputOrder.kind },
			outputs: imported.outputs,
			logitsLayer: imported.logitsLayer,
			demoAccuracy: null
		},
		`the declaration of ${fileName}`
	);
	return { entry, model: imported.model, details: { source_format: 'tflite', file: fileName, ...imported.metadata } };
}
