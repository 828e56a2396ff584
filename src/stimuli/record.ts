/**
 * Recording a built set folder in the database as the signed-in researcher (Node only: reads the
 * folder): the same three steps as the dashboard (src/data/stimulus-sets.ts: begin, store the
 * files, finish), so both paths end in the same place - a ready set whose files the app serves at
 * /stimuli/<slug>/ - and uploaded or centre-bias maps stored as the set's importance maps.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beginStimulusSet, finishStimulusSet, importImportanceMaps, storeStimulusFiles, type PlatformClient } from '../data/index.js';
import { checkManifest, type StimulusSetManifest } from './manifest.js';
import type { MapSourceChoice } from './map-source.js';

/** Every file a manifest names, manifest.json last (finish reads it). */
export function manifestFiles(manifest: StimulusSetManifest): string[] {
	const files = manifest.images.flatMap((i) => [i.file, i.noise_file, i.map_file]);
	files.push(...manifest.stimuli.flatMap((s) => [s.file, s.mask_file]));
	return [...new Set(files), 'manifest.json'];
}

export interface RecordOptions {
	slug: string;
	name?: string;
	description?: string;
	mapSource: MapSourceChoice;
	onProgress?: (done: number, total: number) => void;
}

/** Files per upload round: the data layer packs them into requests of a few MiB. */
const FILES_PER_ROUND = 50;

export async function recordSetFolder(client: PlatformClient, dir: string, options: RecordOptions): Promise<{ id: string; images: number; stimuli: number; files: number }> {
	const manifest = checkManifest(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')));
	const files = manifestFiles(manifest);
	const id = await beginStimulusSet(client, { slug: options.slug, name: options.name ?? options.slug, description: options.description, seed: manifest.seed, mapSource: options.mapSource });
	for (let i = 0; i < files.length; i += FILES_PER_ROUND) {
		const round = await Promise.all(files.slice(i, i + FILES_PER_ROUND).map(async (file) => ({ path: file, bytes: new Uint8Array(await readFile(path.join(dir, file))) })));
		await storeStimulusFiles(client, id, round);
		options.onProgress?.(Math.min(files.length, i + FILES_PER_ROUND), files.length);
	}
	const counts = await finishStimulusSet(client, id);
	if (manifest.map_source === 'uploaded' || manifest.map_source === 'center-bias') {
		const maps = await Promise.all(manifest.images.map(async (image) => ({
			image_id: image.image_id,
			width: image.width,
			height: image.height,
			png: new Uint8Array(await readFile(path.join(dir, image.map_file))),
			params: manifest.map_source === 'center-bias' ? { kind: 'gaussian', note: 'center-bias placeholder, not human data' } : {}
		})));
		await importImportanceMaps(client, id, manifest.map_source, maps);
	}
	return { id, ...counts };
}
