/**
 * Feature alignment: how alike a model's saliency map and people's feature-importance map of the
 * same image are, scored as in the Harmonization evaluation (serre-lab/Harmonization,
 * harmonization/evaluation/metrics.py and common/clickme_dataset.py).
 */
import { FEATURE_METRICS, HARMONIZATION_CEILING, scoreAll, type FeatureMetricId } from './metrics.js';
import { spearman } from './spearman.js';
import { finiteOrNull, mean, percentile } from './stats.js';

/** A map: row-major values, any finite numbers, larger = more important. */
export interface FeatureMap {
	width: number;
	height: number;
	data: ArrayLike<number>;
}

/** A human map may carry the ClickMe split-half reliability it was built with, and for which comparison. */
export interface HumanFeatureMap extends FeatureMap {
	reliability?: number | null;
	/** `comparisonId` of the comparison the reliability was computed for. */
	reliability_comparison?: string | null;
}

/** Harmonization's preprocessing of human maps: 64 x 64, Gaussian kernel 10 px, sigma 10. */
export const HARMONIZATION_PREPROCESSING = { size: 64, kernelSize: 10, sigma: 10 } as const;
/** Share of pixels kept by the IoU and Dice masks (the top 10 %). */
export const TOP_PERCENT = 10;
const EPSILON = 1e-9;

export { HARMONIZATION_CEILING };

/**
 * Bilinear resize with half-pixel centres, as tf.image.resize (TF 2, no antialiasing): output
 * pixel i samples the input at s = (i + 0.5) (in / out) - 0.5, between floor(s) and ceil(s)
 * clamped to the image, with weight s - floor(s) on the upper neighbour.
 */
export function resizeBilinear(map: FeatureMap, width: number, height: number): FeatureMap {
	const sample = (outSize: number, inSize: number) =>
		Array.from({ length: outSize }, (_, i) => {
			const s = (i + 0.5) * (inSize / outSize) - 0.5;
			const f = Math.floor(s);
			return { lo: Math.max(f, 0), hi: Math.min(Math.ceil(s), inSize - 1), w: s - f };
		});
	const xs = sample(width, map.width), ys = sample(height, map.height);
	const out = new Float64Array(width * height);
	const at = (x: number, y: number) => map.data[y * map.width + x]!;
	for (let y = 0; y < height; y++) {
		const { lo: y0, hi: y1, w: wy } = ys[y]!;
		for (let x = 0; x < width; x++) {
			const { lo: x0, hi: x1, w: wx } = xs[x]!;
			const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * wx;
			const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * wx;
			out[y * width + x] = top + (bottom - top) * wy;
		}
	}
	return { width, height, data: out };
}

/**
 * Harmonization's Gaussian kernel: size x size, entries exp(-(x^2 + y^2) / (2 sigma^2)) summing
 * to 1, x rising left to right from floor(-(size - 1) / 2) and y falling top to bottom from
 * floor((size - 1) / 2), as Python's range(-(size-1)//2, ...) gives (size 10: x = -5..4,
 * y = 4..-5). Row-major.
 */
export function gaussianKernel(size: number, sigma: number): Float64Array {
	const first = Math.floor(-(size - 1) / 2); // Python's -(size-1)//2
	const kernel = new Float64Array(size * size);
	let sum = 0;
	for (let r = 0; r < size; r++) {
		const y = Math.floor((size - 1) / 2) - r;
		for (let c = 0; c < size; c++) {
			const x = first + c;
			sum += kernel[r * size + c] = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
		}
	}
	return kernel.map((v) => v / sum);
}

/**
 * 2-D cross-correlation with zero padding and "SAME" output size, as tf.nn.conv2d(..., 'SAME'):
 * the kernel's top-left lies floor((size - 1) / 2) pixels up and left of the output pixel.
 *   out(i, j) = sum_{r, c} in(i - p + r, j - p + c) k(r, c),  p = floor((size - 1) / 2).
 */
export function gaussianBlur(map: FeatureMap, kernelSize: number, sigma: number): FeatureMap {
	const kernel = gaussianKernel(kernelSize, sigma);
	const pad = Math.floor((kernelSize - 1) / 2);
	const { width, height } = map;
	const out = new Float64Array(width * height);
	for (let i = 0; i < height; i++) {
		for (let j = 0; j < width; j++) {
			let sum = 0;
			for (let r = 0; r < kernelSize; r++) {
				const y = i - pad + r;
				if (y < 0 || y >= height) continue;
				for (let c = 0; c < kernelSize; c++) {
					const x = j - pad + c;
					if (x >= 0 && x < width) sum += map.data[y * width + x]! * kernel[r * kernelSize + c]!;
				}
			}
			out[i * width + j] = sum;
		}
	}
	return { width, height, data: out };
}

