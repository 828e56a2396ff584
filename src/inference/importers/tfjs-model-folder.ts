/**
 * Writes a TF.js model as a model folder: `model.json` (topology, weights manifest, user-defined
 * metadata) and weight shards `group1-shardKofN.bin` of at most 4 MiB each (the TF.js converter's
 * default shard size), the layout `tf.loadLayersModel` and `folderModelHandler` (node.ts) read.
 * Node only (it writes files); the importers themselves run in the browser too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const SHARD_BYTES = 4 * 1024 * 1024;

export interface WrittenModelFolder {
	dir: string;
	/** File names written, model.json first. */
	files: string[];
	weightBytes: number;
}

/** Saves `model` into `dir` (created if missing). `metadata` goes into model.json's userDefinedMetadata, beside what the model already carries. */
export async function writeTfjsModelFolder(model: tf.LayersModel, dir: string, metadata: Record<string, unknown> = {}): Promise<WrittenModelFolder> {
	let artifacts: tf.io.ModelArtifacts | undefined;
	await model.save(
		tf.io.withSaveHandler(async (a) => {
			artifacts = a;
			return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
		})
	);
	if (!artifacts?.weightSpecs || artifacts.weightData === undefined) throw new Error('the model gave no weights to save');
	const data = concatWeightData(artifacts.weightData);
	const shardCount = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
	const shards = Array.from({ length: shardCount }, (_, i) => `group1-shard${i + 1}of${shardCount}.bin`);
	const json = {
		format: artifacts.format ?? 'layers-model',
		generatedBy: artifacts.generatedBy,
		convertedBy: artifacts.convertedBy ?? 'see-like-people importer',
		modelTopology: artifacts.modelTopology,
		weightsManifest: [{ paths: shards, weights: artifacts.weightSpecs }],
		userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), ...metadata }
	};
	await mkdir(dir, { recursive: true });
	await writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
	for (let i = 0; i < shardCount; i++) {
		await writeFile(path.join(dir, shards[i]!), data.subarray(i * SHARD_BYTES, Math.min(data.byteLength, (i + 1) * SHARD_BYTES)));
	}
	return { dir, files: ['model.json', ...shards], weightBytes: data.byteLength };
}

function concatWeightData(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
	const parts = Array.isArray(data) ? data : [data];
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let offset = 0;
	for (const p of parts) {
		out.set(new Uint8Array(p), offset);
		offset += p.byteLength;
	}
	return out;
}
