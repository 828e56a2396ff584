/**
 * Brain-Score's neural assemblies (brainio `NeuroidAssembly`: xarray written as NetCDF after
 * `reset_index`, so every MultiIndex level is a plain coordinate on its dimension), NetCDF 3 or
 * NetCDF 4 (netcdf.ts). What is read:
 * - the data variable: the numeric variable over presentation and neuroid (x time_bin, of which the
 *   caller picks one; with one bin it is that one); xarray names it `__xarray_dataarray_variable__`,
 *   which wins when several qualify;
 * - on presentation: `image_id` (required), `repetition` (optional: orders an image's
 *   presentations), `object_name` (optional: stratifies the splits), and `position_y` with
 *   `position_x` (optional: positions within the image, see below);
 * - on neuroid: `neuroid_id` (names; else n1, n2, ...) and `region` (the area, when it is one value;
 *   else the caller's, else '');
 * - on time_bin: `time_bin_start` and `time_bin_end` (ms; the chosen bin's are the time window;
 *   else the caller's, else null).
 *
 * Without positions the assembly is presentation x neuroid (presentation.ts): images in the order
 * their image_id first appears; the k-th presentation of an image (ordered by repetition when
 * there, else by file order) is its repetition k; every image must have as many presentations.
 *
 * With positions (our convention: Brain-Score's files have no common one) it is spatial
 * (recordings.ts): the grid's rows are the distinct position_y values in ascending order (so y
 * grows downwards, as image rows do), its columns the distinct position_x values ascending; they
 * must be G and G values; each image needs every (row, column) the same number of times, and
 *     R[i, gy, gx, n] = mean over the presentations of image i at (gy, gx) of data[p, n].
 * Every refusal is a sentence naming the file and the field.
 */
import type { PresentationDataset } from './presentation.js';
import { readNetcdf, type NetcdfVariable } from './netcdf.js';
import { RecordingsError, type NeuralDataset } from './recordings.js';

export interface AssemblyChoice {
	/** The time bin (0-based) when the assembly has several. */
	timeBin?: number;
	/** The area, when the assembly has no single `region`. */
	area?: string;
	/** The time window in ms, when the assembly has no time_bin_start / time_bin_end. */
	timeWindowMs?: [number, number];
}

export type Assembly =
	| { kind: 'presentation'; version: 3 | 4; dataset: PresentationDataset }
	| { kind: 'spatial'; version: 3 | 4; dataset: NeuralDataset };

const DATA_NAME = '__xarray_dataarray_variable__';

