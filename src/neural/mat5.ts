/**
 * MATLAB Level 5 MAT-files (MathWorks, "MAT-File Format", R2019b, chapter 1), numeric arrays only:
 * a 128-byte header (text, subsystem offset, version 0x0100, endian indicator "IM" for
 * little-endian), then data elements, each an 8-byte tag (type, byte count; a "small" element packs
 * both into 4 bytes and its data into the next 4) padded to 8 bytes. miCOMPRESSED (15) holds one
 * zlib-compressed element (inflated with the standard DecompressionStream); miMATRIX (14) holds
 * array flags (its class), dimensions, the name and the real part, in column-major order.
 *
 * Our own reader because the recordings are one large 5-D numeric array: `mat-for-js` turns it
 * into nested JavaScript arrays (hundreds of millions of boxed numbers for the published files)
 * and is GPL-3.0; here the values go straight into one Float64Array.
 */

export class MatFileError extends Error {}

export interface MatArray {
	name: string;
	/** MATLAB's dimensions (column-major: the first index varies fastest). */
	dims: number[];
	data: Float64Array;
}

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15 } as const;
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]); // mxDOUBLE .. mxUINT64
const SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };

function readValues(view: DataView, at: number, type: number, bytes: number, file: string, name: string): Float64Array {
	const size = SIZES[type];
	if (!size) throw new MatFileError(`${file}: variable ${name} stores its values as type ${type}, not a number type`);
	const n = bytes / size;
	const out = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const p = at + i * size;
		switch (type) {
			case MI.INT8: out[i] = view.getInt8(p); break;
			case MI.UINT8: out[i] = view.getUint8(p); break;
			case MI.INT16: out[i] = view.getInt16(p, true); break;
			case MI.UINT16: out[i] = view.getUint16(p, true); break;
			case MI.INT32: out[i] = view.getInt32(p, true); break;
			case MI.UINT32: out[i] = view.getUint32(p, true); break;
			case MI.SINGLE: out[i] = view.getFloat32(p, true); break;
			case MI.DOUBLE: out[i] = view.getFloat64(p, true); break;
			case MI.INT64: out[i] = Number(view.getBigInt64(p, true)); break;
			case MI.UINT64: out[i] = Number(view.getBigUint64(p, true)); break;
		}
	}
	return out;
}

/** One tag at `at`: its type, byte count, where its data starts and where the next element starts. */
function tag(view: DataView, at: number): { type: number; bytes: number; data: number; next: number } {
	const first = view.getUint32(at, true);
	if (first >>> 16 !== 0) return { type: first & 0xffff, bytes: first >>> 16, data: at + 4, next: at + 8 };
	const bytes = view.getUint32(at + 4, true);
	return { type: first, bytes, data: at + 8, next: at + 8 + Math.ceil(bytes / 8) * 8 };
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
	const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A miMATRIX element's name, and its numeric array (null when it is a cell, struct, text...). */
function matrix(view: DataView, at: number, end: number, file: string): { name: string; array: MatArray | null } {
	const flags = tag(view, at);
	const mxClass = view.getUint32(flags.data, true) & 0xff;
	const complex = (view.getUint32(flags.data, true) >> 11) & 1;
	const dimsTag = tag(view, flags.next);
	const dims = Array.from(readValues(view, dimsTag.data, dimsTag.type, dimsTag.bytes, file, '?'));
	const nameTag = tag(view, dimsTag.next);
	const name = new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + nameTag.data, nameTag.bytes));
	if (!NUMERIC_CLASSES.has(mxClass)) return { name, array: null };
	if (complex) throw new MatFileError(`${file}: variable ${name} is complex; store real numbers`);
	const real = tag(view, nameTag.next);
	if (real.data + real.bytes > end) throw new MatFileError(`${file}: variable ${name} is cut short`);
	const data = readValues(view, real.data, real.type, real.bytes, file, name);
	const count = dims.reduce((a, b) => a * b, 1);
	if (data.length !== count) throw new MatFileError(`${file}: variable ${name} has ${data.length} values for dimensions ${dims.join(' x ')}`);
	return { name, array: { name, dims, data } };
}

/** True when the bytes start like a MATLAB 7.3 file (HDF5 with a 512-byte MATLAB user block). */
export function isHdf5Mat(bytes: Uint8Array): boolean {
	const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
	return [0, 512].some((off) => bytes.length >= off + 8 && sig.every((b, i) => bytes[off + i] === b));
}

/** Reads the numeric variable `variable` of a Level 5 MAT-file. */
export async function readMat5Variable(bytes: Uint8Array, file: string, variable: string): Promise<MatArray> {
	if (bytes.length < 128) throw new MatFileError(`${file} is too short to be a MAT-file`);
	if (isHdf5Mat(bytes)) throw new MatFileError(`${file} is a MATLAB 7.3 (HDF5) file, not Level 5`);
	const text = new TextDecoder().decode(bytes.subarray(0, 10));
	if (!text.startsWith('MATLAB 5.0')) throw new MatFileError(`${file} is not a MATLAB Level 5 MAT-file (its header does not start with "MATLAB 5.0")`);
	if (String.fromCharCode(bytes[126]!, bytes[127]!) !== 'IM') throw new MatFileError(`${file} is big-endian; save it on a little-endian machine or as -v7.3`);
	const names: string[] = [];
	let at = 128;
	while (at + 8 <= bytes.length) {
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const t = tag(view, at);
		let element: Uint8Array | null = null;
		if (t.type === MI.COMPRESSED) element = await inflate(bytes.subarray(t.data, t.data + t.bytes));
		else if (t.type === MI.MATRIX) element = bytes.subarray(at, t.data + t.bytes);
		if (element) {
			const v = new DataView(element.buffer, element.byteOffset, element.byteLength);
			const inner = tag(v, 0);
			if (inner.type === MI.MATRIX) {
				const m = matrix(v, inner.data, inner.data + inner.bytes, file);
				names.push(m.name);
				if (m.name === variable) {
					if (!m.array) throw new MatFileError(`${file}: variable ${variable} is not a numeric array`);
					return m.array;
				}
			}
		}
		at = t.type === MI.COMPRESSED ? t.data + t.bytes : t.next;
	}
	throw new MatFileError(`${file} has no variable ${variable} (it has ${names.length ? names.join(', ') : 'none we read'})`);
}
