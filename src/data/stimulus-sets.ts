/** Stimulus sets and their importance maps in the database. */
import { DataError, query, type PlatformClient } from './client.js';
import type { StimulusSetManifest } from '../stimuli/manifest.js';

/**
 * Records a built stimulus set in the database: its levels and manifest hash, its images and
 * its stimuli (ids from the manifest, so importing again updates rather than duplicates).
 * Needs a client that may write the set: the service role, or the set's owner for new rows.
 */
export async function importStimulusSet(
	client: PlatformClient,
	setId: string,
	manifest: StimulusSetManifest,
	manifestSha256: string
): Promise<{ images: number; stimuli: number }> {
	await query(client.from('stimulus_sets').update({ levels: manifest.levels, seed: manifest.seed, manifest_sha256: manifestSha256 }).eq('id', setId));
	const images = manifest.images.map((image) => ({
		set_id: setId,
		image_id: image.image_id,
		category: image.category,
		imagenet_classes: image.imagenet_classes,
		file: image.file,
		width: image.width,
		height: image.height,
		author: image.attribution?.author ?? '',
		license: image.attribution?.license ?? '',
		source: image.attribution?.source ?? ''
	}));
	await query(client.from('images').upsert(images, { onConflict: 'set_id,image_id' }));
	const stimuli = manifest.stimuli.map((s) => ({
		id: s.id,
		set_id: setId,
		image_id: s.image_id,
		level_index: s.level_index,
		reveal: s.reveal,
		revealed_pixels: s.revealed_pixels,
		shift_x: s.shift_x,
		shift_y: s.shift_y,
		file: s.file,
		mask_file: s.mask_file,
		sha256: s.sha256
	}));
	for (let i = 0; i < stimuli.length; i += 1000) {
		await query(client.from('stimuli').upsert(stimuli.slice(i, i + 1000), { onConflict: 'id' }));
	}
	return { images: images.length, stimuli: stimuli.length };
}

export interface ImportanceMapRow {
	image_id: string;
	width: number;
	height: number;
	/** Grayscale PNG bytes (brighter = more important). */
	png: Uint8Array;
	n_observers?: number | null;
	reliability?: number | null;
	params?: Record<string, unknown>;
}

const toByteaHex = (bytes: Uint8Array) => '\\x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A map as the database takes it: PNG as bytea hex, absent fields as null / {}. */
export const mapForDb = (m: ImportanceMapRow) => ({
	image_id: m.image_id,
	width: m.width,
	height: m.height,
	png: toByteaHex(m.png),
	n_observers: m.n_observers ?? null,
	reliability: m.reliability ?? null,
	params: m.params ?? {}
});

/** Maps per request: 16-bit PNGs double in size as bytea hex, so 20 keep a request well under the body limit. */
export const MAPS_PER_REQUEST = 20;

/** Stores (or replaces) one map per image for a source such as center-bias or model:<id>. */
export async function importImportanceMaps(client: PlatformClient, setId: string, source: string, maps: ImportanceMapRow[]): Promise<number> {
	const rows = maps.map((m) => ({ set_id: setId, source, ...mapForDb(m) }));
	for (let i = 0; i < rows.length; i += MAPS_PER_REQUEST) {
		await query(client.from('importance_maps').upsert(rows.slice(i, i + MAPS_PER_REQUEST), { onConflict: 'set_id,image_id,source' }));
	}
	return rows.length;
}

/** The maps of one source for a set, PNG bytes decoded from PostgREST's bytea hex. */
export async function importanceMapsOf(client: PlatformClient, setId: string, source: string): Promise<ImportanceMapRow[]> {
	const rows = await query<(Omit<ImportanceMapRow, 'png'> & { png: string })[]>(
		client.from('importance_maps').select('image_id, width, height, png, n_observers, reliability, params').eq('set_id', setId).eq('source', source).order('image_id')
	);
	return rows.map((row) => {
		const hex = row.png.startsWith('\\x') ? row.png.slice(2) : row.png;
		return { ...row, png: Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)) };
	});
}

export interface StimulusSetSummary {
	id: string;
	slug: string;
	name: string;
	base_url: string;
	levels: number[];
	is_demo: boolean;
	owner_id: string | null;
	/** Open to ClickMe players (demo sets always are). */
	clickme_open: boolean;
}

/** Stimulus sets the signed-in researcher may use (demo sets and their own). */
export function listStimulusSets(client: PlatformClient): Promise<StimulusSetSummary[]> {
	return query<StimulusSetSummary[]>(client.from('stimulus_sets').select('id, slug, name, base_url, levels, is_demo, owner_id, clickme_open').order('slug'));
}

/** Researchers: opens or closes their own set to ClickMe players. */
export async function setClickmeOpen(client: PlatformClient, setId: string, open: boolean): Promise<void> {
	const changed = await query<{ id: string }[] | null>(client.from('stimulus_sets').update({ clickme_open: open }).eq('id', setId).select('id'));
	if (!changed?.length) throw new DataError('only the owner of a stimulus set can open or close it to players', '42501', 403);
}
