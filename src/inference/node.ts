/**
 * Node-only helpers: load a model from a folder (model.json + weight shards) without
 * tfjs-node, and pick the fastest backend Node has here (WASM, else CPU). The folder's default
 * is `defaultModelDir()` in model-dir.ts.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBestBackend } from './backends.js';
import type { ModelEntry } from './registry.js';

/**
 * Where a registered model loads from in a local model folder (MODEL_DIR, ../shared/models): a
 * .tflite model's file bytes (its localDir is the file), any other model's folder handler.
 */
export function localModelSource(entry: ModelEntry, modelDir: string): tf.io.IOHandler | Uint8Array {
	const where = path.join(modelDir, entry.localDir ?? entry.id);
	return entry.format === 'tflite' ? new Uint8Array(readFileSync(where)) : folderModelHandler(where);
}

/** An IOHandler reading `dir/model.json` and its weight files, in manifest order. */
export function folderModelHandler(dir: string): tf.io.IOHandler {
	return {
		async load() {
			const manifestFile = path.join(dir, 'model.json');
			let json: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]; format?: string; generatedBy?: string; convertedBy?: string };
			try {
				json = JSON.parse(await readFile(manifestFile, 'utf8'));
			} catch (error) {
				throw new Error(`cannot read ${manifestFile}: ${(error as Error).message}`);
			}
			const buffers: Buffer[] = [];
			const weightSpecs: tf.io.WeightsManifestEntry[] = [];
			for (const group of json.weightsManifest) {
				for (const file of group.paths) buffers.push(await readFile(path.join(dir, file)));
				weightSpecs.push(...group.weights);
			}
			const all = Buffer.concat(buffers);
			return {
				modelTopology: json.modelTopology,
				weightSpecs,
				weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
				format: json.format,
				generatedBy: json.generatedBy,
				convertedBy: json.convertedBy
			};
		}
	};
}

/** WASM when it initializes (the fastest in Node without native bindings), else CPU: `selectBestBackend` limited to the two. */
export async function useFastestNodeBackend(preferred?: 'wasm' | 'cpu'): Promise<'wasm' | 'cpu'> {
	return (await selectBestBackend(preferred ? [preferred] : ['wasm', 'cpu'])) as 'wasm' | 'cpu';
}
