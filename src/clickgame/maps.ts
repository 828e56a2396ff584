/**
 * Importance maps from clicks, as the lab's public ClickMe processing makes them:
 * serre-lab/human_clickme_data_processing at commit e6f9a76 (2026-04-15), the newest public
 * version when this was written, chosen because it is the code the lab runs on ClickMe data today
 * (the Harmonization paper only says "the probability of each pixel being clicked"):
 *
 *   click map of a round   C_r(x) = number of the round's recorded points whose pixel is x
 *                                   (src/python_utils.py create_clickmap_fast: heatmap[y, x] += 1
 *                                   per point, points outside the image dropped, uint8 so it stops
 *                                   at 255); a point (x, y) in px falls in pixel (floor x, floor y)
 *   player's count map     C_p    = sum of C_r over the player's rounds on the image (a player
 *                                   meets an image once per game; repeat rounds add, so no player
 *                                   weighs double in the mean)
 *   mean map               M      = (1 / P) sum over the P players of C_p (prepare_maps: .mean(0))
 *   smoothed               S      = K * (K * M), K the flat circle kernel of size k (src/utils.py
 *                                   circle_kernel: 1/n on the n cells with (x - c)^2 + (y - c)^2
 *                                   <= c^2, c = (k - 1) / 2), applied twice (convolve(...,
 *                                   double_conv=True)), each a torch conv2d with padding 'same':
 *                                   zero outside the image
 *   kernel size            k      = round_half_even(b x short side / 256), made odd by adding 1,
 *                                   b = blur_size at 256 px (config.ts blurSize: 21, as
 *                                   configs/imgnet_configs/*.yaml; the adaptive size of prepare_maps)
 *   image map              S / max(S), scaled to 0..1 (all zeros when nothing was clicked).
 *
 * The brush a player paints with only shows them (and the network) what they revealed: the map is
 * made from the recorded points, as in ClickMe, and the double disk blur stands in for the brush.
 * The convolution runs row by row with prefix sums: exact, and k adds per pixel.
 */
import type { ImportanceMap } from '../stimuli/importance-map.js';
import type { Stroke } from './paint.js';

/** Where the map method comes from: stored with every map's params. */
export const CLICKMAP_METHOD = {
	method: 'click points counted per pixel per player, mean over players, flat circle kernel applied twice (zero padding), scaled to 0..1',
	reference: 'serre-lab/human_clickme_data_processing@e6f9a76 src/python_utils.py create_clickmap_fast, src/utils.py circle_kernel + convolve(double_conv=True)'
} as const;

/** numpy's round: halves go to the even neighbour (np.round(10.5) = 10). */
function roundHalfEven(x: number): number {
	const floor = Math.floor(x);
	const fraction = x - floor;
	if (fraction !== 0.5) return Math.round(x);
	return floor % 2 === 0 ? floor : floor + 1;
}

/** The kernel size for an image: blurSize (at 256 px) scaled by the short side, made odd. */
export function blurSizeFor(width: number, height: number, blurSize: number): number {
	const size = roundHalfEven((blurSize * Math.min(width, height)) / 256);
	return size % 2 === 0 ? size + 1 : size;
}

/** A round's click counts: +1 at the pixel of each recorded point inside the image, at most 255. */
export function clickCounts(width: number, height: number, strokes: readonly Stroke[]): Uint8Array {
	const counts = new Uint8Array(width * height);
	for (const stroke of strokes) {
		for (const [x, y] of stroke.points) {
			const i = Math.floor(x), j = Math.floor(y);
			if (i >= 0 && i < width && j >= 0 && j < height && counts[j * width + i]! < 255) counts[j * width + i]!++;
		}
	}
	return counts;
}

/**
 * The circle kernel of size k as rows: for each row offset dy in -c..c, the half-width
 * w(dy) = floor(sqrt(c^2 - dy^2)) of the cells with dx^2 + dy^2 <= c^2; n = the number of cells.
 * (k = 3: a plus sign of 5 cells; k = 5: 3 + 5 + 5 + 5 + 3 = 21 cells.)
 */
export function circleKernelRows(size: number): { reach: number; halfWidths: number[]; cells: number } {
	if (!Number.isInteger(size) || size < 1) throw new Error(`the circle kernel's size must be a whole number of at least 1, got ${size}`);
	const c = (size - 1) / 2;
	const reach = Math.floor(c);
	const halfWidths: number[] = [];
	let cells = 0;
	for (let dy = -reach; dy <= reach; dy++) {
		const w = Math.floor(Math.sqrt(c * c - dy * dy));
		halfWidths.push(w);
		cells += 2 * w + 1;
	}
	return { reach, halfWidths, cells };
}

/** values convolved once with the normalized circle kernel of `size` (zero outside the image). */
export function circleBlur(values: ArrayLike<number>, width: number, height: number, size: number): Float64Array {
	const { reach, halfWidths, cells } = circleKernelRows(size);
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
				const row = j + k - reach;
				if (row < 0 || row >= height) continue;
				const w = halfWidths[k]!;
				const from = Math.max(0, i - w), to = Math.min(width, i + w + 1);
				sum += prefix[row * (width + 1) + to]! - prefix[row * (width + 1) + from]!;
			}
			out[j * width + i] = sum / cells;
		}
	}
	return out;
}

/** ClickMe's smoothing: the circle kernel applied twice (convolve(..., double_conv=True)). */
export const clickmeBlur = (values: ArrayLike<number>, width: number, height: number, size: number): Float64Array =>
	circleBlur(circleBlur(values, width, height, size), width, height, size);

/** Mean of the players' count maps (each of width x height values). */
export function meanMap(playerMaps: readonly ArrayLike<number>[], length: number): Float64Array {
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

/** The image map from its players' count maps: mean, blurred twice by the circle kernel, scaled to 0..1. */
export function clickMap(playerMaps: readonly ArrayLike<number>[], width: number, height: number, blurSize: number): ImportanceMap {
	return { width, height, data: scaledToMax(clickmeBlur(meanMap(playerMaps, width * height), width, height, blurSize)) };
}