/** The human map as the Harmonization evaluation compares it: 64 x 64, blurred, model's size. */
export function harmonizationPreprocess(human: FeatureMap, width: number, height: number): FeatureMap {
	const { size, kernelSize, sigma } = HARMONIZATION_PREPROCESSING;
	return resizeBilinear(gaussianBlur(resizeBilinear(human, size, size), kernelSize, sigma), width, height);
}

/**
 * How the two maps of an image are brought together before they are scored. Harmonization
 * (harmonization/evaluation/clickme.py evaluate_clickme) compares at the model's 224 px input:
 * the human map through `harmonizationPreprocess` to 224 x 224, the saliency as computed there.
 * Our stored saliency maps are at the stimulus' size (src/inference/saliency.ts), so they are
 * resized back to the comparison size by the same half-pixel bilinear resize; 'as-given' compares
 * the maps as they are (equal sizes required: `--raw`).
 * The human ceiling (src/clickgame/reliability.ts) is computed on exactly this footing, and a map's
 * stored reliability says which comparison it was computed for (`comparisonId`), so a ceiling is
 * only ever divided into a score made the same way.
 */
export type MapComparison = { preprocessing: 'harmonization'; resolution: number } | { preprocessing: 'as-given' };
/** Harmonization's comparison: its preprocessing, at the models' 224 px input. */
export const DEFAULT_COMPARISON = { preprocessing: 'harmonization', resolution: 224 } as const satisfies MapComparison;

/** The comparison's name in reports and in a stored map's params: 'harmonization@224' or 'as-given'. */
export const comparisonId = (comparison: MapComparison): string =>
	comparison.preprocessing === 'harmonization' ? `harmonization@${comparison.resolution}` : 'as-given';

/** A human map as compared: Harmonization's preprocessing to resolution x resolution (or as given). */
export function humanAsCompared(human: FeatureMap, comparison: MapComparison): FeatureMap {
	return comparison.preprocessing === 'harmonization' ? harmonizationPreprocess(human, comparison.resolution, comparison.resolution) : human;
}

/** A model map as compared: resized to resolution x resolution when it is not already (or as given). */
export function modelAsCompared(model: FeatureMap, comparison: MapComparison): FeatureMap {
	if (comparison.preprocessing === 'as-given') return model;
	const r = comparison.resolution;
	return model.width === r && model.height === r ? model : resizeBilinear(model, r, r);
}

/** Pixels above the map's (100 - percent)th percentile (linear interpolation): its top `percent` %. */
export function topPercentMask(map: FeatureMap, percent = TOP_PERCENT): Uint8Array {
	const threshold = percentile(map.data, 100 - percent);
	return Uint8Array.from(map.data as ArrayLike<number>, (v) => (v > threshold ? 1 : 0));
}

/** IoU = |A and B| / (|A or B| + 1e-9); Dice = 2 |A and B| / (|A| + |B| + 1e-9). */
export function maskOverlap(a: Uint8Array, b: Uint8Array): { iou: number; dice: number } {
	let both = 0, either = 0, sizes = 0;
	for (let i = 0; i < a.length; i++) {
		both += a[i]! & b[i]!;
		either += a[i]! | b[i]!;
		sizes += a[i]! + b[i]!;
	}
	return { iou: both / (either + EPSILON), dice: (2 * both) / (sizes + EPSILON) };
}

const isConstant = (data: ArrayLike<number>) => {
	for (let i = 1; i < data.length; i++) if (data[i] !== data[0]) return false;
	return true;
};

export interface ImageAlignment {
	spearman: number | null;
	iou: number | null;
	dice: number | null;
}

/** Per-image scores, the ceiling, and every feature metric (metrics.ts, FEATURE_METRICS) by id. */
export type FeatureReport = {
	images: Record<string, ImageAlignment>;
	ceiling: number;
	ceiling_source: string;
	/** HARMONIZATION_CEILING, always reported beside the ceiling used. */
	paper_ceiling: number;
	/** How the maps were brought together (and the ceiling's maps with them). */
	comparison: MapComparison & { id: string };
	images_compared: number;
	/** Images left out of the means because a map was constant (no ranking to compare). */
	constant_maps: string[];
	/** Images with a human map but no model map, and with a model map but no human map: not compared (only images with both are). */
	images_without_model_map: string[];
	images_without_human_map: string[];
} & Record<FeatureMetricId, number | null>;

