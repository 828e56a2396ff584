/**
 * Every rule of a study's settings (src/experiments/study-rules.ts), each with its sentence: the
 * config's own checks, the checks against the stimulus set, the warnings, short name and title.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STUDY_CONFIG, STUDY_FIELD_LABELS, StudyConfigError, blockSizes, type StudyConfig } from './config.js';
import {
	SLUG_PATTERN,
	mainImageCount,
	maxBlocks,
	resolveStudyConfig,
	studyConfigProblems,
	studyConfigWarnings,
	studyDesignProblems,
	studySlugProblem,
	studyTitleProblem,
	suggestSlug
} from './study-rules.js';
import { planSession } from './design.js';
import { MANIFEST_FORMAT, type StimulusSetManifest } from '../stimuli/manifest.js';

/** The one problem of `given` (a partial config): its field and sentence. */
function problem(given: unknown) {
	const problems = studyConfigProblems(given);
	expect(problems, JSON.stringify(given)).toHaveLength(1);
	return problems[0]!;
}

describe('study config: each field', () => {
	it('takes the defaults (the paper\'s) and old configs without the new fields', () => {
		expect(studyConfigProblems({})).toEqual([]);
		expect(studyConfigProblems(null)).toEqual([]);
		expect(resolveStudyConfig({ keys: ['s', 'l'], texts: { consent: '<p>Old HTML</p>' } }).texts.consent_title).toBe('Consent to take part');
		expect(studyConfigProblems(DEFAULT_STUDY_CONFIG)).toEqual([]);
	});
	it('refuses a config that is not an object, unknown fields and unknown nested fields, by name', () => {
		expect(problem([1])).toEqual({ field: 'config', message: 'The study config must be a JSON object.' });
		expect(problem({ blokcs: 2 }).message).toMatch(/^The study config has an unknown field "blokcs" \(known: keys, blocks/);
		expect(problem({ timing: { stimulus: 300 } }).message).toMatch(/^The study config's "timing" has an unknown field "stimulus" \(known: fixation_min_ms/);
		expect(problem({ texts: 'hello' }).message).toBe('The study config\'s "texts" must be an object (got "hello").');
	});
	it('keys: two different lower-case letters or digits', () => {
		expect(problem({ keys: ['S', 'l'] })).toEqual({ field: 'keys', message: 'Response keys must be two lower-case letters or digits, e.g. "s" and "l" (got ["S","l"]).' });
		expect(problem({ keys: ['s'] }).field).toBe('keys');
		expect(problem({ keys: [' ', 'l'] }).field).toBe('keys');
		expect(problem({ keys: ['f', 'f'] }).message).toBe('Response keys must be two different keys (both are "f").');
		expect(studyConfigProblems({ keys: ['f', 'j'] })).toEqual([]);
	});
	it('blocks, practice trials and images per participant: whole numbers', () => {
		expect(problem({ blocks: 0 })).toEqual({ field: 'blocks', message: 'Blocks must be a whole number of at least 1 (got 0).' });
		expect(problem({ blocks: 2.5 }).field).toBe('blocks');
		expect(problem({ practice_trials: -1 })).toEqual({ field: 'practice_trials', message: 'Practice trials must be a whole number of at least 0 (got -1).' });
		expect(problem({ images_per_session: 0 })).toEqual({ field: 'images_per_session', message: 'Images per participant must be a whole number of at least 1 (got 0).' });
		expect(studyConfigProblems({ practice_trials: 0, images_per_session: null })).toEqual([]);
		expect(problem({ blocks: null }).message).toBe('Blocks must be a whole number of at least 1 (got nothing).'); // an emptied field
	});
	it('timings: whole ms, fixation min <= max < 60 s, a stimulus of at least 1 ms, a response window no shorter than the stimulus', () => {
		expect(problem({ timing: { fixation_min_ms: 2000 } })).toEqual({
			field: 'timing.fixation_min_ms', message: 'Shortest fixation (ms) (2000) must not exceed longest fixation (ms) (1600).'
		});
		expect(problem({ timing: { fixation_max_ms: 60_000 } })).toEqual({
			field: 'timing.fixation_max_ms', message: 'Longest fixation (ms) must be a whole number from 0 to 59999 (got 60000).'
		});
		expect(problem({ timing: { stimulus_ms: 0 } }).message).toBe('Stimulus duration (ms) must be a whole number of at least 1 (got 0).');
		expect(problem({ timing: { response_window_ms: 300 } })).toEqual({
			field: 'timing.response_window_ms',
			message: 'Response window (ms) (300) must be at least the stimulus duration (400): answers count from the stimulus\' onset.'
		});
		expect(problem({ timing: { feedback_ms: -5 } }).field).toBe('timing.feedback_ms');
		expect(problem({ timing: { stimulus_ms: '400' } }).message).toBe('Stimulus duration (ms) must be a whole number of at least 1 (got "400").');
	});
	it('stimulus size: at least 32 px', () => {
		expect(problem({ stimulus_px: 16 })).toEqual({ field: 'stimulus_px', message: 'Stimulus size (px) must be a whole number of at least 32 (got 16).' });
	});
	it('texts: consent title, consent and debrief required; every text bounded', () => {
		expect(problem({ texts: { consent: '  ' } })).toEqual({ field: 'texts.consent', message: 'Consent text must not be empty.' });
		expect(problem({ texts: { debrief: '' } })).toEqual({ field: 'texts.debrief', message: 'Debrief text must not be empty.' });
		expect(problem({ texts: { consent_title: '' } }).field).toBe('texts.consent_title');
		expect(problem({ texts: { consent: 'x'.repeat(20_001) } }).message).toBe('Consent text must be at most 20000 characters (it has 20001).');
		expect(problem({ texts: { contact: 'x'.repeat(201) } }).message).toBe('Contact must be at most 200 characters (it has 201).');
		expect(problem({ texts: { ethics_approval_id: 7 } }).message).toBe('Ethics approval number must be text (got 7).');
		expect(studyConfigProblems({ texts: { contact: '', ethics_committee: '', ethics_approval_id: '' } })).toEqual([]);
	});
	it('MTurk: sandbox or live', () => {
		expect(problem({ mturk_mode: 'production' })).toEqual({ field: 'mturk_mode', message: 'MTurk must be sandbox or live (got "production").' });
		expect(studyConfigProblems({ mturk_mode: 'live' })).toEqual([]);
	});
	it('pay and expected duration', () => {
		expect(problem({ payment: { amount: -1 } })).toEqual({ field: 'payment.amount', message: 'Pay must be an amount from 0 to 10000 (got -1).' });
		expect(problem({ payment: { amount: 3.555 } }).message).toBe('Pay must have at most two decimals, e.g. 3.50 (got 3.555).');
		expect(studyConfigProblems({ payment: { amount: 3.1 } })).toEqual([]); // 3.1 * 100 is 310.00000000000006
		expect(problem({ payment: { currency: 'usd' } }).message).toBe('Currency must be a three-letter code such as USD, GBP or EUR (got "usd").');
		expect(problem({ payment: { minutes: 0 } })).toEqual({ field: 'payment.minutes', message: 'Expected duration (minutes) must be a whole number from 1 to 600 (got 0).' });
	});
	it('Prolific completion and screen-out codes: letters, digits, _ or -, or none', () => {
		expect(problem({ prolific_completion_code: 'C0DE 1' })).toEqual({
			field: 'prolific_completion_code', message: 'Prolific completion code must be 1-64 letters, digits, _ or - (got "C0DE 1"), or empty when not on Prolific.'
		});
		expect(problem({ prolific_screenout_code: '' }).field).toBe('prolific_screenout_code');
		expect(studyConfigProblems({ prolific_completion_code: 'C1A2B3C4', prolific_screenout_code: 'NOPE-2' })).toEqual([]);
	});
	it('lists every problem, and resolveStudyConfig throws them all', () => {
		const problems = studyConfigProblems({ blocks: 0, stimulus_px: 1, payment: { currency: 'x' } });
		expect(problems.map((p) => p.field)).toEqual(['blocks', 'stimulus_px', 'payment.currency']);
		const error = (() => { try { resolveStudyConfig({ blocks: 0, stimulus_px: 1 }); } catch (e) { return e; } })();
		expect(error).toBeInstanceOf(StudyConfigError);
		expect((error as StudyConfigError).problems).toHaveLength(2);
	});
	it('names every field by the label the form shows', () => {
		for (const field of Object.keys(STUDY_FIELD_LABELS)) expect(STUDY_FIELD_LABELS[field as keyof typeof STUDY_FIELD_LABELS]).toMatch(/^[A-Z]/);
	});
});

describe('study design against its stimulus set', () => {
	const demo = { images: 93, levels: 10 };
	const config = (given: Partial<StudyConfig>) => resolveStudyConfig(given);

	it('the defaults fit the demo set', () => {
		expect(studyDesignProblems(config({}), demo)).toEqual([]);
	});
	it('no more images per participant than the set has after the practice images', () => {
		expect(studyDesignProblems(config({ images_per_session: 88 }), demo)).toEqual([{
			field: 'images_per_session',
			message: 'Images per participant (88) is more than the set has: 93 images, 6 of them held out for practice, so at most 87.'
		}]);
		expect(studyDesignProblems(config({ images_per_session: 87 }), demo)).toEqual([]);
	});
	it('practice leaves images for the main blocks', () => {
		expect(studyDesignProblems(config({ practice_trials: 93 }), demo)).toEqual([{
			field: 'practice_trials',
			message: 'Practice trials (93) must leave images for the main blocks: the set has 93 images, and practice images are held out.'
		}]);
	});
	it('every block has at least as many images as the set has reveal levels (no 20 blocks of 3 images)', () => {
		expect(studyDesignProblems(config({ blocks: 20, images_per_session: 60 }), demo)).toEqual([{
			field: 'blocks',
			message: 'Blocks (20) would leave a block with 3 of the 60 images; each block needs at least 10 (one per reveal level of the set), so use at most 6 blocks.'
		}]);
		expect(studyDesignProblems(config({ blocks: 6, images_per_session: 60 }), demo)).toEqual([]);
		// 87 images in 9 blocks: 10 per block, the last has 7
		expect(studyDesignProblems(config({ blocks: 9 }), demo)[0]?.message).toBe(
			'Blocks (9) would leave a block with 7 of the 87 images; each block needs at least 10 (one per reveal level of the set), so use at most 8 blocks.');
		expect(studyDesignProblems(config({ blocks: 1, images_per_session: 5 }), demo)[0]?.message).toBe(
			'Blocks (1) would leave a block with 5 of the 5 images; each block needs at least 10 (one per reveal level of the set), so use more images per participant (at least 10).');
	});
	it('cuts blocks as planSession does', () => {
		expect(blockSizes(10, 6)).toEqual([2, 2, 2, 2, 2, 0]);
		expect(blockSizes(87, 9)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 7]);
		expect(maxBlocks(87, 10)).toBe(8);
		expect(maxBlocks(5, 10)).toBe(0);
		const set = manifest(30, 3);
		for (const [blocks, perSession] of [[4, null], [7, 20], [3, 5]] as const) {
			const c = config({ blocks, images_per_session: perSession, practice_trials: 2 });
			const plan = planSession(set, c, 0, 1).filter((t) => t.block === 'main');
			expect(plan.length).toBe(mainImageCount(c, 30));
			const sizes = Array.from({ length: blocks }, (_, b) => plan.filter((t) => t.block_number === b + 1).length);
			expect(sizes).toEqual(blockSizes(plan.length, blocks));
		}
	});
});

describe('warnings', () => {
	it('name each timing and the size changed from the paper\'s, with both values', () => {
		expect(studyConfigWarnings(resolveStudyConfig({}))).toEqual([]);
		expect(studyConfigWarnings(resolveStudyConfig({ timing: { stimulus_ms: 300 }, stimulus_px: 300 }))).toEqual([
			{ field: 'timing.stimulus_ms', message: 'Stimulus duration (ms) is 300; the paper\'s is 400. Results may not be comparable with the paper\'s.' },
			{ field: 'stimulus_px', message: 'Stimulus size (px) is 300; the paper\'s is 256. Results may not be comparable with the paper\'s.' }
		]);
	});
});

describe('short name and title', () => {
	it('short name: 2-63 lower-case letters, digits or -, starting with a letter or digit', () => {
		expect(studySlugProblem('pilot-2026')).toBeNull();
		expect(studySlugProblem('')?.message).toBe('Short name must not be empty: it is the end of the study\'s link, e.g. "pilot-2026".');
		expect(studySlugProblem('a')?.message).toBe('Short name must be 2 to 63 characters (got 1).');
		expect(studySlugProblem('x'.repeat(64))?.message).toBe('Short name must be 2 to 63 characters (got 64).');
		expect(studySlugProblem('My Study')?.message).toBe('Short name may use only lower-case letters, digits and "-", and must start with a letter or digit (got "My Study"; "my-study" would do).');
		expect(studySlugProblem('-pilot')?.field).toBe('slug');
	});
	it('is the twin of the database\'s check', () => {
		const schema = readFileSync(new URL('../../supabase/migrations/20261122120000_core_schema.sql', import.meta.url), 'utf8');
		const studies = schema.slice(schema.indexOf('create table public.studies'));
		expect(studies).toContain(`slug text not null unique check (slug ~ '${SLUG_PATTERN.source}')`);
	});
	it('title: 1-200 characters, not only spaces', () => {
		expect(studyTitleProblem('Pilot')).toBeNull();
		expect(studyTitleProblem('  ')?.message).toBe('Title must not be empty: participants see it at the top of the study page.');
		expect(studyTitleProblem('x'.repeat(201))?.message).toBe('Title must be at most 200 characters (it has 201).');
	});
	it('suggests a short name from any text', () => {
		expect(suggestSlug('Émile\'s Pilot — week 2!')).toBe('emile-s-pilot-week-2');
		expect(suggestSlug('---')).toBe('');
	});
});

/** A set of `n` images (alternating categories) at `levels` levels. */
function manifest(n: number, levels: number): StimulusSetManifest {
	const ids = Array.from({ length: n }, (_, i) => `img-${String(i).padStart(2, '0')}`);
	const category = (i: number) => (i % 2 ? 'non_animal' : 'animal') as 'animal' | 'non_animal';
	return {
		format: MANIFEST_FORMAT, name: 'unit', seed: 1, map_source: 'uploaded', seeding: '',
		levels: Array.from({ length: levels }, (_, l) => (l === levels - 1 ? 1 : 0.01 * (l + 1))),
		images: ids.map((id, i) => ({ image_id: id, category: category(i), imagenet_classes: [], width: 8, height: 8,
			file: '', sha256: '', noise_file: '', noise_sha256: '', map_file: '', attribution: null })),
		stimuli: ids.flatMap((id, i) => Array.from({ length: levels }, (_, l) => ({
			id: `${id}-${l}`, image_id: id, category: category(i), level_index: l, reveal: l === levels - 1 ? 1 : 0.01 * (l + 1),
			revealed_pixels: 1, shift_x: 0, shift_y: 0, seed: 1, file: `stimuli/${id}/${l}.png`, sha256: 'x', mask_file: '', mask_sha256: ''
		})))
	};
}
