/**
 * The manifest of a built stimulus set (`manifest.json` at the set's root): the single record of
 * which files people and models are shown, with their sha256, so both see byte-identical stimuli.
 * Paths are relative to the manifest's folder.
 */
import type { Category } from './config.js';
import { isTaskId, taskOf, TASKS, type TaskId } from './task.js';

export const MANIFEST_FORMAT = 'see-like-people/stimulus-set@1';

export interface Attribution {
	author: string;
	license: string;
	source: string;
}

export interface ImageRecord {
	image_id: string;
	category: Category;
	/** Standard ImageNet-1k indices (0..999) of the classes the photo's object belongs to. */
	imagenet_classes: number[];
	width: number;
	height: number;
	file: string;
	sha256: string;
	/** The phase-scrambled background shared by the image's stimuli. */
	noise_file: string;
	noise_sha256: string;
	/** The importance map the reveals follow, as a 16-bit PNG scaled to its maximum. */
	map_file: string;
	attribution: Attribution | null;
}

export interface StimulusRecord {
	/** Stable id: derived from (set name, image id, level index). */
	id: string;
	image_id: string;
	category: Category;
	level_index: number;
	/** Proportion of the image's pixels revealed, p. */
	reveal: number;
	/** k = round(p x H x W). */
	revealed_pixels: number;
	/** Translation applied to the revealed pixels to centre them, px. */
	shift_x: number;
	shift_y: number;
	seed: number;
	file: string;
	sha256: string;
	/** 255 where the stimulus shows image content, in stimulus coordinates. */
	mask_file: string;
	mask_sha256: string;
}

export interface StimulusSetManifest {
	format: typeof MANIFEST_FORMAT;
	name: string;
	/** The observers' task (task.ts): its categories and how a model's outputs map onto them. Absent: the default task, animal vs non-animal. */
	task?: TaskId;
	seed: number;
	levels: number[];
	map_source: string;
	/** How each random choice derives from the seed. */
	seeding: string;
	images: ImageRecord[];
	stimuli: StimulusRecord[];
}

/** Checks the shape of a parsed manifest and returns it typed; throws naming the first problem. */
export function checkManifest(value: unknown): StimulusSetManifest {
	const m = value as StimulusSetManifest;
	if (!m || typeof m !== 'object') throw new Error('manifest must be a JSON object');
	if (m.format !== MANIFEST_FORMAT) throw new Error(`manifest format must be "${MANIFEST_FORMAT}" (got ${JSON.stringify(m.format)})`);
	if (!Array.isArray(m.images) || !Array.isArray(m.stimuli) || !Array.isArray(m.levels)) {
		throw new Error('manifest must have images, stimuli and levels arrays');
	}
	if (m.task !== undefined && !isTaskId(m.task)) throw new Error(`manifest task must be one of ${Object.keys(TASKS).join(', ')} (got ${JSON.stringify(m.task)})`);
	const categories: readonly string[] = taskOf(m).categories;
	const images = new Set<string>();
	for (const image of m.images) {
		if (!categories.includes(image.category)) throw new Error(`image ${image.image_id}: category must be ${categories.join(' or ')}`);
		images.add(image.image_id);
	}
	for (const s of m.stimuli) {
		if (!images.has(s.image_id)) throw new Error(`stimulus ${s.file}: image ${s.image_id} is not in the manifest's images`);
		if (!(s.reveal > 0 && s.reveal <= 1)) throw new Error(`stimulus ${s.file}: reveal must be in (0, 1]`);
	}
	return m;
}