/** "a, b, c and 4 more": a few ids of a list, for a sentence. */
export function listed(ids: readonly string[], shown = 3): string {
	const sorted = [...ids].sort();
	return sorted.length <= shown ? sorted.join(', ') : `${sorted.slice(0, shown).join(', ')} and ${sorted.length - shown} more`;
}

/** What a report's image counts say about the images not compared, as one sentence (null: all were compared). */
export function imagesLeftOut(report: Pick<FeatureReport, 'images_without_model_map' | 'images_without_human_map'>): string | null {
	const parts = [
		report.images_without_human_map.length ? `${report.images_without_human_map.length} images with a model map but no human map (${listed(report.images_without_human_map)})` : '',
		report.images_without_model_map.length ? `${report.images_without_model_map.length} images with a human map but no model map (${listed(report.images_without_model_map)})` : ''
	].filter(Boolean);
	return parts.length ? `compared on the images with both maps only; not compared: ${parts.join('; ')}` : null;
}

/** Bad input: names the image (or the file) at fault. */
export class FeatureInputError extends Error {}

export interface FeatureOptions {
	/** Compare the maps as given (equal sizes required) instead of Harmonization's preprocessing. */
	raw?: boolean;
	/** The comparison size in px for Harmonization's preprocessing (default 224, the models' input). */
	resolution?: number;
	/** The human ceiling to normalize by, overriding the maps' own reliability. */
	ceiling?: number;
}

/** The comparison the options ask for. */
export function comparisonOf(options: FeatureOptions = {}): MapComparison {
	if (options.raw) return { preprocessing: 'as-given' };
	const resolution = options.resolution ?? DEFAULT_COMPARISON.resolution;
	if (!Number.isInteger(resolution) || resolution < 8 || resolution > 2048) throw new FeatureInputError(`the comparison resolution must be a whole number of px from 8 to 2048, got ${resolution}`);
	return { preprocessing: 'harmonization', resolution };
}

/**
 * The ceiling and where it comes from: --ceiling; else the maps' ClickMe reliability when it was
 * computed for this comparison; else Harmonization's published constant (saying why).
 */
function chooseCeiling(humans: Record<string, HumanFeatureMap>, comparison: string, given?: number): { ceiling: number; ceiling_source: string } {
	if (given !== undefined) {
		if (!(given > 0 && given <= 1)) throw new FeatureInputError(`the ceiling must be in (0, 1], got ${given}`);
		return { ceiling: given, ceiling_source: 'given (--ceiling)' };
	}
	const withReliability = Object.values(humans).filter((m) => typeof m.reliability === 'number' && Number.isFinite(m.reliability));
	const matching = withReliability.filter((m) => m.reliability_comparison === comparison).map((m) => m.reliability as number);
	const reliability = mean(matching);
	if (matching.length && reliability > 0) {
		return { ceiling: reliability, ceiling_source: `ClickMe split-half reliability of the human maps (mean over ${matching.length} maps, ${comparison})` };
	}
	const why = withReliability.length
		? `: the maps' own reliability was computed for ${[...new Set(withReliability.map((m) => m.reliability_comparison ?? 'an older map method'))].join(', ')}, not ${comparison}; rebuild the ClickMe maps to get one`
		: '';
	return { ceiling: HARMONIZATION_CEILING, ceiling_source: `Harmonization's published ceiling (ClickMe, Fel et al. 2022)${why}` };
}

/**
 * The images compared are those with both a human and a model map (a model is usually run on
 * every image of a set, people's maps exist only where enough people played); the others are
 * listed in the report (`images_without_model_map`, `images_without_human_map`). The ceiling is
 * the one the human maps were built with (every human map's reliability, compared or not).
 * Per image, both maps brought together as `comparisonOf(options)` says (default: Harmonization's
 * preprocessing at 224 px): Spearman's rho of the two maps' pixels, and IoU and Dice of their top 10 %; then
 * every feature metric over the images compared (metrics.ts: alignment = mean Spearman / human
 * ceiling, and the means). Images where either map is constant (as given) get nulls and are left
 * out of the means.
 */