export async function readAssembly(bytes: Uint8Array, file: string, choice: AssemblyChoice = {}): Promise<Assembly> {
	const nc = await readNetcdf(bytes, file);
	const size = (d: string) => nc.dims.find((x) => x.name === d)?.size ?? 0;
	const on = (dim: string, name: string): NetcdfVariable | undefined => nc.variables.find((v) => v.name === name && v.dims.length === 1 && v.dims[0] === dim);
	const candidates = nc.variables.filter((v) => v.kind === 'number' && v.dims.includes('presentation') && v.dims.includes('neuroid'));
	const data = candidates.find((v) => v.name === DATA_NAME) ?? candidates[0];
	if (!data) throw new RecordingsError(`${file} has no numeric variable over presentation and neuroid (its variables: ${nc.variables.map((v) => `${v.name} (${v.dims.join(' x ')})`).join(', ')})`);
	const order = data.dims;
	const extra = order.filter((d) => d !== 'presentation' && d !== 'neuroid');
	if (extra.some((d) => d !== 'time_bin')) throw new RecordingsError(`${file}: ${data.name} has dimensions ${order.join(' x ')}; expected presentation x neuroid (x time_bin)`);
	const P = size('presentation'), N = size('neuroid'), T = extra.length ? size('time_bin') : 1;
	const bin = choice.timeBin ?? (T === 1 ? 0 : -1);
	if (!(Number.isInteger(bin) && bin >= 0 && bin < T)) throw new RecordingsError(`${file}: time_bin has ${T} bins; choose one (0 to ${T - 1})`);
	const idVar = on('presentation', 'image_id');
	if (!idVar) throw new RecordingsError(`${file} has no image_id on the presentation dimension (its variables: ${nc.variables.map((v) => v.name).join(', ')})`);
	const ids = idVar.values().map(String);
	const numeric = (v: NetcdfVariable | undefined, field: string) => {
		if (!v) return null;
		if (v.kind !== 'number') throw new RecordingsError(`${file}: ${field} must be numbers`);
		return v.values() as number[];
	};
	const reps = numeric(on('presentation', 'repetition'), 'repetition');
	const objects = on('presentation', 'object_name')?.values().map(String) ?? null;
	const posY = numeric(on('presentation', 'position_y'), 'position_y'), posX = numeric(on('presentation', 'position_x'), 'position_x');
	if ((posY === null) !== (posX === null)) throw new RecordingsError(`${file} has ${posY ? 'position_y' : 'position_x'} but not ${posY ? 'position_x' : 'position_y'} on presentation; a spatial assembly needs both`);
	const values = data.values() as number[];
	// flat index of (presentation p, neuroid n) in the variable's own dimension order, at the chosen bin
	const strides = order.map((_, i) => order.slice(i + 1).reduce((a, d) => a * size(d), 1));
	const sP = strides[order.indexOf('presentation')]!, sN = strides[order.indexOf('neuroid')]!, base = extra.length ? bin * strides[order.indexOf('time_bin')]! : 0;
	const at = (p: number, n: number) => {
		const v = values[p * sP + n * sN + base]!;
		if (!Number.isFinite(v)) throw new RecordingsError(`${file}: ${data.name} holds a value that is not a finite number (presentation ${p}, neuroid ${n})`);
		return v;
	};

	const neuronNames = on('neuroid', 'neuroid_id')?.values().map(String) ?? (on('neuroid', 'neuroid')?.kind === 'string' ? on('neuroid', 'neuroid')!.values().map(String) : Array.from({ length: N }, (_, n) => `n${n + 1}`));
	const regions = [...new Set(on('neuroid', 'region')?.values().map(String) ?? [])];
	// '' and null: not in the file nor chosen; the importer asks for them (import-files.ts)
	const area = regions.length === 1 ? regions[0]! : (choice.area?.trim() ?? '');
	const starts = numeric(on('time_bin', 'time_bin_start'), 'time_bin_start'), ends = numeric(on('time_bin', 'time_bin_end'), 'time_bin_end');
	const timeWindowMs: [number, number] | null = starts && ends ? [starts[bin]!, ends[bin]!] : (choice.timeWindowMs ?? null);
	if (neuronNames.length < 2) throw new RecordingsError(`${file}: neuroid has ${N} neuroid(s); at least 2 are needed`);

	const imageIds: string[] = [];
	const byImage = new Map<string, number[]>();
	ids.forEach((id, p) => {
		if (!byImage.has(id)) (imageIds.push(id), byImage.set(id, []));
		byImage.get(id)!.push(p);
	});
	const I = imageIds.length;
	const meta = { imageNames: imageIds, neuronNames, area, timeWindowMs, synthetic: false };

	if (posY && posX) {
		const ys = [...new Set(posY)].sort((a, b) => a - b), xs = [...new Set(posX)].sort((a, b) => a - b);
		if (ys.length !== xs.length) throw new RecordingsError(`${file}: position_y has ${ys.length} distinct values, position_x ${xs.length}; a square grid is expected`);
		const G = ys.length;
		const sums = new Float64Array(I * G * G * N), counts = new Int32Array(I * G * G);
		for (let p = 0; p < P; p++) {
			const cell = (imageIds.indexOf(ids[p]!) * G + ys.indexOf(posY[p]!)) * G + xs.indexOf(posX[p]!);
			counts[cell]!++;
			for (let n = 0; n < N; n++) sums[cell * N + n]! += at(p, n);
		}
		const uneven = counts.findIndex((c) => c !== counts[0] || c === 0);
		if (uneven >= 0) {
			const i = Math.floor(uneven / (G * G)), gy = Math.floor(uneven / G) % G, gx = uneven % G;
			throw new RecordingsError(`${file}: image ${imageIds[i]} is presented ${counts[uneven]} time(s) at position_y ${ys[gy]}, position_x ${xs[gx]}, ${counts[0]} at the first position; every image needs every position equally often`);
		}
		const out = sums.map((s, k) => s / counts[Math.floor(k / N)]!);
		return { kind: 'spatial', version: nc.version, dataset: { images: I, grid: G, neurons: N, data: out, ...meta } };
	}

	// the usual number of presentations (the most frequent), so the message names the odd image
	const lengths = [...byImage.values()].map((ps) => ps.length);
	const R = lengths.reduce((best, l) => (lengths.filter((x) => x === l).length > lengths.filter((x) => x === best).length ? l : best), lengths[0]!);
	const uneven = [...byImage.entries()].find(([, ps]) => ps.length !== R);
	if (uneven) throw new RecordingsError(`${file}: image ${uneven[0]} has ${uneven[1].length} presentations, others ${R}; every image needs the same number of repetitions`);
	const out = new Float64Array(R * I * N);
	imageIds.forEach((id, i) => {
		const ps = byImage.get(id)!;
		if (reps) ps.sort((a, b) => reps[a]! - reps[b]! || a - b);
		ps.forEach((p, r) => {
			for (let n = 0; n < N; n++) out[(r * I + i) * N + n] = at(p, n);
		});
	});
	const labels = objects ? imageIds.map((id) => objects[byImage.get(id)![0]!]!) : undefined;
	return { kind: 'presentation', version: nc.version, dataset: { repetitions: R, images: I, neuroids: N, data: out, labels, ...meta } };
}
