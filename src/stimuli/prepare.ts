/**
 * Bringing a photo (and its importance map) to the set's square size, the same way in Node and
 * in the browser (pure: no canvas, no sharp), so both paths build the same stimuli from the same
 * decoded pixels:
 *   1. centre crop to a square of side s = min(W, H), from x0 = floor((W - s) / 2),
 *      y0 = floor((H - s) / 2);
 *   2. resize the s x s square to N x N (N = the set's size, STIMULUS_DEFAULTS.photoSize by
 *      default), separably: shrinking averages the source pixels each target pixel covers,
 *      weighted by overlap (box filter over [t s/N, (t+1) s/N)); enlarging interpolates linearly
 *      between pixel centres (x = (t + 0.5) s/N - 0.5, clamped to the edges). s = N copies.
 * A map of the photo's original size is cropped and resized the same way; a map already N x N is
 * taken as it is (it was made for the square photo). RGB values are rounded to 0..255; map values
 * stay real numbers.
 */
import type { ImportanceMap } from './importance-map.js';
import type { RgbImage } from './image.js';

/** The centre square of a W x H image: its top-left corner and side. */
export function squareCropBox(width: number, height: number): { x: number; y: number; side: number } {
	const side = Math.min(width, height);
	return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/** Per target index, the source indices and weights (summing to 1) of a 1-D resize src -> dst. */
export function resizeWeights(src: number, dst: number): { index: number[]; weight: number[] }[] {
	const scale = src / dst;
	return Array.from({ length: dst }, (_, t) => {
		const index: number[] = [];
		const weight: number[] = [];
		if (scale >= 1) {
			const a = t * scale, b = (t + 1) * scale;
			for (let i = Math.floor(a); i < Math.min(src, Math.ceil(b)); i++) {
				const overlap = Math.min(b, i + 1) - Math.max(a, i);
				if (overlap > 1e-12) {
					index.push(i);
					weight.push(overlap / scale);
				}
			}
		} else {
			const x = Math.min(src - 1, Math.max(0, (t + 0.5) * scale - 0.5));
			const i0 = Math.floor(x), f = x - i0;
			index.push(i0);
			weight.push(1 - f);
			if (f > 0 && i0 + 1 < src) {
				index.push(i0 + 1);
				weight.push(f);
			}
		}
		return { index, weight };
	});
}

/** Crops the box from a row-major, `channels`-interleaved grid and resizes it to size x size. */
function cropResize(data: ArrayLike<number>, width: number, channels: number, box: { x: number; y: number; side: number }, size: number): Float64Array {
	const w = resizeWeights(box.side, size);
	// rows first: side rows x size columns
	const rows = new Float64Array(box.side * size * channels);
	for (let y = 0; y < box.side; y++) {
		const from = ((box.y + y) * width + box.x) * channels;
		for (let t = 0; t < size; t++) {
			const { index, weight } = w[t]!;
			for (let c = 0; c < channels; c++) {
				let sum = 0;
				for (let k = 0; k < index.length; k++) sum += weight[k]! * data[from + index[k]! * channels + c]!;
				rows[(y * size + t) * channels + c] = sum;
			}
		}
	}
	const out = new Float64Array(size * size * channels);
	for (let t = 0; t < size; t++) {
		const { index, weight } = w[t]!;
		for (let x = 0; x < size; x++) {
			for (let c = 0; c < channels; c++) {
				let sum = 0;
				for (let k = 0; k < index.length; k++) sum += weight[k]! * rows[(index[k]! * size + x) * channels + c]!;
				out[(t * size + x) * channels + c] = sum;
			}
		}
	}
	return out;
}

/** The photo as the set shows it: centre square, N x N. */
export function preparePhoto(image: RgbImage, size: number): RgbImage {
	if (image.width === size && image.height === size) return image;
	const values = cropResize(image.data, image.width, 3, squareCropBox(image.width, image.height), size);
	return { width: size, height: size, data: Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round(v)))) };
}

/**
 * The map for the prepared photo: a map of the photo's original size is cropped and resized like
 * the photo; a map already N x N is kept. Any other size is the caller's to refuse (validate.ts).
 */
export function prepareMap(map: ImportanceMap, photo: { width: number; height: number }, size: number): ImportanceMap {
	if (map.width === size && map.height === size) return map;
	if (map.width !== photo.width || map.height !== photo.height) {
		throw new Error(`map is ${map.width} x ${map.height}: it must be the photo's size (${photo.width} x ${photo.height}) or the set's (${size} x ${size})`);
	}
	return { width: size, height: size, data: cropResize(map.data, map.width, 1, squareCropBox(map.width, map.height), size) };
}
