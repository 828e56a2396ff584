/**
 * Spatially resolved recordings as the platform holds them: a `NeuralDataset`, R[image, gy, gx,
 * neuron] (G x G positions per image, already averaged over a time window) with what it is
 * (images, area, time window, synthetic or not). Imported from
 * (a) an .npy `R[image, gy, gx, neuron]` and a JSON sidecar (`parseSidecar`);
 * (b) the published recordings' MATLAB layout, variable `imageRF` with axes [x, y, time, channel,
 *     image], Level 5 (mat5.ts) or 7.3/HDF5 (h5wasm). The time bins are the caller's explicit
 *     choice, [from, to) along the time axis (1 ms bins in the published files: the paper's best
 *     bins are 40 ms windows such as 130-170). As the published loader does
 *     (serre-lab/neural_harmonizer, data/dataset.py: `imageRF.transpose(-1,0,1,2,3)[:, ::-1, ::-1,
 *     a:b].mean(axis=3)`):
 *       R[i, gy, gx, n] = mean over t in [from, to) of imageRF[X-1-gy, Y-1-gx, t, channels.from + n, i]
 *     (both position axes reversed; the file's first axis becomes the grid's rows). `channels`
 *     picks a range of channels: in the published Monkey 1 file channels 1-32 are PL, 33-63 ML.
 * Every refusal is a sentence naming the file and the field.
 */
import { isHdf5Mat, MatFileError, readMat5Variable } from './mat5.js';
import { NpyError, parseNpy } from './npy.js';
import type { Recordings } from './spatial.js';

export class RecordingsError extends Error {}

export interface NeuralDataset extends Recordings {
	/** Image names (file names of the stimuli), one per image, in the array's order. */
	imageNames: string[];
	neuronNames: string[];
	area: string;
	/** The time window the responses are averaged over, in ms after stimulus onset (null: synthetic). */
	timeWindowMs: [number, number] | null;
	/** True for made-up data (the demo): shown as "synthetic" everywhere. */
	synthetic: boolean;
}

/** The .npy's sidecar: what the array is. */
export interface Sidecar {
	images: string[];
	/** G of the G x G positions; absent for presentation x neuroid recordings (presentation.ts). */
	grid: number;
	area: string;
	/** null only for synthetic data, which has no time window. */
	time_window_ms: [number, number] | null;
	neurons?: string[];
	synthetic?: boolean;
	/** Presentation x neuroid recordings only: each image's category, which stratifies the splits. */
	labels?: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a sidecar's JSON text; `file` names it in each error. `spatial: false` (presentation x neuroid) takes no grid and allows labels. */
export function parseSidecar(text: string, file: string, spatial = true): Sidecar {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (error) {
		throw new RecordingsError(`${file} is not JSON: ${(error as Error).message}`);
	}
	if (!isObject(raw)) throw new RecordingsError(`${file} must hold one JSON object with images, grid, area and time_window_ms`);
	const { images, area, time_window_ms: window, neurons, synthetic, labels } = raw;
	const grid = spatial ? raw.grid : 1;
	if (!Array.isArray(images) || images.length === 0 || !images.every((s) => typeof s === 'string' && s.length > 0)) throw new RecordingsError(`${file}: "images" must be a non-empty list of image names`);
	if (new Set(images).size !== images.length) throw new RecordingsError(`${file}: "images" names an image twice`);
	if (!Number.isInteger(grid) || (grid as number) < 1) throw new RecordingsError(`${file}: "grid" must be a positive whole number (the G of the G x G positions)`);
	if (typeof area !== 'string' || area.trim() === '') throw new RecordingsError(`${file}: "area" must name the recorded area (e.g. "ML", "PL")`);
	if (synthetic !== undefined && typeof synthetic !== 'boolean') throw new RecordingsError(`${file}: "synthetic" must be true or false`);
	if (window === null && synthetic === true) {
		// synthetic data has no time window
	} else if (!Array.isArray(window) || window.length !== 2 || !window.every((x) => typeof x === 'number' && Number.isFinite(x)) || !((window[0] as number) < (window[1] as number)))
		throw new RecordingsError(`${file}: "time_window_ms" must be [start, end] in ms with start < end (null only with "synthetic": true)`);
	if (neurons !== undefined && (!Array.isArray(neurons) || !neurons.every((s) => typeof s === 'string'))) throw new RecordingsError(`${file}: "neurons" must be a list of names`);
	if (labels !== undefined && (spatial || !Array.isArray(labels) || labels.length !== images.length || !labels.every((s) => typeof s === 'string' && s.length > 0)))
		throw new RecordingsError(spatial ? `${file}: "labels" belong to presentation x neuroid recordings, not spatial ones` : `${file}: "labels" must name one category per image (${images.length})`);
	return { images: images as string[], grid: grid as number, area: area.trim(), time_window_ms: window as [number, number] | null, neurons: neurons as string[] | undefined, synthetic: synthetic as boolean | undefined, labels: labels as string[] | undefined };
}

export function checkFinite(data: ArrayLike<number>, file: string, field: string): void {
	for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) throw new RecordingsError(`${file}: ${field} holds a value that is not a finite number (at flat index ${i})`);
}

