/**
 * NetCDF files as one small view, whichever version: the dimensions (name, size) and each
 * variable's name, dimension names and values (numbers or strings, flat, row-major: the last
 * dimension varies fastest). assembly.ts reads Brain-Score's assemblies through it.
 *
 * - NetCDF 3 (classic and 64-bit offset, magic "CDF\x01" / "CDF\x02"): netcdfjs. Char variables
 *   [n, strlen] become n strings (trailing NULs and spaces dropped).
 * - NetCDF 4 (an HDF5 file, magic "\x89HDF\r\n\x1a\n" at byte 0 or 512): h5wasm, loaded only then
 *   (a dynamic import, 4.8 MB). NetCDF 4 keeps its dimensions as HDF5 dimension scales: every
 *   dataset that is a dimension has the attribute CLASS = "DIMENSION_SCALE" (its size is its length;
 *   a dimension without a coordinate variable has NAME "This is a netCDF dimension but not a netCDF
 *   variable"), and a variable's i-th dimension is the scale attached to its axis i (its
 *   DIMENSION_LIST attribute, read with `get_attached_scales`). Names are the datasets' names in the
 *   root group (groups are not read: Brain-Score writes none). 64-bit integers become numbers;
 *   variable-length and fixed-length strings become strings, and char arrays [..., strlen] of
 *   1-byte strings (xarray's "S1" encoding, with its string<N> dimension) one string per row.
 */
import { isHdf5Mat } from './mat5.js';
import { RecordingsError } from './recordings.js';

export interface NetcdfVariable {
	name: string;
	dims: string[];
	kind: 'number' | 'string';
	/** Flat values, row-major over `dims` (for strings: one per element of `dims`). */
	values: () => (number | string)[];
}

export interface NetcdfView {
	version: 3 | 4;
	dims: { name: string; size: number }[];
	/** Variables in file order; dimension-only scales (no coordinate values) are left out. */
	variables: NetcdfVariable[];
}

const NOT_A_VARIABLE = 'This is a netCDF dimension but not a netCDF variable';

/** True for the first bytes of a NetCDF 3 file. */
export const isNetcdf3 = (bytes: Uint8Array) => bytes.length >= 4 && bytes[0] === 0x43 && bytes[1] === 0x44 && bytes[2] === 0x46 && (bytes[3] === 1 || bytes[3] === 2);

export async function readNetcdf(bytes: Uint8Array, file: string): Promise<NetcdfView> {
	if (isHdf5Mat(bytes)) return readNetcdf4(bytes, file);
	if (!isNetcdf3(bytes)) throw new RecordingsError(`${file} is not a NetCDF file (neither NetCDF 3, which starts with "CDF", nor NetCDF 4, an HDF5 file)`);
	return readNetcdf3(bytes, file);
}

async function readNetcdf3(bytes: Uint8Array, file: string): Promise<NetcdfView> {
	const { NetCDFReader } = await import('netcdfjs');
	let reader: InstanceType<typeof NetCDFReader>;
	try {
		reader = new NetCDFReader(bytes);
	} catch (error) {
		throw new RecordingsError(`${file} is not a readable NetCDF 3 file (${(error as Error).message})`);
	}
	const dims = reader.dimensions.map((d) => ({ name: d.name, size: d.size }));
	const variables = reader.variables.map((v): NetcdfVariable => {
		const names = v.dimensions.map((i) => dims[i]?.name ?? '?');
		if (v.type === 'char') {
			const n = names.slice(0, -1).reduce((a, d) => a * dims.find((x) => x.name === d)!.size, 1);
			return {
				name: v.name,
				dims: names.slice(0, -1),
				kind: 'string',
				values: () => {
					const raw = reader.getDataVariable(v.name).map((c) => String(c));
					const width = raw.length / n;
					return Array.from({ length: n }, (_, i) => raw.slice(i * width, (i + 1) * width).join('').replace(/\u0000+$/, '').trim());
				}
			};
		}
		return { name: v.name, dims: names, kind: 'number', values: () => (reader.getDataVariable(v) as (number | number[])[]).flat().map(Number) };
	});
	return { version: 3, dims, variables };
}

const asText = (v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v ?? ''));

async function readNetcdf4(bytes: Uint8Array, file: string): Promise<NetcdfView> {
	const h5wasm = (await import('h5wasm')).default;
	const { FS } = await h5wasm.ready;
	const path = `/netcdf-${Date.now()}-${Math.random().toString(36).slice(2)}.nc`;
	FS.writeFile(path, bytes);
	let f: InstanceType<typeof h5wasm.File>;
	try {
		f = new h5wasm.File(path, 'r');
	} catch (error) {
		FS.unlink(path);
		throw new RecordingsError(`${file} is not a readable NetCDF 4 (HDF5) file (${(error as Error).message})`);
	}
	try {
		const datasets = f.keys().flatMap((name) => {
			const entry = f.get(name);
			return entry instanceof h5wasm.Dataset ? [{ name, entry }] : [];
		});
		const isScale = (d: InstanceType<typeof h5wasm.Dataset>) => asText(d.attrs['CLASS']?.value) === 'DIMENSION_SCALE';
		const dims = datasets.filter((d) => isScale(d.entry)).map((d) => ({ name: d.name, size: d.entry.shape?.[0] ?? 0 }));
		if (dims.length === 0) throw new RecordingsError(`${file} is an HDF5 file without NetCDF dimensions (no dataset is a dimension scale): not a NetCDF 4 file`);
		const variables = datasets.flatMap(({ name, entry }): NetcdfVariable[] => {
			if (isScale(entry) && asText(entry.attrs['NAME']?.value).startsWith(NOT_A_VARIABLE)) return [];
			const shape = entry.shape ?? [];
			const names = isScale(entry)
				? [name]
				: shape.map((_, i) => {
						const scales = entry.get_attached_scales(i);
						if (scales.length !== 1) throw new RecordingsError(`${file}: variable ${name} has no NetCDF dimension on its axis ${i} (no dimension scale attached)`);
						return scales[0]!.replace(/^\//, '');
					});
			const type = entry.metadata.type;
			// h5wasm's type codes: 0 integer, 1 float, 3 string (fixed or variable length)
			const kind = type === 3 ? 'string' : type === 0 || type === 1 ? 'number' : null;
			if (kind === null) return [];
			// a char array [..., strlen] of 1-byte strings (xarray's dtype "S1" encoding): one string per row
			const chars = kind === 'string' && names.length >= 2 && entry.metadata.size === 1 && !entry.metadata.vlen;
			return [{
				name,
				dims: chars ? names.slice(0, -1) : names,
				kind,
				values: () => {
					const v = entry.value;
					if (kind !== 'string') return Array.from(v as ArrayLike<number | bigint>, Number);
					const all = (Array.isArray(v) ? v : [v]).map(asText);
					if (!chars) return all.map((s) => s.replace(/\u0000+$/, '').trim());
					const width = shape[shape.length - 1]!;
					return Array.from({ length: all.length / width }, (_, i) => all.slice(i * width, (i + 1) * width).join('').replace(/\u0000+$/, '').trim());
				}
			}];
		});
		// read every value now: the file is closed below
		const read = variables.map((v) => ({ ...v, cached: v.values() }));
		return { version: 4, dims, variables: read.map(({ cached, ...v }) => ({ ...v, values: () => cached })) };
	} finally {
		f.close();
		FS.unlink(path);
	}
}
