/**
 * Node only: a TF.js save handler that writes a model folder - `model.json` (format, topology,
 * weights manifest, user-defined metadata) and weight shards `group1-shardKofN.bin` of at most
 * 4 MiB each (the TF.js converter's default shard size) - the layout `tf.loadLayersModel` and
 * `folderModelHandler` (../node.ts) read back. Works for any model TF.js can save (layers, graph,
 * or an imported ONNX op graph); the importers themselves run in the browser too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';

export const SHARD_BYTES = 4 * 1024 * 1024;

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

/** `metadata` goes into model.json's userDefinedMetadata, beside what the model already carries. */
export function folderSaveHandler(dir: string, metadata: Record<string, unknown> = {}): tf.io.IOHandler {
	return {
		async save(artifacts) {
			await mkdir(dir, { recursive: true });
			const weights = concatWeightData(artifacts.weightData);
			const count = Math.max(1, Math.ceil(weights.byteLength / SHARD_BYTES));
			const shards = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
			const json = JSON.stringify({
				format: artifacts.format,
				generatedBy: artifacts.generatedBy,
				convertedBy: artifacts.convertedBy ?? 'see-like-people importer',
				modelTopology: artifacts.modelTopology,
				weightsManifest: [{ paths: shards, weights: artifacts.weightSpecs ?? [] }],
				userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), ...metadata }
			});
			await writeFile(path.join(dir, 'model.json'), json);
			for (const [i, shard] of shards.entries()) await writeFile(path.join(dir, shard), weights.subarray(i * SHARD_BYTES, Math.min(weights.byteLength, (i + 1) * SHARD_BYTES)));
			return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: json.length, weightDataBytes: weights.byteLength } };
		}
	};
}
