/**
 * Node only: a TF.js save handler that writes a model folder - `model.json` (topology, format and
 * weights manifest) and one weights file `group1-shard1of1.bin` - the layout `folderModelHandler`
 * (../node.ts) reads back. Works for any model TF.js can save (layers, graph, or an imported
 * ONNX op graph).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

function concatWeightData(data: tf.io.WeightData | undefined): Uint8Array {
	if (!data) return new Uint8Array();
	const parts = Array.isArray(data) ? data : [data];
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let offset = 0;
	for (const p of parts) {
		out.set(new Uint8Array(p), offset);
		offset += p.byteLength;
	}
	return out;
}

export function folderSaveHandler(dir: string): tf.io.IOHandler {
	return {
		async save(artifacts) {
			await mkdir(dir, { recursive: true });
			const weights = concatWeightData(artifacts.weightData);
			const manifest = {
				format: artifacts.format,
				generatedBy: artifacts.generatedBy,
				convertedBy: artifacts.convertedBy ?? null,
				modelTopology: artifacts.modelTopology,
				weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }]
			};
			const json = JSON.stringify(manifest);
			await writeFile(path.join(dir, 'model.json'), json);
			await writeFile(path.join(dir, WEIGHTS_FILE), weights);
			return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: json.length, weightDataBytes: weights.byteLength } };
		}
	};
}
