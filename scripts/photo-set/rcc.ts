/**
 * Reader for Qt binary resource bundles (*.rcc, format versions 1-3), enough to list and extract
 * the files that Debian's gcompris-qt-data ships inside them.
 * Layout (qtbase src/corelib/io/qresource.cpp): "qres", version, tree offset, data offset,
 * names offset[, flags]; tree entries of 14 bytes (v1) or 22 bytes (v2+, with a modification
 * time); names as length, hash, UTF-16BE; data as a 4-byte size, then bytes - zlib-compressed
 * (with a 4-byte uncompressed size in front, Qt's qCompress) when the entry's flag 1 is set.
 */
import { inflateSync } from 'node:zlib';

export interface RccFile {
	path: string;
	data: Buffer;
}

const COMPRESSED = 0x01;
const DIRECTORY = 0x02;
const COMPRESSED_ZSTD = 0x04;

export function readRcc(bundle: Buffer): RccFile[] {
	if (bundle.subarray(0, 4).toString('latin1') !== 'qres') throw new Error('not a Qt resource bundle (no "qres" magic)');
	const version = bundle.readUInt32BE(4);
	const treeOffset = bundle.readUInt32BE(8);
	const dataOffset = bundle.readUInt32BE(12);
	const namesOffset = bundle.readUInt32BE(16);
	const entrySize = version >= 2 ? 22 : 14;

	const nameAt = (offset: number) => {
		const length = bundle.readUInt16BE(namesOffset + offset);
		const start = namesOffset + offset + 6; // length (2) + hash (4)
		const chars: string[] = [];
		for (let i = 0; i < length; i++) chars.push(String.fromCharCode(bundle.readUInt16BE(start + 2 * i)));
		return chars.join('');
	};

	const files: RccFile[] = [];
	const visit = (node: number, prefix: string) => {
		const at = treeOffset + node * entrySize;
		const name = node === 0 ? '' : nameAt(bundle.readUInt32BE(at));
		const flags = bundle.readUInt16BE(at + 4);
		const path = node === 0 ? '' : `${prefix}/${name}`;
		if (flags & DIRECTORY) {
			const count = bundle.readUInt32BE(at + 6);
			const first = bundle.readUInt32BE(at + 10);
			for (let i = 0; i < count; i++) visit(first + i, path);
			return;
		}
		const offset = dataOffset + bundle.readUInt32BE(at + 10);
		const size = bundle.readUInt32BE(offset);
		let data = bundle.subarray(offset + 4, offset + 4 + size);
		if (flags & COMPRESSED_ZSTD) throw new Error(`${path}: zstd-compressed resources are not supported`);
		if (flags & COMPRESSED) data = inflateSync(data.subarray(4));
		files.push({ path, data: Buffer.from(data) });
	};
	visit(0, '');
	return files;
}
