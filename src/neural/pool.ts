/**
 * A layer's activation map brought to the recordings' G x G grid of positions, as the 2023
 * paper's code does (serre-lab/neural_harmonizer, evaluation/neural_benchmark.py,
 * `resizing_activity`):
 * - map larger than the grid (h > G and w > G): block mean. Row block i spans rows
 *   floor(i h / G) .. floor((i + 1) h / G) - 1 (the code's `int(i*size/float(grid_size))`
 *   boundaries), columns likewise with w; each cell is the mean of its block, per channel.
 * - otherwise (the map is no larger than the grid on some side): bilinear resize to G x G with
 *   half-pixel centres, TF 2's `tf.image.resize` (the code's call), by `resizeBilinear` of
 *   src/analysis/features.ts, channel by channel.
 * The published code then rescales each image's pooled features to [0, 1] (min-max over the whole
 * image); we do not: PLS centres the features, and the spec (#18 item 2) leaves it out.
 * A layer whose output is not a spatial map (rank 2, e.g. a dense layer) has no positions to pool:
 * `spatialShape` says so, and the feature extraction skips it.
 */
import { resizeBilinear } from '../analysis/features.js';

/** [h, w, c] of a layer's per-image output shape, or null when it is not a spatial map. */
export function spatialShape(shape: readonly number[]): [number, number, number] | null {
	return shape.length === 3 && shape.every((d) => d > 0) ? [shape[0]!, shape[1]!, shape[2]!] : null;
}

/**
 * Pools one image's map (row-major [h, w, c], channels last) to [G, G, c].
 */
export function poolToGrid(map: ArrayLike<number>, h: number, w: number, c: number, grid: number): Float64Array {
	if (map.length !== h * w * c) throw new Error(`poolToGrid: ${map.length} values for a ${h} x ${w} x ${c} map`);
	if (!(Number.isInteger(grid) && grid >= 1)) throw new Error(`poolToGrid: the grid must be a positive integer, got ${grid}`);
	const out = new Float64Array(grid * grid * c);
	if (h > grid && w > grid) {
		const edges = (size: number) => Array.from({ length: grid + 1 }, (_, i) => Math.floor((i * size) / grid));
		const rows = edges(h), cols = edges(w);
		for (let gy = 0; gy < grid; gy++) {
			for (let gx = 0; gx < grid; gx++) {
				const cell = (gy * grid + gx) * c;
				const count = (rows[gy + 1]! - rows[gy]!) * (cols[gx + 1]! - cols[gx]!);
				for (let y = rows[gy]!; y < rows[gy + 1]!; y++) {
					for (let x = cols[gx]!; x < cols[gx + 1]!; x++) {
						const at = (y * w + x) * c;
						for (let k = 0; k < c; k++) out[cell + k]! += map[at + k]!;
					}
				}
				for (let k = 0; k < c; k++) out[cell + k]! /= count;
			}
		}
		return out;
	}
	const plane = new Float64Array(h * w);
	for (let k = 0; k < c; k++) {
		for (let i = 0; i < h * w; i++) plane[i] = map[i * c + k]!;
		const resized = resizeBilinear({ width: w, height: h, data: plane }, grid, grid).data;
		for (let i = 0; i < grid * grid; i++) out[i * c + k] = resized[i]!;
	}
	return out;
}

/** Pools a batch [images, h, w, c] to [images, G, G, c]. */
export function poolBatch(data: Float32Array | Float64Array, shape: readonly number[], grid: number): Float64Array {
	const [n, h, w, c] = shape as [number, number, number, number];
	if (shape.length !== 4) throw new Error(`poolBatch: expected [images, h, w, c], got [${shape.join(', ')}]`);
	const out = new Float64Array(n * grid * grid * c);
	const size = h * w * c;
	for (let i = 0; i < n; i++) {
		out.set(poolToGrid(data.subarray(i * size, (i + 1) * size), h, w, c, grid), i * grid * grid * c);
	}
	return out;
}
