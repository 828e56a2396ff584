/**
 * Neural datasets (issue 18, supabase/migrations/20261201050000_neural_datasets.sql): what a dataset is, as rows the owner reads
 * under row-level security, and its bytes (the responses as a float32 .npy, the stimulus images)
 * through checked functions. Two kinds: spatial, R[image, gy, gx, neuron] (grid set), and
 * presentation, R[repetition, image, neuroid] (repetitions set, optional labels per image).
 */
import { query, rpc, type PlatformClient } from './client.js';
import { fromBase64, toBase64 } from './stimulus-sets.js';

export type NeuralDatasetFormat = 'npy' | 'mat-v5' | 'mat-v73' | 'netcdf3' | 'netcdf4';
export type NeuralDatasetKind = 'spatial' | 'presentation';

export interface NeuralDatasetRow {
	id: string;
	name: string;
	area: string;
	kind: NeuralDatasetKind;
	/** Spatial datasets only (null for presentation ones). */
	grid: number | null;
	/** Presentation datasets only (null for spatial ones). */
	repetitions: number | null;
	neurons: number;
	image_names: string[];
	/** Presentation datasets: each image's category (stratifies the splits), or null. */
	image_labels: string[] | null;
	time_start_ms: number | null;
	time_end_ms: number | null;
	synthetic: boolean;
	source_format: NeuralDatasetFormat;
	created_at: string;
}

const COLUMNS = 'id, name, area, kind, grid, repetitions, neurons, image_names, image_labels, time_start_ms, time_end_ms, synthetic, source_format, created_at';

export interface NewNeuralDataset {
	name: string;
	area: string;
	/** spatial: `grid`; presentation: `repetitions` and optional `imageLabels`. */
	kind: NeuralDatasetKind;
	grid?: number;
	repetitions?: number;
	neurons: number;
	imageNames: string[];
	imageLabels?: readonly string[];
	timeWindowMs: [number, number] | null;
	synthetic: boolean;
	sourceFormat: NeuralDatasetFormat;
	/** R[image, gy, gx, neuron] or R[repetition, image, neuroid] as a float32 .npy (src/neural/npy.ts writeNpy). */
	responsesNpy: Uint8Array;
	images: { name: string; bytes: Uint8Array }[];
}

/** Raw image bytes per request (base64 adds a third; well under the API's body limit). */
const IMAGE_BYTES_PER_REQUEST = 4 * 1024 * 1024;

/** Saves a dataset and its images as the signed-in researcher; returns its id. */
export async function saveNeuralDataset(client: PlatformClient, d: NewNeuralDataset): Promise<string> {
	const id = await rpc<string>(client, 'save_neural_dataset', {
		p_dataset: {
			name: d.name,
			area: d.area,
			kind: d.kind,
			grid: d.grid ?? null,
			repetitions: d.repetitions ?? null,
			neurons: d.neurons,
			image_names: d.imageNames,
			image_labels: d.imageLabels ?? null,
			time_start_ms: d.timeWindowMs?.[0] ?? null,
			time_end_ms: d.timeWindowMs?.[1] ?? null,
			synthetic: d.synthetic,
			source_format: d.sourceFormat,
			responses_base64: toBase64(d.responsesNpy)
		}
	});
	for (let i = 0; i < d.images.length; ) {
		const batch: { name: string; base64: string }[] = [];
		let bytes = 0;
		while (i < d.images.length && (batch.length === 0 || bytes + d.images[i]!.bytes.length <= IMAGE_BYTES_PER_REQUEST)) {
			bytes += d.images[i]!.bytes.length;
			batch.push({ name: d.images[i]!.name, base64: toBase64(d.images[i]!.bytes) });
			i++;
		}
		await rpc<number>(client, 'store_neural_dataset_images', { p_dataset: id, p_images: batch });
	}
	return id;
}

/** The signed-in researcher's datasets, newest first. */
export function listNeuralDatasets(client: PlatformClient): Promise<NeuralDatasetRow[]> {
	return query<NeuralDatasetRow[]>(client.from('neural_datasets').select(COLUMNS).order('created_at', { ascending: false }));
}

/** A dataset's bytes: the responses .npy and its images in the dataset's order. */
export async function neuralDatasetFiles(client: PlatformClient, id: string): Promise<{ responsesNpy: Uint8Array; images: { name: string; bytes: Uint8Array }[] }> {
	const files = await rpc<{ responses_base64: string; images: { name: string; base64: string }[] }>(client, 'neural_dataset_files', { p_dataset: id });
	return { responsesNpy: fromBase64(files.responses_base64), images: files.images.map((i) => ({ name: i.name, bytes: fromBase64(i.base64) })) };
}

export async function deleteNeuralDataset(client: PlatformClient, id: string): Promise<void> {
	await query(client.from('neural_datasets').delete().eq('id', id));
}
