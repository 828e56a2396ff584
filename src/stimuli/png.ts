/** RGB and mask PNGs, encoded in pure JavaScript (fast-png) so that files are byte-identical. */
import { decode, encode } from 'fast-png';
import type { RgbImage } from './image.js';

export function rgbToPng(image: RgbImage): Uint8Array {
	return encode({ width: image.width, height: image.height, data: image.data, depth: 8, channels: 3 });
}

/** A mask as an 8-bit grayscale PNG: 255 where `mask` is 1, 0 elsewhere. */
export function maskToPng(mask: Uint8Array, width: number, height: number): Uint8Array {
	return encode({ width, height, data: mask.map((v) => (v ? 255 : 0)), depth: 8, channels: 1 });
}

/** Reads an 8-bit RGB or RGBA PNG (alpha composited over white). */
export function rgbFromPng(bytes: Uint8Array): RgbImage {
	const png = decode(bytes);
	if (png.depth !== 8 || (png.channels !== 3 && png.channels !== 4)) {
		throw new Error(`expected an 8-bit RGB(A) PNG, got ${png.depth}-bit with ${png.channels} channels`);
	}
	const n = png.width * png.height;
	const data = new Uint8Array(n * 3);
	for (let i = 0; i < n; i++) {
		const alpha = png.channels === 4 ? png.data[4 * i + 3]! / 255 : 1;
		for (let c = 0; c < 3; c++) data[3 * i + c] = Math.round(png.data[png.channels * i + c]! * alpha + 255 * (1 - alpha));
	}
	return { width: png.width, height: png.height, data };
}
