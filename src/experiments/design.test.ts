import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, type StimulusSetManifest } from '../stimuli/manifest.js';
import { StudyConfigError } from './config.js';
import { resolveStudyConfig } from './study-rules.js';
import { planSession, practiceImageIds, sessionSize } from './design.js';

/** A set of `n` images (alternating categories) at `levels` levels, ids img-00.. */
function manifest(n: number, levels: number): StimulusSetManifest {
	const ids = Array.from({ length: n }, (_, i) => `img-${String(i).padStart(2, '0')}`);
	return {
		format: MANIFEST_FORMAT, name: 'unit', seed: 1, map_source: 'uploaded', seeding: '',
		levels: Array.from({ length: levels }, (_, l) => (l === levels - 1 ? 1 : 0.01 * (l + 1))),
		images: ids.map((id, i) => ({ image_id: id, category: i % 2 ? 'non_animal' : 'animal', imagenet_classes: [], width: 8, height: 8,
			file: '', sha256: '', noise_file: '', noise_sha256: '', map_file: '', attribution: null })),
		stimuli: ids.flatMap((id, i) => Array.from({ length: levels }, (_, l) => ({
			id: `${id}-${l}`, image_id: id, category: (i % 2 ? 'non_animal' : 'animal') as 'animal' | 'non_animal', level_index: l,
			reveal: l === levels - 1 ? 1 : 0.01 * (l + 1), revealed_pixels: 1, shift_x: 0, shift_y: 0, seed: 1,
			file: `stimuli/${id}/${l}.png`, sha256: 'x', mask_file: '', mask_sha256: ''
		})))
	};
}

describe('study config', () => {
	it('fills defaults from the paper and keeps what the study sets', () => {
		const config = resolveStudyConfig({ blocks: 2, timing: { feedback_ms: 500 } });
		expect(config.timing).toEqual({ fixation_min_ms: 1100, fixation_max_ms: 1600, stimulus_ms: 400, response_window_ms: 550, feedback_ms: 500 });
		expect(config.blocks).toBe(2);
		expect(config.keys).toEqual(['s', 'l']);
	});
	it('refuses bad settings, naming the field', () => {
		// each rule's sentence: study-settings.test.ts
		expect(() => resolveStudyConfig({ keyz: [] })).toThrow('unknown field "keyz"');
		expect(() => resolveStudyConfig({ keys: ['s', 's'] })).toThrow(StudyConfigError);
		expect(() => resolveStudyConfig({ blocks: 0 })).toThrow('Blocks must be a whole number of at least 1 (got 0).');
		expect(() => resolveStudyConfig({ timing: { fixation_min_ms: 2000 } })).toThrow('Shortest fixation (ms) (2000) must not exceed');
		expect(() => resolveStudyConfig({ timing: { response_window_ms: 300 } })).toThrow('Response window (ms) (300) must be at least');
		expect(() => resolveStudyConfig({ calibration: 'ruler' })).toThrow('Screen calibration must be one of none, virtual-chinrest (got "ruler").');
	});
	it('calibrates the screen only when the study asks for it', () => {
		expect(resolveStudyConfig({}).calibration).toBe('none');
		expect(resolveStudyConfig({ calibration: 'virtual-chinrest' }).calibration).toBe('virtual-chinrest');
	});
});

describe('session design', () => {
	const set = manifest(26, 5); // 26 images: 2 practice + 24 main, 5 levels
	const config = resolveStudyConfig({ practice_trials: 2, blocks: 3 });

	it('sessionSize counts what planSession draws (the intro page reads it)', () => {
		const cases = [
			{ practice_trials: 2, blocks: 3 },
			{ practice_trials: 2, blocks: 4, images_per_session: 6 }, // 3 blocks of 2, not 4
			{ practice_trials: 0, blocks: 1 },
			{ practice_trials: 40, blocks: 2 }, // more practice asked for than there are images
			{ practice_trials: 6, blocks: 5, images_per_session: 7 }
		];
		for (const given of cases) {
			const plan = planSession(set, resolveStudyConfig(given), 1, 3);
			const practice = plan.filter((t) => t.block === 'practice').length;
			const main = plan.length - practice;
			const blocks = new Set(plan.filter((t) => t.block === 'main').map((t) => t.block_number)).size;
			expect(sessionSize(set, resolveStudyConfig(given)), JSON.stringify(given)).toEqual({ practice, main, total: plan.length, blocks });
		}
	});

	it('holds practice images out of the main blocks and shows them fully revealed, animal first', () => {
		const practice = practiceImageIds(set, 2);
		const plan = planSession(set, config, 0, 42);
		expect(plan.slice(0, 2).map((t) => t.image_id)).toEqual(practice);
		expect(plan.slice(0, 2).map((t) => [t.block, t.level_index])).toEqual([['practice', 4], ['practice', 4]]);
		expect(plan[0]!.category).toBe('animal');
		expect(plan[1]!.category).toBe('non_animal');
		expect(plan.slice(2).some((t) => practice.includes(t.image_id))).toBe(false);
	});

	it('shows every main image once, image i (by id) at level (i + j) mod L', () => {
		const practice = practiceImageIds(set, 2);
		const main = set.images.map((i) => i.image_id).filter((id) => !practice.includes(id)).sort();
		for (const row of [0, 1, 3]) {
			const plan = planSession(set, config, row, 7).filter((t) => t.block === 'main');
			expect(plan.map((t) => t.image_id).sort()).toEqual(main);
			for (const t of plan) expect(t.level_index).toBe((main.indexOf(t.image_id) + row) % 5);
		}
	});

	it('balances levels: over L participants each image appears at every level exactly once', () => {
		const seen = new Map<string, Set<number>>();
		for (let row = 0; row < 5; row++) {
			for (const t of planSession(set, config, row, row).filter((x) => x.block === 'main')) {
				seen.set(t.image_id, (seen.get(t.image_id) ?? new Set()).add(t.level_index));
			}
		}
		for (const levels of seen.values()) expect([...levels].sort()).toEqual([0, 1, 2, 3, 4]);
		// and within one participant the 24 images spread evenly: 24 / 5 -> 4 or 5 per level
		const counts = [0, 0, 0, 0, 0];
		for (const t of planSession(set, config, 2, 1).filter((x) => x.block === 'main')) counts[t.level_index]!++;
		expect(counts.every((c) => c === 4 || c === 5)).toBe(true);
	});

	it('orders trials by the seed (same seed, same order), in blocks of equal size, fixations in 1100-1600 ms', () => {
		const a = planSession(set, config, 1, 99), b = planSession(set, config, 1, 99), c = planSession(set, config, 1, 100);
		expect(a).toEqual(b);
		expect(a.map((t) => t.image_id)).not.toEqual(c.map((t) => t.image_id));
		expect(a.filter((t) => t.block === 'main').map((t) => t.block_number)).toEqual([...Array(8).fill(1), ...Array(8).fill(2), ...Array(8).fill(3)]);
		expect(a.map((t) => t.trial_index)).toEqual([...Array(26).keys()]);
		expect(a.every((t) => t.fixation_ms >= 1100 && t.fixation_ms <= 1600)).toBe(true);
		expect(new Set(a.map((t) => t.fixation_ms)).size).toBeGreaterThan(10);
	});

	it('caps the images per session when the study asks', () => {
		const plan = planSession(set, resolveStudyConfig({ practice_trials: 2, images_per_session: 6, blocks: 2 }), 0, 1);
		expect(plan).toHaveLength(8);
	});
});
