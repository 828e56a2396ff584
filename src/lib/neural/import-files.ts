/**
 * A dataset from the files an analyst picks on the page: the responses (an .npy with its .json
 * sidecar, or a MATLAB .mat with `imageRF`) and the stimulus images. Every format becomes one
 * `NeuralDataset` (src/neural/recordings.ts) and is stored as a float32 .npy; each refusal is a
 * sentence naming the file and field.
 */
import { isHdf5Mat } from '../../neural/mat5.js';
import { writeNpy } from '../../neural/npy.js';
import { datasetFromMat, datasetFromNpy, RecordingsError, type NeuralDataset } from '../../neural/recordings.js';
import type { NeuralDatasetFormat, NeuralDatasetRow } from '../../data/neural-datasets.js';
import type { Recordings } from '../../neural/spatial.js';

/** A stored dataset loaded for analysis: its row, its responses and its images. */
export interface LoadedDataset {
	row: NeuralDatasetRow;
	rec: Recordings;
	images: { name: string; bytes: Uint8Array }[];
}

export interface MatChoice {
	area: string;
	timeFrom: number;
	timeTo: number;
	channelFrom: number | null;
	channelTo: number | null;
}

export interface ImportedDataset {
	dataset: NeuralDataset;
	format: NeuralDatasetFormat;
	responsesNpy: Uint8Array;
	images: { name: string; bytes: Uint8Array }[];
}

const IMAGE = /\.(png|jpe?g|webp)$/i;
const bytesOf = async (f: File) => new Uint8Array(await f.arrayBuffer());

export async function importDataset(files: readonly File[], mat: MatChoice): Promise<ImportedDataset> {
	const npy = files.filter((f) => /\.npy$/i.test(f.name));
	const json = files.filter((f) => /\.json$/i.test(f.name));
	const mats = files.filter((f) => /\.mat$/i.test(f.name));
	const imageFiles = files.filter((f) => IMAGE.test(f.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
	let dataset: NeuralDataset, format: NeuralDatasetFormat;
	if (npy.length === 1 && json.length === 1 && mats.length === 0) {
		dataset = datasetFromNpy(await bytesOf(npy[0]!), npy[0]!.name, await json[0]!.text(), json[0]!.name);
		format = 'npy';
	} else if (mats.length === 1 && npy.length === 0) {
		const bytes = await bytesOf(mats[0]!);
		if (!mat.area.trim()) throw new RecordingsError(`${mats[0]!.name}: name the recorded area (e.g. ML) before importing it`);
		dataset = await datasetFromMat(bytes, mats[0]!.name, {
			timeBins: [mat.timeFrom, mat.timeTo],
			channels: mat.channelFrom !== null && mat.channelTo !== null ? [mat.channelFrom, mat.channelTo] : undefined,
			area: mat.area.trim(),
			imageNames: imageFiles.length ? imageFiles.map((f) => f.name) : undefined
		});
		format = isHdf5Mat(bytes) ? 'mat-v73' : 'mat-v5';
	} else {
		throw new RecordingsError('Choose the responses as one .npy with its .json sidecar, or one .mat file, together with the stimulus images.');
	}
	const byName = new Map(imageFiles.map((f) => [f.name, f]));
	const missing = dataset.imageNames.filter((n) => !byName.has(n));
	if (missing.length) throw new RecordingsError(`The responses name images that were not chosen: ${missing.join(', ')}. Choose those image files too.`);
	const images = await Promise.all(dataset.imageNames.map(async (name) => ({ name, bytes: await bytesOf(byName.get(name)!) })));
	return { dataset, format, responsesNpy: writeNpy([dataset.images, dataset.grid, dataset.grid, dataset.neurons], dataset.data), images };
}
