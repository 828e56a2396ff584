/** Stimulus sets and their importance maps in the database. */
import { DataError, query, rpc, type PlatformClient } from './client.js';
import type { StimulusSetManifest } from '../stimuli/manifest.js';
import type { MapSourceChoice, MapSourceKind } from '../stimuli/map-source.js';

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
	const mapSource = manifest.map_source === 'center-bias' || manifest.map_source === 'uploaded' ? { map_source: manifest.map_source } : {};
	await query(client.from('stimulus_sets').update({ levels: manifest.levels, seed: manifest.seed, manifest_sha256: manifestSha256, ...mapSource }).eq('id', setId));
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
	/** What the reveal order follows (null: recorded before sources were), and where those maps came from. */
	map_source: MapSourceKind | null;
	map_source_set_id: string | null;
	map_source_model: string | null;
	created_at: string;
}

const SET_COLUMNS = 'id, slug, name, base_url, levels, is_demo, owner_id, clickme_open, map_source, map_source_set_id, map_source_model, created_at';

/**
 * Stimulus sets the signed-in researcher may use (demo sets, their own, and those of live
 * studies), ready ones only: a set still uploading is listed nowhere. Every set selector (new
 * study, ClickMe, model runs, set builder) reads this list.
 */
export function listStimulusSets(client: PlatformClient): Promise<StimulusSetSummary[]> {
	return query<StimulusSetSummary[]>(client.from('stimulus_sets').select(SET_COLUMNS).eq('status', 'ready').order('slug'));
}

// ---------------------------------------------------------------------------------------------
// Recording a set built outside the app server (dashboard or CLI): begin, store its files,
// finish (supabase/migrations/20261130400000_own_stimulus_sets.sql checks each step).
// ---------------------------------------------------------------------------------------------

export interface NewStimulusSet {
	slug: string;
	name: string;
	description?: string;
	seed: number;
	mapSource: MapSourceChoice;
}

/** Begins a set (status building) owned by the signed-in researcher; returns its id. */
export function beginStimulusSet(client: PlatformClient, set: NewStimulusSet): Promise<string> {
	const source = set.mapSource;
	return rpc<string>(client, 'begin_stimulus_set', {
		p_set: {
			slug: set.slug,
			name: set.name,
			description: set.description ?? '',
			seed: set.seed,
			map_source: source.kind,
			map_source_set_id: source.kind === 'clickme' || source.kind === 'model' ? source.setId : null,
			map_source_model: source.kind === 'model' ? source.modelId : null,
			map_source_run_id: source.kind === 'model' ? (source.runId ?? null) : null
		}
	});
}

/** Raw bytes per request: base64 makes them 4/3 larger, well under the API's body limit (16 MiB on the stand-in). */
export const FILE_BYTES_PER_REQUEST = 4 * 1024 * 1024;

/** Base64 of bytes, in browsers and Node alike. */
export function toBase64(bytes: Uint8Array): string {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary);
}

/** Bytes of base64 text (PostgreSQL's encode() breaks lines every 76 characters: whitespace is skipped). */
export function fromBase64(text: string): Uint8Array {
	const binary = atob(text.replace(/\s+/g, ''));
	return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Stores files of a set being built (paths relative to its manifest), a few MiB per request; returns how many. */
export async function storeStimulusFiles(client: PlatformClient, setId: string, files: { path: string; bytes: Uint8Array }[]): Promise<number> {
	let stored = 0;
	for (let i = 0; i < files.length; ) {
		const batch: { path: string; base64: string }[] = [];
		let bytes = 0;
		while (i < files.length && (batch.length === 0 || bytes + files[i]!.bytes.length <= FILE_BYTES_PER_REQUEST)) {
			bytes += files[i]!.bytes.length;
			batch.push({ path: files[i]!.path, base64: toBase64(files[i]!.bytes) });
			i++;
		}
		stored += await rpc<number>(client, 'store_stimulus_files', { p_set_id: setId, p_files: batch });
	}
	return stored;
}

/** Checks the stored files against the stored manifest.json, records images and stimuli, and makes the set ready. */
export function finishStimulusSet(client: PlatformClient, setId: string): Promise<{ images: number; stimuli: number; files: number }> {
	return rpc(client, 'finish_stimulus_set', { p_set_id: setId });
}

/** A file of a ready set stored in the database (null when there is none): what the app serves at /stimuli/<slug>/<path>. */
export async function stimulusFile(client: PlatformClient, slug: string, path: string): Promise<Uint8Array | null> {
	const text = await rpc<string | null>(client, 'stimulus_file', { p_slug: slug, p_path: path });
	return text === null ? null : fromBase64(text);
}

/** Researchers: opens or closes their own set to ClickMe players. */
export async function setClickmeOpen(client: PlatformClient, setId: string, open: boolean): Promise<void> {
	const changed = await query<{ id: string }[] | null>(client.from('stimulus_sets').update({ clickme_open: open }).eq('id', setId).select('id'));
	if (!changed?.length) throw new DataError('only the owner of a stimulus set can open or close it to players', '42501', 403);
}
