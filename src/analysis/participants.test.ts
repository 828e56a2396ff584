import { describe, expect, it } from 'vitest';
import type { DecisionTrial, StudyParticipantRow } from '../data/index.js';
import { fallbackCompletionCode } from '../experiments/completion.js';
import { PARTICIPANT_COLUMNS, browserOf, checkCodes, exclusionsByParticipant, interactionFlags, participantEntries, participantsCsv, screenOf, sortEntries } from './participants.js';

const row = (over: Partial<StudyParticipantRow>): StudyParticipantRow => ({
	study_id: 'st', session_id: 's1', participant_id: 'p1', platform: 'prolific', worker_id: 'PID1', assignment_id: null, hit_id: null,
	platform_study_id: 'STUDY', platform_session_id: 'SESS', status: 'started', status_reason: null, is_test: false,
	started_at: '2026-11-30T10:00:00Z', ended_at: null, trials_saved: 0, main_trials: 0, completion_code: null, client_info: {},
	window_blurs: 0, fullscreen_exits: 0, px_per_degree: null, ...over
});

const answer = (participant: string, image: string, reveal: number, correct: boolean): DecisionTrial => ({
	study_id: 'st', set_id: 'set', observer_kind: 'human', observer_id: participant, image_id: image, category: 'animal', reveal,
	response: correct ? 'animal' : 'non_animal', correct, rt_ms: 400, block: 'main', is_test: false, created_at: `2026-11-30T10:00:0${image.length}Z`,
	session_id: `s-${participant}`, duration_ms: 400, frames: 24, refresh_ms: 16.7,
	trial_id: `${participant}-${image}-${reveal}`, trial_index: 0, block_number: 1, platform: 'local', platform_id: null
});

describe('participants table', () => {
	it('names each status, the reason, and the code with where it comes from', async () => {
		const entries = await participantEntries(
			[
				row({ session_id: 's1', status: 'completed', completion_code: 'ABC123', trials_saved: 8, main_trials: 6, ended_at: '2026-11-30T10:10:00Z' }),
				row({ session_id: 's2', participant_id: 'p2', worker_id: 'PID2', status: 'turned_away', status_reason: 'small window 500x400' }),
				row({ session_id: 's3', participant_id: 'p3', worker_id: 'PID3', status: 'declined' }),
				row({ session_id: 's4', participant_id: 'p4', worker_id: 'PID4', status: 'started', trials_saved: 5 })
			],
			new Map([['p1', 'accuracy on fully revealed images 0.000 is at most 0.5']])
		);
		expect(entries.map((e) => [e.status, e.reason, e.exclusion !== '', e.code_source])).toEqual([
			['completed', '', true, 'server'],
			['turned away', 'small window 500x400', false, ''],
			['declined', 'did not consent', false, ''],
			['in progress', '', false, 'fallback']
		]);
		expect(entries[3]!.completion_code).toBe(await fallbackCompletionCode('s4', 5));
	});

	it('excludes a person by the analysis\' rule (accuracy on fully revealed images at most 0.5), by participant id', () => {
		const trials = [answer('bad', 'a', 1, false), answer('bad', 'bb', 1, false), answer('good', 'a', 1, true), answer('good', 'bb', 1, false), answer('good', 'ccc', 1, true)];
		const excluded = exclusionsByParticipant(trials);
		expect([...excluded.keys()]).toEqual(['bad']);
		expect(excluded.get('bad')).toContain('at most 0.5');
		expect(exclusionsByParticipant([]).size).toBe(0);
	});

	it('reads browser and screen from the browser check', () => {
		const info = { browser: 'chrome', browser_version: '120.0', os: 'linux', width: 1280, height: 800, vsync_rate: 59.9, screen: { width: 1920, height: 1080, dpr: 2 } };
		expect(browserOf(info)).toBe('chrome 120.0 (linux)');
		expect(screenOf(info)).toBe('screen 1920x1080 @2x, window 1280x800, 60 Hz');
		expect(browserOf({})).toBe('');
		expect(screenOf({ screen: 'odd' })).toBe('');
	});

	it('sorts by any column, numbers as numbers, empty values last either way', async () => {
		const entries = await participantEntries(
			[row({ session_id: 'a', trials_saved: 10 }), row({ session_id: 'b', trials_saved: 9, ended_at: '2026-11-30T11:00:00Z' }), row({ session_id: 'c', trials_saved: 100 })],
			new Map()
		);
		expect(sortEntries(entries, 'trials_saved', 'asc').map((e) => e.session_id)).toEqual(['b', 'a', 'c']);
		expect(sortEntries(entries, 'trials_saved', 'desc').map((e) => e.session_id)).toEqual(['c', 'a', 'b']);
		expect(sortEntries(entries, 'ended_at', 'desc')[0]!.session_id).toBe('b');
		expect(sortEntries(entries, 'ended_at', 'asc')[0]!.session_id).toBe('b');
	});

	it('writes a CSV with one documented column per entry of the column list, formulas escaped', async () => {
		const entries = await participantEntries([row({ status: 'turned_away', status_reason: '=HYPERLINK("x")' })], new Map());
		const csv = participantsCsv(entries);
		const [header, line] = csv.trim().split('\n');
		expect(header).toBe(PARTICIPANT_COLUMNS.map((c) => c.key).join(','));
		expect(line).toContain(`"'=HYPERLINK(""x"")"`);
		expect(PARTICIPANT_COLUMNS.every((c) => c.description.length > 10)).toBe(true);
		expect(new Set(PARTICIPANT_COLUMNS.map((c) => c.key)).size).toBe(PARTICIPANT_COLUMNS.length);
	});

	it('checks handed-in codes: server codes, fallback codes for any count up to the trials stored, and unknown ones', async () => {
		const entries = await participantEntries([row({ session_id: 's1', status: 'completed', completion_code: 'ABC123', trials_saved: 8 }), row({ session_id: 's2', worker_id: 'PID2', trials_saved: 4 })], new Map());
		const early = await fallbackCompletionCode('s2', 3);
		const checks = await checkCodes(['abc123', ` ${early.toLowerCase()} `, 'L-0000000000', ''], entries);
		expect(checks).toEqual([
			{ code: 'ABC123', kind: 'server', session_id: 's1', platform_id: 'PID1' },
			{ code: early, kind: 'fallback', session_id: 's2', platform_id: 'PID2', trials: 3, trials_saved: 4 },
			{ code: 'L-0000000000', kind: 'unknown' }
		]);
	});
});
