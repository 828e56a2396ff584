/**
 * Feature-importance maps: one per image and source, of the image's size, non-negative,
 * brighter = more important. Sources: `clickme` (people), `model:<id>` (a model's saliency),
 * `center-bias` (a centred Gaussian: a named placeholder, never human data) and `uploaded`.
 * Stored as grayscale PNG (8- or 16-bit) or JSON {"width", "height", "data": [row-major]}.
 */
import { decode, encode } from 'fast-png';
import { STIMULUS_DEFAULTS } from './config.js';

export interface ImportanceMap {
	width: number;
	height: number;
	/** Row-major values, finite and non-negative. */
	data: Float64Array;
}

export const MAP_SOURCE_PATTERN = /^(clickme|center-bias|uploaded|model:[A-Za-z0-9_.-]+)$/;

export function checkMapSource(source: string): string {
	if (!MAP_SOURCE_PATTERN.test(source)) {
		throw new Error(`map source must be clickme, center-bias, uploaded or model:<id> (got "${source}")`);
	}
	return source;
}

/** Throws with the first problem found: size, length, a negative or non-finite value. */
export function checkImportanceMap(map: ImportanceMap, expected?: { width: number; height: number }): ImportanceMap {
	const { width, height, data } = map;
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new Error(`map width and height must be positive integers (got ${width} x ${height})`);
	}
	if (expected && (expected.width !== width || expected.height !== height)) {
		throw new Error(`map is ${width} x ${height} but the image is ${expected.width} x ${expected.height}`);
	}
	if (data.length !== width * height) throw new Error(`map has ${data.length} values, expected width x height = ${width * height}`);
	for (let i = 0; i < data.length; i++) {
		const v = data[i]!;
		if (!Number.isFinite(v)) throw new Error(`map value at x=${i % width}, y=${Math.floor(i / width)} is not a finite number`);
		if (v < 0) throw new Error(`map value at x=${i % width}, y=${Math.floor(i / width)} is negative (${v})`);
	}
	return map;
}

export function mapFromJson(text: string): ImportanceMap {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new Error(`map is not valid JSON: ${(error as Error).message}`);
	}
	const object = parsed as { width?: unknown; height?: unknown; data?: unknown };
	if (!object || typeof object !== 'object' || !Array.isArray(object.data)) {
		throw new Error('map JSON must be an object {"width": W, "height": H, "data": [row-major numbers]}');
	}
	if (object.data.some((v) => typeof v !== 'number')) throw new Error('map JSON "data" must hold only numbers');
	return checkImportanceMap({ width: Number(object.width), height: Number(object.height), data: Float64Array.from(object.data as number[]) });
}

export function mapToJson(map: ImportanceMap): string {
	return JSON.stringify({ width: map.width, height: map.height, data: Array.from(map.data) });
}

/** Reads a grayscale PNG (8 or 16 bit); colour PNGs are refused rather than guessed at. */
export function mapFromPng(bytes: Uint8Array): ImportanceMap {
	let png;
	try {
		png = decode(bytes);
	} catch (error) {
		throw new Error(`map is not a readable PNG: ${(error as Error).message}`);
	}
	if (png.channels !== 1 && png.channels !== 2) {
		throw new Error(`map PNG must be grayscale (1 channel), got ${png.channels} channels`);
	}
	if (png.depth !== 8 && png.depth !== 16) throw new Error(`map PNG must be 8- or 16-bit, got ${png.depth}-bit`);
	const data = new Float64Array(png.width * png.height);
	for (let i = 0; i < data.length; i++) data[i] = png.data[i * png.channels]!; // drop alpha if present
	return { width: png.width, height: png.height, data };
}

/**
 * Writes a 16-bit grayscale PNG, scaled so that the map's maximum is 65535 (a constant zero map
 * stays zero). Rank order - all the masking uses - survives up to the 16-bit resolution.
 */
export function mapToPng(map: ImportanceMap, depth: 8 | 16 = 16): Uint8Array {
	checkImportanceMap(map);
	let max = 0;
	for (const v of map.data) if (v > max) max = v;
	const top = depth === 16 ? 65535 : 255;
	const scaled = depth === 16 ? new Uint16Array(map.data.length) : new Uint8Array(map.data.length);
	for (let i = 0; i < scaled.length; i++) scaled[i] = max > 0 ? Math.round((map.data[i]! / max) * top) : 0;
	return encode({ width: map.width, height: map.height, data: scaled, depth, channels: 1 });
}

/**
 * Center-bias map: exp(-d^2 / (2 sigma^2)), d the distance from the image centre in pixels,
 * sigma = sigmaFraction x the shorter side.
 */
export function centerBiasMap(width: number, height: number, sigmaFraction: number = STIMULUS_DEFAULTS.centerBiasSigma): ImportanceMap {
	const sigma = sigmaFraction * Math.min(width, height);
	const cx = (width - 1) / 2, cy = (height - 1) / 2;
	const data = new Float64Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data[y * width + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
	}
	return { width, height, data };
}
