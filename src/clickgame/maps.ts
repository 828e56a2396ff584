/**
 * Importance maps from clicks (the ClickMe procedure):
 *   count map of a player   C_p(x) = number of the player's rounds on the image that painted x
 *   mean map                M(x)   = (1 / P) sum over the P players of C_p(x)
 *   smoothed                S      = M convolved with a normalized disk D of diameter d
 *                                    (D = 1/|D| on the pixels within d/2 of the centre, zero
 *                                    outside the image), d = 21 px at 256 px
 *   image map               S / max(S), scaled to 0..1 (all zeros when nothing was painted).
 * The disk convolution runs row by row with prefix sums: exact, and (2r+1) adds per pixel.
 */
import type { ImportanceMap } from '../stimuli/importance-map.js';

/** The offsets of a disk of `diameter` px: for each row dy in -r..r, the half-width w(dy). */
export function diskRows(diameter: number): { radius: number; halfWidths: number[]; size: number } {
	const radius = diameter / 2;
	const reach = Math.floor(radius);
	const halfWidths: number[] = [];
	let size = 0;
	for (let dy = -reach; dy <= reach; dy++) {
		const w = Math.floor(Math.sqrt(radius * radius - dy * dy));
		halfWidths.push(w);
		size += 2 * w + 1;
	}
	return { radius: reach, halfWidths, size };
}

/** values convolved with the normalized disk (zero outside the image). */
export function diskBlur(values: Float64Array, width: number, height: number, diameter: number): Float64Array {
	const { radius, halfWidths, size } = diskRows(diameter);
	// prefix[j * (width + 1) + i] = sum of row j's values left of column i
	const prefix = new Float64Array(height * (width + 1));
	for (let j = 0; j < height; j++) {
		for (let i = 0; i < width; i++) prefix[j * (width + 1) + i + 1] = prefix[j * (width + 1) + i]! + values[j * width + i]!;
	}
	const out = new Float64Array(width * height);
	for (let j = 0; j < height; j++) {
		for (let i = 0; i < width; i++) {
			let sum = 0;
			for (let k = 0; k < halfWidths.length; k++) {
				const row = j + k - radius;
				if (row < 0 || row >= height) continue;
				const w = halfWidths[k]!;
				const from = Math.max(0, i - w), to = Math.min(width, i + w + 1);
				sum += prefix[row * (width + 1) + to]! - prefix[row * (width + 1) + from]!;
			}
			out[j * width + i] = sum / size;
		}
	}
	return out;
}

/** Mean of the players' count maps (each a Float64Array of width x height). */
export function meanMap(playerMaps: readonly Float64Array[], length: number): Float64Array {
	const mean = new Float64Array(length);
	for (const map of playerMaps) for (let i = 0; i < length; i++) mean[i] = mean[i]! + map[i]!;
	if (playerMaps.length) for (let i = 0; i < length; i++) mean[i] = mean[i]! / playerMaps.length;
	return mean;
}

/** Divides by the maximum, so the map spans 0..1 (unchanged when all zero). */
export function scaledToMax(values: Float64Array): Float64Array {
	let max = 0;
	for (const v of values) if (v > max) max = v;
	return max > 0 ? values.map((v) => v / max) : values;
}

/** The image map from its players' count maps: mean, disk-smoothed, scaled to 0..1. */
export function clickMap(playerMaps: readonly Float64Array[], width: number, height: number, blurDiameter: number): ImportanceMap {
	return { width, height, data: scaledToMax(diskBlur(meanMap(playerMaps, width * height), width, height, blurDiameter)) };
}
