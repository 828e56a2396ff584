/**
 * A dataset from the files an analyst picks on the page, and a stored dataset loaded back.
 * Picked: the responses and the stimulus images, where the responses are
 * - an .npy with its .json sidecar: [image, gy, gx, neuron] (spatial, the sidecar has "grid") or
 *   [image, neuroid] / [repetition, image, neuroid] (presentation x neuroid, no "grid");
 * - a MATLAB .mat with `imageRF` (spatial), with the explicit time-bin choice;
 * - a Brain-Score NetCDF assembly .nc (NetCDF 3 or 4): presentation x neuroid, or spatial when it
 *   has positions (src/neural/assembly.ts); its image_ids name the images (a file matches an id
 *   by its name, or its name without the extension).
 * Every format becomes a spatial dataset (src/neural/recordings.ts) or a presentation one
 * (src/neural/presentation.ts), stored as a float32 .npy; each refusal is a sentence naming the
 * file and field.
 */
import { readAssembly } from '../../neural/assembly.js';
import { isHdf5Mat } from '../../neural/mat5.js';
import { parseNpy, writeNpy } from '../../neural/npy.js';
import { presentationFromNpy, presentationNpy } from '../../neural/presentation.js';
import { datasetFromMat, datasetFromNpy, RecordingsError, type NeuralDataset } from '../../neural/recordings.js';
import type { PresentationRecordings } from '../../neural/brainscore.js';
import type { NeuralDatasetRow, NewNeuralDataset } from '../../data/neural-datasets.js';
import type { Recordings } from '../../neural/spatial.js';

type Images = { name: string; bytes: Uint8Array }[];

/** A stored dataset loaded for analysis: its row, its responses and its images. */
export type LoadedDataset =
	| { kind: 'spatial'; row: NeuralDatasetRow; rec: Recordings; images: Images }
	| { kind: 'presentation'; row: NeuralDatasetRow; rec: PresentationRecordings; images: Images };

/** What the analyst chose beside the files (used only by the formats that need it). */
export interface ImportChoice {
	area: string;
	/** MATLAB: time bins [timeFrom, timeTo) and channels [channelFrom, channelTo). */
	timeFrom: number;
	timeTo: number;
	channelFrom: number | null;
	channelTo: number | null;
	/** NetCDF: the time bin when the assembly has several; the window in ms when it has none. */
	timeBin: number | null;
	windowMs: [number, number] | null;
}

/** Everything save_neural_dataset takes but the name, and a default name. */
export interface ImportedDataset {
	record: Omit<NewNeuralDataset, 'name'>;
	defaultName: string;
}

const IMAGE = /\.(png|jpe?g|webp)$/i;
const bytesOf = async (f: File) => new Uint8Array(await f.arrayBuffer());
const stem = (name: string) => name.replace(/\.[^.]+$/, '');

