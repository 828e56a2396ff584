/**
 * Revealing the most important pixels of an image over its noise background, as in the
 * Harmonization psychophysics: the k most important pixels of the map, translated so that their
 * centroid lands as close to the image centre as the frame allows.
 */
import { checkImportanceMap, type ImportanceMap } from './importance-map.js';
import { checkRgbImage, type RgbImage } from './image.js';

/**
 * Pixel indices from most to least important. Ties are broken by a random order drawn from
 * `random`, so equal values never favour the top-left of the image. Because one order serves all
 * levels, the pixels revealed at a level include those of every lower level.
 */
export function importanceOrder(map: ImportanceMap, random: () => number): Uint32Array {
	checkImportanceMap(map);
	const n = map.data.length;
	const tieKey = new Float64Array(n);
	for (let i = 0; i < n; i++) tieKey[i] = random();
	const order = Array.from({ length: n }, (_, i) => i);
	order.sort((a, b) => map.data[b]! - map.data[a]! || tieKey[a]! - tieKey[b]!);
	return Uint32Array.from(order);
}

/** 1 for the first k pixels of `order`, 0 elsewhere. */
export function topKMask(order: Uint32Array, k: number): Uint8Array {
	if (!Number.isInteger(k) || k < 0 || k > order.length) throw new Error(`k must be an integer from 0 to ${order.length} (got ${k})`);
	const mask = new Uint8Array(order.length);
	for (let i = 0; i < k; i++) mask[order[i]!] = 1;
	return mask;
}

export interface Shift {
	dx: number;
	dy: number;
}

/**
 * The integer translation that brings the centroid of the revealed pixels closest to the image
 * centre ((W-1)/2, (H-1)/2) while no revealed pixel leaves the frame. The two axes are
 * independent, so on each: d = clamp(round(centre - centroid), -min, (size-1) - max), which is the
 * best integer shift within the allowed interval (half-way values round up, as Math.round does).
 */
export function centeringShift(mask: Uint8Array, width: number, height: number): Shift {
	let count = 0, sumX = 0, sumY = 0;
	let minX = width, maxX = -1, minY = height, maxY = -1;
	for (let i = 0; i < mask.length; i++) {
		if (!mask[i]) continue;
		const x = i % width, y = (i - x) / width;
		count++;
		sumX += x;
		sumY += y;
		if (x < minX) minX = x;
		if (x > maxX) maxX = x;
		if (y < minY) minY = y;
		if (y > maxY) maxY = y;
	}
	if (count === 0) return { dx: 0, dy: 0 };
	const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
	// + 0 turns -0 into 0 so manifests never show "-0"
	return {
		dx: clamp(Math.round((width - 1) / 2 - sumX / count), -minX, width - 1 - maxX) + 0,
		dy: clamp(Math.round((height - 1) / 2 - sumY / count), -minY, height - 1 - maxY) + 0
	};
}

/**
 * The stimulus: the noise background, with each revealed pixel's image content placed at its
 * shifted position. Returns the stimulus and its mask in stimulus coordinates (1 = revealed).
 */
export function composeStimulus(image: RgbImage, background: RgbImage, mask: Uint8Array, shift: Shift): { stimulus: RgbImage; shownMask: Uint8Array } {
	checkRgbImage(image);
	checkRgbImage(background, 'background');
	const { width, height } = image;
	if (background.width !== width || background.height !== height) throw new Error('background and image differ in size');
	const data = Uint8Array.from(background.data);
	const shownMask = new Uint8Array(width * height);
	for (let i = 0; i < mask.length; i++) {
		if (!mask[i]) continue;
		const x = (i % width) + shift.dx, y = Math.floor(i / width) + shift.dy;
		if (x < 0 || x >= width || y < 0 || y >= height) throw new Error(`shift moves pixel ${i} out of the frame`);
		const j = y * width + x;
		shownMask[j] = 1;
		data[3 * j] = image.data[3 * i]!;
		data[3 * j + 1] = image.data[3 * i + 1]!;
		data[3 * j + 2] = image.data[3 * i + 2]!;
	}
	return { stimulus: { width, height, data }, shownMask };
}
