/**
 * Building one image's stimuli at every level: pure (no file system), so that Node's CLI and a
 * browser produce the same bytes. Per image and level i with proportion p_i:
 *   k_i = round(p_i H W); revealed = the k_i first pixels of the importance order (ties in a
 *   seeded random order); shift = centering of their centroid; stimulus = background with the
 *   revealed pixels moved by the shift.
 * Seeds: the noise phase uses seededRandom('phase-scramble', `${seed}:${image_id}`), the tie order
 * seededRandom('importance-ties', seed, image_id).
 */
import type { Category } from './config.js';
import { sha256Hex, stableUuid } from './hash.js';
import { checkImportanceMap, mapToPng, type ImportanceMap } from './importance-map.js';
import { checkRgbImage, type RgbImage } from './image.js';
import { revealedPixelCount } from './levels.js';
import { MANIFEST_FORMAT, type Attribution, type ImageRecord, type StimulusRecord, type StimulusSetManifest } from './manifest.js';
import type { TaskId } from './task.js';
import { phaseScrambledNoise } from './phase-scramble.js';
import { maskToPng, rgbToPng } from './png.js';
import { seededRandom } from './random.js';
import { centeringShift, composeStimulus, importanceOrder, topKMask } from './reveal.js';

export const SEEDING_RULE =
	"noise phase: seededRandom('phase-scramble', '<seed>:<image_id>'); tie order: seededRandom('importance-ties', <seed>, <image_id>)";

export interface ImageInput {
	imageId: string;
	category: Category;
	imagenetClasses: number[];
	attribution: Attribution | null;
	image: RgbImage;
	map: ImportanceMap;
}

export interface BuiltFile {
	path: string;
	bytes: Uint8Array;
}

export interface BuiltImage {
	files: BuiltFile[];
	image: ImageRecord;
	stimuli: StimulusRecord[];
}

export async function buildImageStimuli(setName: string, input: ImageInput, levels: number[], seed: number): Promise<BuiltImage> {
	const { imageId, image, map } = input;
	checkRgbImage(image, `image ${imageId}`);
	checkImportanceMap(map, { width: image.width, height: image.height });
	const { width, height } = image;
	const files: BuiltFile[] = [];
	const add = async (path: string, bytes: Uint8Array) => {
		files.push({ path, bytes });
		return sha256Hex(bytes);
	};

	const background = phaseScrambledNoise(image, `${seed}:${imageId}`);
	const imageFile = `images/${imageId}.png`;
	const noiseFile = `noise/${imageId}.png`;
	const mapFile = `maps/${imageId}.png`;
	const record: ImageRecord = {
		image_id: imageId,
		category: input.category,
		imagenet_classes: input.imagenetClasses,
		width,
		height,
		file: imageFile,
		sha256: await add(imageFile, rgbToPng(image)),
		noise_file: noiseFile,
		noise_sha256: await add(noiseFile, rgbToPng(background)),
		map_file: mapFile,
		attribution: input.attribution
	};
	await add(mapFile, mapToPng(map));

	const order = importanceOrder(map, seededRandom('importance-ties', seed, imageId));
	const stimuli: StimulusRecord[] = [];
	for (const [levelIndex, reveal] of levels.entries()) {
		const k = revealedPixelCount(reveal, width, height);
		const mask = topKMask(order, k);
		const shift = centeringShift(mask, width, height);
		const { stimulus, shownMask } = composeStimulus(image, background, mask, shift);
		const file = `stimuli/${imageId}/${levelIndex}.png`;
		const maskFile = `masks/${imageId}/${levelIndex}.png`;
		stimuli.push({
			id: await stableUuid(setName, imageId, levelIndex),
			image_id: imageId,
			category: input.category,
			level_index: levelIndex,
			reveal,
			revealed_pixels: k,
			shift_x: shift.dx,
			shift_y: shift.dy,
			seed,
			file,
			sha256: await add(file, rgbToPng(stimulus)),
			mask_file: maskFile,
			mask_sha256: await add(maskFile, maskToPng(shownMask, width, height))
		});
	}
	return { files, image: record, stimuli };
}

/** What a whole set is built with; the manifest records each. */
export interface SetBuildParameters {
	/** The set's name, part of every stable stimulus id (a recorded set's is its slug). */
	name: string;
	levels: number[];
	seed: number;
	/** clickme, center-bias, uploaded or model:<id> (importance-map.ts). */
	mapSource: string;
	/** Absent: the default task, not recorded (task.ts). */
	task?: TaskId;
}

/** A set's manifest before its images are added (addImageToSet adds them one by one). */
export function newSetManifest(p: SetBuildParameters): StimulusSetManifest {
	return { format: MANIFEST_FORMAT, name: p.name, ...(p.task ? { task: p.task } : {}), seed: p.seed, levels: p.levels, map_source: p.mapSource, seeding: SEEDING_RULE, images: [], stimuli: [] };
}

/** Builds one image's stimuli into the manifest and returns its files (to write or upload). */
export async function addImageToSet(manifest: StimulusSetManifest, input: ImageInput): Promise<BuiltFile[]> {
	const built = await buildImageStimuli(manifest.name, input, manifest.levels, manifest.seed);
	manifest.images.push(built.image);
	manifest.stimuli.push(...built.stimuli);
	return built.files;
}

/** manifest.json as the set stores it (tab-indented, final newline): the same bytes from every path. */
export function manifestFile(manifest: StimulusSetManifest): BuiltFile {
	return { path: 'manifest.json', bytes: new TextEncoder().encode(JSON.stringify(manifest, null, '\t') + '\n') };
}