export async function importDataset(files: readonly File[], choice: ImportChoice): Promise<ImportedDataset> {
	const npy = files.filter((f) => /\.npy$/i.test(f.name));
	const json = files.filter((f) => /\.json$/i.test(f.name));
	const mats = files.filter((f) => /\.mat$/i.test(f.name));
	const ncs = files.filter((f) => /\.(nc|nc4|netcdf|h5)$/i.test(f.name));
	const imageFiles = files.filter((f) => IMAGE.test(f.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
	const responses = npy.length + mats.length + ncs.length === 1 ? (npy[0] ?? mats[0] ?? ncs[0])! : null;
	if (!responses || (npy.length === 1 && json.length !== 1))
		throw new RecordingsError('Choose the responses as one .npy with its .json sidecar, one .mat file or one NetCDF .nc assembly, together with the stimulus images.');
	const bytes = await bytesOf(responses);
	let d: (NeuralDataset & { kind: 'spatial' }) | (ReturnType<typeof presentationFromNpy> & { kind: 'presentation' });
	let format: NewNeuralDataset['sourceFormat'];
	if (npy.length === 1) {
		const sidecar = await json[0]!.text();
		const dims = parseNpy(bytes, responses.name).shape.length;
		d = dims === 4 ? { kind: 'spatial', ...datasetFromNpy(bytes, responses.name, sidecar, json[0]!.name) } : { kind: 'presentation', ...presentationFromNpy(bytes, responses.name, sidecar, json[0]!.name) };
		format = 'npy';
	} else if (mats.length === 1) {
		if (!choice.area.trim()) throw new RecordingsError(`${responses.name}: name the recorded area (e.g. ML) before importing it`);
		const spatial = await datasetFromMat(bytes, responses.name, {
			timeBins: [choice.timeFrom, choice.timeTo],
			channels: choice.channelFrom !== null && choice.channelTo !== null ? [choice.channelFrom, choice.channelTo] : undefined,
			area: choice.area.trim(),
			imageNames: imageFiles.length ? imageFiles.map((f) => f.name) : undefined
		});
		d = { kind: 'spatial', ...spatial };
		format = isHdf5Mat(bytes) ? 'mat-v73' : 'mat-v5';
	} else {
		const a = await readAssembly(bytes, responses.name, { timeBin: choice.timeBin ?? undefined, area: choice.area, timeWindowMs: choice.windowMs ?? undefined });
		d = a.kind === 'spatial' ? { kind: 'spatial', ...a.dataset } : { kind: 'presentation', ...a.dataset };
		if (!d.area) throw new RecordingsError(`${responses.name} names no single region on neuroid: name the recorded area (e.g. IT) before importing it`);
		if (!d.timeWindowMs) throw new RecordingsError(`${responses.name} has no time_bin_start and time_bin_end: give the time window in ms before importing it`);
		format = a.version === 4 ? 'netcdf4' : 'netcdf3';
	}
	// each image the responses name, by file name (or, for assemblies' image_ids, without the extension)
	const byName = new Map<string, File>();
	for (const f of imageFiles) byName.set(f.name, f);
	if (ncs.length) for (const f of imageFiles) if (!byName.has(stem(f.name))) byName.set(stem(f.name), f);
	const missing = d.imageNames.filter((n) => !byName.has(n));
	if (missing.length) throw new RecordingsError(`The responses name images that were not chosen: ${missing.join(', ')}. Choose those image files too.`);
	const images = await Promise.all(d.imageNames.map(async (name) => ({ name, bytes: await bytesOf(byName.get(name)!) })));
	const common = { area: d.area, imageNames: d.imageNames, timeWindowMs: d.timeWindowMs, synthetic: d.synthetic, sourceFormat: format, images };
	const record: ImportedDataset['record'] =
		d.kind === 'spatial'
			? { ...common, kind: 'spatial', grid: d.grid, neurons: d.neurons, responsesNpy: writeNpy([d.images, d.grid, d.grid, d.neurons], d.data) }
			: { ...common, kind: 'presentation', repetitions: d.repetitions, neurons: d.neuroids, imageLabels: d.labels, responsesNpy: presentationNpy(d) };
	return { record, defaultName: responses.name };
}

/** A stored dataset (its row and bytes from neural_dataset_files) ready for analysis. */
export function loadStored(row: NeuralDatasetRow, files: { responsesNpy: Uint8Array; images: Images }): LoadedDataset {
	const R = parseNpy(files.responsesNpy, `${row.name} (stored responses)`);
	if (row.kind === 'presentation') {
		const [repetitions, images, neuroids] = R.shape as [number, number, number];
		return { kind: 'presentation', row, rec: { repetitions, images, neuroids, data: R.data, labels: row.image_labels ?? undefined }, images: files.images };
	}
	return { kind: 'spatial', row, rec: { images: R.shape[0]!, grid: R.shape[1]!, neurons: R.shape[3]!, data: R.data }, images: files.images };
}

/** One line saying what a stored dataset is. */
export function describeRow(r: NeuralDatasetRow): string {
	const shape = r.kind === 'presentation' ? `${r.repetitions} repetition${r.repetitions === 1 ? '' : 's'}, ${r.neurons} neuroids, no positions` : `${r.grid} x ${r.grid}, ${r.neurons} neurons`;
	return `${r.name}: ${r.area}, ${r.image_names.length} images, ${shape}${r.synthetic ? ' (synthetic)' : ''}`;
}
