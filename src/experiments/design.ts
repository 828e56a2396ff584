/**
 * The trial list of one participant, a pure function of the set, the study config and the
 * server's assignment (Latin-square row j, order seed), so a reload rebuilds the same list:
 *  - practice: `practice_trials` held-out images (alternating animal / non-animal, fixed per
 *    set) shown fully revealed with feedback; they never appear in the main blocks;
 *  - main: every other image once (or the first `images_per_session` by id), image i (in id
 *    order) at level (i + j) mod L - a Latin square, so levels are balanced over images and
 *    participants; the fully revealed level serves as catch trials;
 *  - the main trials in a random order drawn from the order seed, cut into `blocks` blocks.
 */
import { seededRandom } from '../stimuli/random.js';
import type { StimulusSetManifest } from '../stimuli/manifest.js';
import { imagesPerBlock, type StudyConfig } from './config.js';

export interface PlannedTrial {
	/** Position in the session, 0-based, practice first. */
	trial_index: number;
	block: 'practice' | 'main';
	/** 0 for practice, 1..blocks for main blocks. */
	block_number: number;
	stimulus_id: string;
	image_id: string;
	category: 'animal' | 'non_animal';
	level_index: number;
	reveal: number;
	file: string;
	sha256: string;
	/** Drawn per trial from [fixation_min_ms, fixation_max_ms]. */
	fixation_ms: number;
}

/** Fisher-Yates shuffle with a seeded generator. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

/** The held-out practice images: alternating animal / non-animal, chosen by a fixed seed per set. */
export function practiceImageIds(manifest: StimulusSetManifest, count: number): string[] {
	const random = seededRandom('practice-images', manifest.name);
	const byCategory = (category: string) => shuffled(manifest.images.filter((i) => i.category === category).map((i) => i.image_id).sort(), random);
	const animals = byCategory('animal'), others = byCategory('non_animal');
	const picked: string[] = [];
	for (let i = 0; picked.length < count && (animals.length || others.length); i++) {
		const from = i % 2 === 0 ? animals : others;
		const id = from.shift() ?? (i % 2 === 0 ? others : animals).shift();
		if (id) picked.push(id);
	}
	return picked;
}

/**
 * How many pictures a participant sees, without drawing the trials (the intro page reads it
 * before the session starts): practice = the held-out practice images there are (at most
 * `practice_trials`); main = every other image, or the first `images_per_session`; blocks = the
 * blocks planSession fills, ceil(main / perBlock) with perBlock = ceil(main / config.blocks), which
 * can be fewer than `config.blocks` (6 images in 4 blocks: 3 blocks of 2). design.test.ts checks
 * it against planSession.
 */
export function sessionSize(manifest: StimulusSetManifest, config: StudyConfig): { practice: number; main: number; total: number; blocks: number } {
	const practice = practiceImageIds(manifest, config.practice_trials).length;
	const others = manifest.images.length - practice;
	const main = config.images_per_session === null ? others : Math.min(others, config.images_per_session);
	const blocks = main === 0 ? 0 : Math.ceil(main / Math.ceil(main / config.blocks));
	return { practice, main, total: practice + main, blocks };
}

export function planSession(manifest: StimulusSetManifest, config: StudyConfig, latinRow: number, orderSeed: number): PlannedTrial[] {
	const levels = manifest.levels.length;
	const fullLevel = levels - 1;
	const stimulus = (imageId: string, level: number) => {
		const s = manifest.stimuli.find((x) => x.image_id === imageId && x.level_index === level);
		if (!s) throw new Error(`the set has no stimulus for image ${imageId} at level ${level}`);
		return s;
	};
	const fixations = seededRandom('fixation', orderSeed);
	const fixation = () => {
		const { fixation_min_ms: lo, fixation_max_ms: hi } = config.timing;
		return Math.round(lo + fixations() * (hi - lo));
	};

	const practiceIds = practiceImageIds(manifest, config.practice_trials);
	let mainIds = manifest.images.map((i) => i.image_id).filter((id) => !practiceIds.includes(id)).sort();
	if (config.images_per_session !== null) mainIds = mainIds.slice(0, config.images_per_session);

	const main = shuffled(
		mainIds.map((imageId, i) => ({ imageId, level: (i + latinRow) % levels })),
		seededRandom('trial-order', orderSeed)
	);
	const perBlock = imagesPerBlock(main.length, config.blocks);
	const trials: PlannedTrial[] = [];
	const add = (block: 'practice' | 'main', blockNumber: number, imageId: string, level: number) => {
		const s = stimulus(imageId, level);
		trials.push({
			trial_index: trials.length,
			block,
			block_number: blockNumber,
			stimulus_id: s.id,
			image_id: imageId,
			category: s.category,
			level_index: level,
			reveal: s.reveal,
			file: s.file,
			sha256: s.sha256,
			fixation_ms: fixation()
		});
	};
	practiceIds.forEach((id) => add('practice', 0, id, fullLevel));
	main.forEach(({ imageId, level }, i) => add('main', Math.floor(i / perBlock) + 1, imageId, level));
	return trials;
}
