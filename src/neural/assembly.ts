/**
 * Brain-Score's neural assemblies (brainio `NeuroidAssembly`, written by xarray as NetCDF) for the
 * standard variant (brainscore.ts): a variable with dimensions presentation x neuroid (and
 * optionally time_bin, of which the caller picks one), with `image_id` and `repetition` on the
 * presentation dimension (`object_name`, when there, stratifies the splits). Read with netcdfjs,
 * which reads NetCDF 3 (classic and 64-bit offset). A NetCDF 4 file (HDF5 inside) is refused with
 * the way to convert it (xarray: `assembly.to_netcdf(path, engine='scipy')`).
 *
 * Presentations become R[repetition, image, neuroid]: images in the order their image_id first
 * appears, the k-th presentation of an image is its repetition k (in file order); every image must
 * have as many presentations as the others. Spatial assemblies (positions within an image) are not
 * read here: their positions have no common convention in Brain-Score's files.
 */
import { NetCDFReader } from 'netcdfjs';
import { isHdf5Mat } from './mat5.js';
import type { PresentationRecordings } from './brainscore.js';
import { RecordingsError } from './recordings.js';

export interface AssemblyRecordings extends PresentationRecordings {
	imageIds: string[];
}

/** A char variable [n, strlen] (or a 1-D one) as n strings, trailing NULs dropped. */
function strings(reader: NetCDFReader, name: string, n: number): string[] {
	const raw = reader.getDataVariable(name).map((c) => String(c));
	const width = raw.length / n;
	return Array.from({ length: n }, (_, i) => raw.slice(i * width, (i + 1) * width).join('').replace(/\u0000+$/, '').trim());
}

export function readAssembly(bytes: Uint8Array, file: string, choice: { timeBin?: number } = {}): AssemblyRecordings {
	if (isHdf5Mat(bytes)) throw new RecordingsError(`${file} is NetCDF 4 (HDF5), which we do not read yet: convert it to NetCDF 3 with xarray, assembly.to_netcdf(path, engine='scipy')`);
	let reader: NetCDFReader;
	try {
		reader = new NetCDFReader(bytes);
	} catch (error) {
		throw new RecordingsError(`${file} is not a NetCDF file (${(error as Error).message})`);
	}
	const dims = reader.dimensions;
	const dimName = (i: number) => dims[i]?.name ?? '?';
	const data = reader.variables.find((v) => v.dimensions.map(dimName).includes('presentation') && v.dimensions.map(dimName).includes('neuroid') && v.type !== 'char');
	if (!data) throw new RecordingsError(`${file} has no variable over presentation and neuroid (its variables: ${reader.variables.map((v) => v.name).join(', ')})`);
	const order = data.dimensions.map(dimName);
	const extra = order.filter((d) => d !== 'presentation' && d !== 'neuroid');
	if (extra.some((d) => d !== 'time_bin')) throw new RecordingsError(`${file}: ${data.name} has dimensions ${order.join(' x ')}; expected presentation x neuroid (x time_bin)`);
	const size = (d: string) => dims.find((x) => x.name === d)!.size;
	const P = size('presentation'), N = size('neuroid'), T = extra.length ? size('time_bin') : 1;
	const bin = choice.timeBin ?? (T === 1 ? 0 : -1);
	if (!(Number.isInteger(bin) && bin >= 0 && bin < T)) throw new RecordingsError(`${file}: time_bin has ${T} bins; choose one (0 to ${T - 1})`);
	const names = reader.variables.map((v) => v.name);
	if (!names.includes('image_id')) throw new RecordingsError(`${file} has no image_id on the presentation dimension`);
	const ids = strings(reader, 'image_id', P);
	const reps = names.includes('repetition') ? reader.getDataVariable('repetition').map(Number) : null;
	const objects = names.includes('object_name') ? strings(reader, 'object_name', P) : null;
	const values = (reader.getDataVariable(data) as (number | number[])[]).flat() as number[];
	// flat index of (presentation p, neuroid n, time bin t) in the variable's own dimension order
	const strides = order.map((_, i) => order.slice(i + 1).reduce((a, d) => a * size(d), 1));
	const at = (p: number, n: number) => values[p * strides[order.indexOf('presentation')]! + n * strides[order.indexOf('neuroid')]! + (extra.length ? bin * strides[order.indexOf('time_bin')]! : 0)]!;
	const imageIds: string[] = [];
	const byImage = new Map<string, number[]>();
	ids.forEach((id, p) => {
		if (!byImage.has(id)) (imageIds.push(id), byImage.set(id, []));
		byImage.get(id)!.push(p);
	});
	const R = Math.min(...[...byImage.values()].map((ps) => ps.length));
	const uneven = [...byImage.entries()].find(([, ps]) => ps.length !== R);
	if (uneven) throw new RecordingsError(`${file}: image ${uneven[0]} has ${uneven[1].length} presentations, others ${R}; every image needs the same number of repetitions`);
	const I = imageIds.length;
	const out = new Float64Array(R * I * N);
	imageIds.forEach((id, i) => {
		const ps = byImage.get(id)!;
		if (reps) ps.sort((a, b) => reps[a]! - reps[b]! || a - b);
		ps.forEach((p, r) => {
			for (let n = 0; n < N; n++) {
				const v = at(p, n);
				if (!Number.isFinite(v)) throw new RecordingsError(`${file}: ${data.name} holds a value that is not a finite number (presentation ${p}, neuroid ${n})`);
				out[(r * I + i) * N + n] = v;
			}
		});
	});
	const labels = objects ? imageIds.map((id) => objects[byImage.get(id)![0]!]!) : undefined;
	return { repetitions: R, images: I, neuroids: N, data: out, labels, imageIds };
}