/** (a) An .npy R[image, gy, gx, neuron] with its sidecar. */
export function datasetFromNpy(npyBytes: Uint8Array, npyFile: string, sidecarText: string, sidecarFile: string): NeuralDataset {
	const side = parseSidecar(sidecarText, sidecarFile);
	let array;
	try {
		array = parseNpy(npyBytes, npyFile);
	} catch (error) {
		if (error instanceof NpyError) throw new RecordingsError(error.message);
		throw error;
	}
	const [images, gy, gx, neurons] = array.shape;
	if (array.shape.length !== 4) throw new RecordingsError(`${npyFile}: shape (${array.shape.join(', ')}) must be [image, gy, gx, neuron]`);
	if (images !== side.images.length) throw new RecordingsError(`${npyFile}: ${images} images in the array, ${side.images.length} in ${sidecarFile} "images"`);
	if (gy !== side.grid || gx !== side.grid) throw new RecordingsError(`${npyFile}: the positions are ${gy} x ${gx}, ${sidecarFile} "grid" says ${side.grid} x ${side.grid}`);
	if (side.neurons && side.neurons.length !== neurons) throw new RecordingsError(`${npyFile}: ${neurons} neurons in the array, ${side.neurons.length} in ${sidecarFile} "neurons"`);
	if (neurons! < 2) throw new RecordingsError(`${npyFile}: one neuron has no ceiling (another neuron's map); at least 2 are needed`);
	checkFinite(array.data, npyFile, 'the array');
	return {
		images: images!,
		grid: side.grid,
		neurons: neurons!,
		data: array.data,
		imageNames: side.images,
		neuronNames: side.neurons ?? Array.from({ length: neurons! }, (_, n) => `n${n + 1}`),
		area: side.area,
		timeWindowMs: side.time_window_ms,
		synthetic: side.synthetic ?? false
	};
}

export interface ImageRfChoice {
	/** Time bins [from, to) along imageRF's third axis, averaged: the explicit time-window choice. */
	timeBins: [number, number];
	/** Channels [from, to) along the fourth axis (default: all). */
	channels?: [number, number];
	/** ms per time bin (1 in the published files), to record the window in ms. */
	msPerBin?: number;
	/** The bin where the time axis starts, in ms after onset (0 in the published files). */
	startMs?: number;
}