export function featureReport(humans: Record<string, HumanFeatureMap>, models: Record<string, FeatureMap>, options: FeatureOptions = {}): FeatureReport {
	const ids = Object.keys(humans).filter((id) => id in models).sort();
	const withoutModel = Object.keys(humans).filter((id) => !(id in models)).sort();
	const withoutHuman = Object.keys(models).filter((id) => !(id in humans)).sort();
	if (ids.length === 0) {
		throw new FeatureInputError(
			Object.keys(humans).length && Object.keys(models).length
				? `no image has both a human and a model map (human maps of ${listed(Object.keys(humans))}; model maps of ${listed(Object.keys(models))})`
				: 'there are no maps to compare'
		);
	}
	const comparison = comparisonOf(options);
	const { ceiling, ceiling_source } = chooseCeiling(humans, comparisonId(comparison), options.ceiling);

	const images: Record<string, ImageAlignment> = {};
	const constant: string[] = [];
	for (const id of ids) {
		const human = humans[id]!, model = models[id]!;
		if (options.raw && (human.width !== model.width || human.height !== model.height)) {
			throw new FeatureInputError(`image ${id}: the human map is ${human.width} x ${human.height} but the model map is ${model.width} x ${model.height} (--raw needs equal sizes)`);
		}
		if (isConstant(human.data) || isConstant(model.data)) {
			constant.push(id);
			images[id] = { spearman: null, iou: null, dice: null };
			continue;
		}
		const h = humanAsCompared(human, comparison), m = modelAsCompared(model, comparison);
		const overlap = maskOverlap(topPercentMask(h), topPercentMask(m));
		images[id] = { spearman: finiteOrNull(spearman(h.data, m.data)), ...overlap };
	}
	const scored = ids.filter((id) => images[id]!.spearman !== null);
	return {
		images,
		...scoreAll(FEATURE_METRICS, { images: scored.map((id) => images[id]!), ceiling }),
		ceiling,
		ceiling_source,
		paper_ceiling: HARMONIZATION_CEILING,
		comparison: { ...comparison, id: comparisonId(comparison) },
		images_compared: scored.length,
		constant_maps: constant,
		images_without_model_map: withoutModel,
		images_without_human_map: withoutHuman
	};
}

/**
 * Reads maps in the JSON format {"<image_id>": {"width": W, "height": H, "data": [...],
 * "reliability"?: r, "reliability_comparison"?: "harmonization@224"}}; `what` names the file in errors.
 */
export function parseFeatureMaps(text: string, what: string): Record<string, HumanFeatureMap> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new FeatureInputError(`${what} is not valid JSON: ${(error as Error).message}`);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new FeatureInputError(`${what} must be an object {"<image_id>": {"width": W, "height": H, "data": [row-major numbers]}}`);
	}
	const maps: Record<string, HumanFeatureMap> = {};
	for (const [id, value] of Object.entries(parsed as Record<string, unknown>)) {
		const m = value as { width?: unknown; height?: unknown; data?: unknown; reliability?: unknown; reliability_comparison?: unknown };
		const bad = (why: string) => new FeatureInputError(`${what}, image ${id}: ${why}`);
		if (!m || typeof m !== 'object') throw bad('must be an object {"width", "height", "data"}');
		const { width, height } = m;
		if (!Number.isInteger(width) || !Number.isInteger(height) || (width as number) < 1 || (height as number) < 1) throw bad(`width and height must be positive whole numbers (got ${width} x ${height})`);
		if (!Array.isArray(m.data)) throw bad('"data" must be an array of numbers');
		if (m.data.length !== (width as number) * (height as number)) throw bad(`"data" has ${m.data.length} values, expected width x height = ${(width as number) * (height as number)}`);
		const at = m.data.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
		if (at >= 0) throw bad(`value ${at} (x=${at % (width as number)}, y=${Math.floor(at / (width as number))}) is not a finite number`);
		if (m.reliability !== undefined && m.reliability !== null && typeof m.reliability !== 'number') throw bad('"reliability" must be a number');
		if (m.reliability_comparison !== undefined && m.reliability_comparison !== null && typeof m.reliability_comparison !== 'string') throw bad('"reliability_comparison" must be a string such as "harmonization@224"');
		maps[id] = {
			width: width as number,
			height: height as number,
			data: Float64Array.from(m.data as number[]),
			reliability: (m.reliability as number | null | undefined) ?? null,
			reliability_comparison: (m.reliability_comparison as string | null | undefined) ?? null
		};
	}
	return maps;
}
