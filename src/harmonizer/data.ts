/**
 * Training data for the harmonizer: the images of a stimulus set with their ImageNet classes and,
 * where people made one, their ClickMe map (source `clickme`, as stored by src/clickgame). Split
 * into training and held-out images by a seed; only images with a map are held out (alignment
 * needs one). Images without a map still train, on the cross-entropy alone (token 0), as the
 * Harmonization code's `tokens` allow (docs/training.md: "1 means heatmaps provided"). The same
 * code serves the page (maps and files from the database and the app) and the command line.
 */
import { harmonizationPreprocess, type FeatureMap, type HumanFeatureMap } from '../analysis/features.js';
import type { RgbImage } from '../stimuli/image.js';
import { mapFromPng } from '../stimuli/importance-map.js';
import type { StimulusSetManifest } from '../stimuli/manifest.js';
import { seededRandom } from '../stimuli/random.js';

/** One training image. */
export interface HarmonizeImage {
	image_id: string;
	image: RgbImage;
	/** Standard ImageNet-1k classes the image lists (the label: the one the model scores highest, as saliency.ts's target rule). */
	classes: readonly number[];
	/** People's map at the image's size, or null (then the image trains on the cross-entropy only). */
	map: HumanFeatureMap | null;
}

/** Data that cannot train: the sentence names the set or image. */
export class HarmonizeDataError extends Error {}

/** The default share of mapped images held out for the before/after comparison. */
export const DEFAULT_HELD_OUT = 0.25;

/**
 * Seeded split: the mapped images in an order drawn from seededRandom('harmonize-split', seed),
 * the first round(share x n) (at least 1, leaving at least 1 to train on) held out; every image
 * without a map trains.
 */
export function splitHeldOut(images: readonly HarmonizeImage[], seed: number, share = DEFAULT_HELD_OUT): { train: HarmonizeImage[]; heldOut: HarmonizeImage[] } {
	const mapped = images.filter((i) => i.map !== null);
	if (mapped.length < 2) throw new HarmonizeDataError(`harmonizing needs at least 2 images with a ClickMe map (one to train on, one held out); this set has ${mapped.length}`);
	if (!(share > 0 && share < 1)) throw new HarmonizeDataError(`the held-out share must be between 0 and 1 (got ${share})`);
	const random = seededRandom('harmonize-split', seed);
	const order = mapped.map((image) => ({ image, key: random() })).sort((a, b) => a.key - b.key).map((x) => x.image);
	const count = Math.min(mapped.length - 1, Math.max(1, Math.round(share * mapped.length)));
	const heldOut = order.slice(0, count);
	const held = new Set(heldOut.map((i) => i.image_id));
	return { train: images.filter((i) => !held.has(i.image_id)), heldOut };
}

/**
 * The human map as the Harmonization code trains on it (common/clickme_dataset.py
 * `parse_clickme_prototype`: resized to 64 x 64, Gaussian-blurred, resized to the model's input),
 * which is the same preprocessing the alignment score applies (`harmonizationPreprocess`,
 * src/analysis/features.ts). Row-major, size x size.
 */
export function trainingMap(map: FeatureMap, size: number): Float32Array {
	return Float32Array.from(harmonizationPreprocess(map, size, size).data as ArrayLike<number>);
}

/** A stored map row (src/data importanceMapsOf) as a human map with its reliability. */
export function humanMapFromRow(row: { image_id: string; png: Uint8Array; reliability?: number | null; params?: Record<string, unknown> }): HumanFeatureMap {
	const map = mapFromPng(row.png);
	const comparison = row.params?.reliability_comparison;
	return { ...map, reliability: row.reliability ?? null, reliability_comparison: typeof comparison === 'string' ? comparison : null };
}

/**
 * The set's images with their classes and maps: `loadImage(file, sha256)` gives an image of the
 * manifest (the page fetches it from the app, the command line too). Images that list no ImageNet
 * class have no label and are left out (named in `skipped`).
 */
export async function harmonizeImages(
	manifest: StimulusSetManifest,
	maps: ReadonlyMap<string, HumanFeatureMap>,
	loadImage: (file: string, sha256: string) => Promise<RgbImage>,
	onProgress?: (done: number, total: number) => void
): Promise<{ images: HarmonizeImage[]; skipped: string[] }> {
	const unknown = [...maps.keys()].filter((id) => !manifest.images.some((i) => i.image_id === id));
	if (unknown.length) throw new HarmonizeDataError(`the map of image ${unknown[0]} belongs to no image of set "${manifest.name}"`);
	const images: HarmonizeImage[] = [];
	const skipped: string[] = [];
	for (const [i, record] of manifest.images.entries()) {
		if (!record.imagenet_classes.length) {
			skipped.push(record.image_id);
			continue;
		}
		images.push({ image_id: record.image_id, image: await loadImage(record.file, record.sha256), classes: record.imagenet_classes, map: maps.get(record.image_id) ?? null });
		onProgress?.(i + 1, manifest.images.length);
	}
	return { images, skipped };
}