/** imageRF [x, y, time, channel, image] (column-major, MATLAB's dims) to R (see the header). */
export function recordingsFromImageRf(dims: readonly number[], data: ArrayLike<number>, choice: ImageRfChoice, file: string): Recordings {
	if (dims.length !== 5) throw new RecordingsError(`${file}: imageRF has ${dims.length} dimensions (${dims.join(' x ')}); expected 5: x, y, time, channel, image`);
	const [X, Y, T, C, I] = dims as [number, number, number, number, number];
	if (X !== Y) throw new RecordingsError(`${file}: imageRF's positions are ${X} x ${Y}; a square grid is expected`);
	const [t0, t1] = choice.timeBins;
	if (!(Number.isInteger(t0) && Number.isInteger(t1) && t0 >= 0 && t1 <= T && t0 < t1)) throw new RecordingsError(`${file}: time bins [${t0}, ${t1}) are not within imageRF's ${T} time bins`);
	const [c0, c1] = choice.channels ?? [0, C];
	if (!(Number.isInteger(c0) && Number.isInteger(c1) && c0 >= 0 && c1 <= C && c1 - c0 >= 2)) throw new RecordingsError(`${file}: channels [${c0}, ${c1}) are not at least 2 of imageRF's ${C} channels`);
	const N = c1 - c0, G = X;
	const out = new Float64Array(I * G * G * N);
	const at = (x: number, y: number, t: number, c: number, i: number) => data[x + X * (y + Y * (t + T * (c + C * i)))]!;
	for (let i = 0; i < I; i++)
		for (let gy = 0; gy < G; gy++)
			for (let gx = 0; gx < G; gx++)
				for (let n = 0; n < N; n++) {
					let s = 0;
					for (let t = t0; t < t1; t++) s += at(X - 1 - gy, Y - 1 - gx, t, c0 + n, i);
					out[((i * G + gy) * G + gx) * N + n] = s / (t1 - t0);
				}
	checkFinite(out, file, 'imageRF (in the chosen bins and channels)');
	return { images: I, grid: G, neurons: N, data: out };
}

/** Reads a numeric variable of a MATLAB 7.3 (HDF5) file with h5wasm: MATLAB's dims (reversed HDF5 dims) and its values. */
async function readMat73Variable(bytes: Uint8Array, file: string, variable: string): Promise<{ dims: number[]; data: ArrayLike<number> }> {
	const h5wasm = (await import('h5wasm')).default;
	const { FS } = await h5wasm.ready;
	const path = `/neural-${Date.now()}-${Math.random().toString(36).slice(2)}.mat`;
	FS.writeFile(path, bytes);
	const f = new h5wasm.File(path, 'r');
	try {
		const entry = f.get(variable);
		if (!entry || !(entry instanceof h5wasm.Dataset)) throw new RecordingsError(`${file} has no dataset ${variable} (it has ${f.keys().join(', ') || 'none'})`);
		const value = entry.value;
		if (!(ArrayBuffer.isView(value) && !(value instanceof DataView)) || typeof (value as Float64Array)[0] !== 'number') throw new RecordingsError(`${file}: ${variable} is not a numeric array`);
		return { dims: [...(entry.shape ?? [])].reverse(), data: value as Float64Array };
	} finally {
		f.close();
		FS.unlink(path);
	}
}

/** (b) The published layout: `imageRF` of a MATLAB Level 5 or 7.3 file, with the time-bin choice. */
export async function datasetFromMat(bytes: Uint8Array, file: string, choice: ImageRfChoice & { area: string; imageNames?: string[]; variable?: string }): Promise<NeuralDataset> {
	const variable = choice.variable ?? 'imageRF';
	let dims: number[], data: ArrayLike<number>;
	try {
		({ dims, data } = isHdf5Mat(bytes) ? await readMat73Variable(bytes, file, variable) : await readMat5Variable(bytes, file, variable));
	} catch (error) {
		if (error instanceof MatFileError) throw new RecordingsError(error.message);
		throw error;
	}
	const rec = recordingsFromImageRf(dims, data, choice, file);
	if (choice.imageNames && choice.imageNames.length !== rec.images) throw new RecordingsError(`${file}: ${rec.images} images in ${variable}, ${choice.imageNames.length} image names given`);
	const ms = choice.msPerBin ?? 1, start = choice.startMs ?? 0;
	const [c0] = choice.channels ?? [0];
	return {
		...rec,
		imageNames: choice.imageNames ?? Array.from({ length: rec.images }, (_, i) => `image ${i + 1}`),
		neuronNames: Array.from({ length: rec.neurons }, (_, n) => `channel ${c0 + n + 1}`),
		area: choice.area,
		timeWindowMs: [start + choice.timeBins[0] * ms, start + choice.timeBins[1] * ms],
		synthetic: false
	};
}
