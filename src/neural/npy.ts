/**
 * NumPy's .npy format (numpy.lib.format, versions 1.0 to 3.0): the magic "\x93NUMPY", a version,
 * the header's length (2 bytes little-endian in 1.0, 4 in 2.0/3.0), then a Python dict literal
 * {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces to a multiple of
 * 64 bytes, then the values. We read little-endian floats and integers in C order (what numpy
 * writes by default) and write float32 (version 1.0). Our own small reader because we also write
 * these files (the features command) and want a sentence naming the file and field for every
 * refusal; npyjs reads only.
 */

export class NpyError extends Error {}

export interface NpyArray {
	shape: number[];
	/** float32 data stays Float32Array; everything else becomes Float64Array. */
	data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const READERS: Record<string, { bytes: number; get: (v: DataView, at: number) => number }> = {
	f4: { bytes: 4, get: (v, at) => v.getFloat32(at, true) },
	f8: { bytes: 8, get: (v, at) => v.getFloat64(at, true) },
	f2: { bytes: 2, get: (v, at) => halfToFloat(v.getUint16(at, true)) },
	i1: { bytes: 1, get: (v, at) => v.getInt8(at) },
	u1: { bytes: 1, get: (v, at) => v.getUint8(at) },
	i2: { bytes: 2, get: (v, at) => v.getInt16(at, true) },
	u2: { bytes: 2, get: (v, at) => v.getUint16(at, true) },
	i4: { bytes: 4, get: (v, at) => v.getInt32(at, true) },
	u4: { bytes: 4, get: (v, at) => v.getUint32(at, true) },
	i8: { bytes: 8, get: (v, at) => Number(v.getBigInt64(at, true)) },
	u8: { bytes: 8, get: (v, at) => Number(v.getBigUint64(at, true)) }
};

function halfToFloat(h: number): number {
	const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
	if (e === 0) return s * 2 ** -14 * (f / 1024);
	if (e === 31) return f ? Number.NaN : s * Infinity;
	return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Parses .npy bytes; `file` names the file in every error sentence. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
	if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError(`${file} is not a .npy file (it does not start with \\x93NUMPY)`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const major = bytes[6]!;
	if (major < 1 || major > 3) throw new NpyError(`${file}: .npy version ${major}.${bytes[7]} is not supported (1.0 to 3.0 are)`);
	const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
	const start = major === 1 ? 10 : 12;
	if (start + headerLength > bytes.length) throw new NpyError(`${file}: the header is cut short`);
	const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
	const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
	const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
	const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
	if (descr === undefined || fortran === undefined || shapeText === undefined) throw new NpyError(`${file}: the header has no descr, fortran_order or shape (${header.trim()})`);
	if (fortran === 'True') throw new NpyError(`${file}: fortran_order is True; save the array in C order (numpy.ascontiguousarray)`);
	const m = /^([<>|=])([fiu]\d)$/.exec(descr);
	const reader = m ? READERS[m[2]!] : undefined;
	if (!m || !reader) throw new NpyError(`${file}: descr '${descr}' is not a number type we read (float16/32/64, int or uint)`);
	if (m[1] === '>' && reader.bytes > 1) throw new NpyError(`${file}: descr '${descr}' is big-endian; save it little-endian (array.astype('<f4'))`);
	const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
	if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`${file}: shape (${shapeText}) is not a list of sizes`);
	const count = shape.reduce((a, b) => a * b, 1);
	const offset = start + headerLength;
	if (bytes.length - offset < count * reader.bytes) throw new NpyError(`${file}: shape (${shape.join(', ')}) needs ${count * reader.bytes} bytes of data, the file has ${bytes.length - offset}`);
	if (m[2] === 'f4') {
		const data = new Float32Array(count);
		for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
		return { shape, data };
	}
	const data = new Float64Array(count);
	for (let i = 0; i < count; i++) data[i] = reader.get(view, offset + reader.bytes * i);
	return { shape, data };
}

/** Writes a float32 .npy (version 1.0, C order). */
export function writeNpy(shape: readonly number[], data: ArrayLike<number>): Uint8Array {
	const count = shape.reduce((a, b) => a * b, 1);
	if (data.length !== count) throw new NpyError(`writeNpy: ${data.length} values for shape (${shape.join(', ')})`);
	const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
	let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
	const total = 10 + header.length + 1;
	header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
	const head = new TextEncoder().encode(header);
	const out = new Uint8Array(10 + head.length + 4 * count);
	out.set(MAGIC, 0);
	out[6] = 1;
	out[7] = 0;
	new DataView(out.buffer).setUint16(8, head.length, true);
	out.set(head, 10);
	const view = new DataView(out.buffer, 10 + head.length);
	for (let i = 0; i < count; i++) view.setFloat32(4 * i, data[i]!, true);
	return out;
}
