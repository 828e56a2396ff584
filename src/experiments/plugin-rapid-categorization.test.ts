// @vitest-environment jsdom
/**
 * The rAF plugin, run by jsPsych in jsdom with fake timers (requestAnimationFrame, timers,
 * performance and Date faked together), as jsPsych tests its own plugins with @jspsych/test-utils.
 * Fake animation frames come every 16 ms, so the measured display is exact here.
 */
import { dispatchEvent, simulateTimeline, startTimeline } from '@jspsych/test-utils';
import { initJsPsych } from 'jspsych';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRIAL_FIELDS, TRIAL_INPUT_FIELDS, fieldsFrom, trialRecord, type MeasuredTrial } from '../data/trial-fields.js';
import RapidCategorizationPlugin from './plugin-rapid-categorization.js';

const STIMULUS_ID = '0b3c2f3e-1d2a-4c5b-9e8f-7a6b5c4d3e2f';
const FRAME_MS = 16;

const trial = (overrides: Record<string, unknown> = {}) => ({
	type: RapidCategorizationPlugin,
	stimulus: '/stimuli/test/cat.png',
	stimulus_id: STIMULUS_ID,
	category: 'animal',
	fixation_ms: 1300,
	data: { block: 'main', block_number: 1, level_index: 3 },
	...overrides
});

/** A key press on the document at the current (fake) time, as a participant's would arrive. */
const press = (key: string) => dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));

const onsets: number[] = [];
const recordOnset = (event: Event) => onsets.push((event as CustomEvent<{ onset_ms: number }>).detail.onset_ms);
const realRandom = Math.random;

beforeEach(() => {
	vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance', 'Date'] });
	// jsdom does not decode images; a browser resolves decode() once the image is ready to paint.
	HTMLImageElement.prototype.decode = () => Promise.resolve();
	onsets.length = 0;
	document.addEventListener('rapid-categorization:onset', recordOnset);
});

afterEach(() => {
	document.removeEventListener('rapid-categorization:onset', recordOnset);
	vi.useRealTimers();
	Math.random = realRandom; // jsPsych.randomization.setSeed replaces Math.random
	document.body.innerHTML = '';
});

/** Advances the fake clock until the stimulus is on screen; returns its onset (rAF timestamp). */
async function untilOnset(): Promise<number> {
	for (let i = 0; i < 1000 && onsets.length === 0; i++) await vi.advanceTimersByTimeAsync(FRAME_MS);
	expect(onsets, 'the stimulus never appeared').toHaveLength(1);
	return onsets[0]!;
}

describe('rapid-categorization plugin', () => {
	it('records the answer, its reaction time from the measured onset, and the measured display', async () => {
		const { finished, getData, getHTML } = await startTimeline([trial()]);
		expect(getHTML()).toContain('rc-fixation');
		const onset = await untilOnset();
		await vi.advanceTimersByTimeAsync(200);
		const pressedAt = Date.now();
		await press('s');
		await vi.advanceTimersByTimeAsync(1000);
		await finished;

		const data = getData().values()[0] as MeasuredTrial;
		expect(data).toMatchObject({
			stimulus_id: STIMULUS_ID,
			response: 'animal',
			response_key: 's',
			rt_ms: pressedAt - onset,
			fixation_ms: 1300,
			onset_ms: onset,
			anticipations: 0,
			refresh_ms: FRAME_MS,
			// the design values given in the timeline's data parameter, and the plugin's version
			block: 'main',
			block_number: 1,
			level_index: 3,
			plugin_version: RapidCategorizationPlugin.info.version
		});
		expect(data.rt_ms).toBe(200); // pressed 200 ms after the onset frame
		// fixation: the first frame at or past 1300 ms minus half a frame after the first frame
		expect(onset - FRAME_MS).toBeGreaterThanOrEqual(1300 - FRAME_MS / 2);
		expect(onset - FRAME_MS).toBeLessThan(1300 + FRAME_MS / 2);
		// 400 ms at 16 ms per frame: hidden on the 25th frame after onset
		expect(data.offset_ms).toBe(onset + 25 * FRAME_MS);
		expect(data.duration_ms).toBe(400);
		expect(data.frames).toBe(25);
		expect(data).not.toHaveProperty('too_slow');
		expect(data).not.toHaveProperty('correct');
	});

	it('records no answer as null, and shows "Too slow!"', async () => {
		const { finished, getData, getHTML } = await startTimeline([trial({ feedback_ms: 500 })]);
		const onset = await untilOnset();
		await vi.advanceTimersByTimeAsync(600); // past the 550 ms response window
		expect(getHTML()).toContain('Too slow!');
		await press('s'); // too late: ignored
		await vi.advanceTimersByTimeAsync(1000);
		await finished;
		const data = getData().values()[0] as MeasuredTrial;
		expect(data).toMatchObject({ response: null, response_key: null, rt_ms: null, onset_ms: onset, frames: 25 });
	});

	it('counts keys of the answer set pressed before the onset as anticipations, and ignores other keys', async () => {
		const { finished, getData } = await startTimeline([trial()]);
		await vi.advanceTimersByTimeAsync(300);
		await press('l');
		await press('x');
		await vi.advanceTimersByTimeAsync(300);
		await press('s');
		await untilOnset();
		await vi.advanceTimersByTimeAsync(100);
		await press('l');
		await vi.advanceTimersByTimeAsync(1000);
		await finished;
		expect(getData().values()[0]).toMatchObject({ anticipations: 2, response: 'non_animal', response_key: 'l' });
	});

	it('gives practice feedback from the task\'s rule of correctness', async () => {
		const { finished, getHTML } = await startTimeline([trial({ category: 'non_animal', feedback: true })]);
		await untilOnset();
		await vi.advanceTimersByTimeAsync(100);
		await press('s');
		await vi.advanceTimersByTimeAsync(400);
		expect(getHTML()).toContain('Wrong');
		await vi.advanceTimersByTimeAsync(1000);
		await finished;
	});

	it('makes the record the session sends: every accepted field, design values and the plugin version in data', async () => {
		const { finished, getData } = await startTimeline([trial()]);
		await untilOnset();
		await vi.advanceTimersByTimeAsync(150);
		await press('s');
		await vi.advanceTimersByTimeAsync(1000);
		await finished;
		const record = trialRecord({ id: 'f7a1c2de-0000-4000-8000-000000000001', trial_index: 4 }, getData().values()[0] as MeasuredTrial);
		expect(Object.keys(record)).toEqual(TRIAL_INPUT_FIELDS.map((f) => f.name));
		expect(record).toMatchObject({ trial_index: 4, block: 'main', stimulus_id: STIMULUS_ID, response: 'animal' });
		expect(record.data).toEqual({ block_number: 1, level_index: 3, anticipations: 0, plugin_version: RapidCategorizationPlugin.info.version });
	});
});

describe('rapid-categorization simulation (data-only)', () => {
	async function simulate(seed: string, trials = 20) {
		const timeline = Array.from({ length: trials }, (_, i) => trial({ category: i % 2 ? 'animal' : 'non_animal', fixation_ms: 1100 + 20 * i }));
		const jsPsych = initJsPsych();
		jsPsych.randomization.setSeed(seed);
		const run = await simulateTimeline(timeline, 'data-only', {}, jsPsych);
		await vi.advanceTimersByTimeAsync(1000);
		await run.finished;
		return run.getData().values() as (MeasuredTrial & { time_elapsed: number })[];
	}

	it('produces every field of the list with a valid value', async () => {
		const rows = await simulate('fields');
		for (const row of rows) {
			for (const field of TRIAL_FIELDS.filter((f) => f.from === 'plugin' || f.from === 'design' || f.from === 'jspsych')) {
				const value = row[field.name as keyof MeasuredTrial];
				expect(value, field.name).not.toBeUndefined();
				if (value === null) {
					expect(field.nullable, `${field.name} is null`).toBe(true);
					continue;
				}
				const type = { uuid: 'string', int: 'number', float: 'number', string: 'string', bool: 'boolean', json: 'object', timestamp: 'string' }[field.kind];
				expect(typeof value, field.name).toBe(type);
				if (field.kind === 'int') expect(Number.isInteger(value), field.name).toBe(true);
				if ('values' in field) expect(field.values, field.name).toContain(value);
			}
			// the table's bounds (supabase/migrations trial_fields) and the plugin's own rules
			expect(row.fixation_ms).toBeGreaterThanOrEqual(0);
			expect(row.fixation_ms).toBeLessThan(60000);
			expect(row.refresh_ms!).toBeGreaterThan(0);
			expect(row.refresh_ms!).toBeLessThan(1000);
			expect(row.duration_ms).toBeCloseTo(row.offset_ms! - row.onset_ms!, 9);
			expect(row.onset_ms).toBe(1000 + row.fixation_ms);
			expect(row.anticipations).toBeGreaterThanOrEqual(0);
			if (row.response === null) expect([row.response_key, row.rt_ms]).toEqual([null, null]);
			else {
				expect(row.rt_ms!).toBeGreaterThan(0);
				expect(row.rt_ms!).toBeLessThanOrEqual(550);
				expect(row.response_key).toBe(row.response === 'animal' ? 's' : 'l');
			}
		}
		expect(fieldsFrom('plugin').length).toBeGreaterThan(0);
		expect(new Set(rows.map((r) => r.rt_ms)).size).toBeGreaterThan(1); // drawn, not fixed
	});

	it('is reproducible with a fixed seed (jsPsych.randomization.setSeed), and differs with another', async () => {
		const strip = (rows: Awaited<ReturnType<typeof simulate>>) => rows.map(({ time_elapsed: _, ...row }) => row);
		const first = strip(await simulate('seed-1'));
		const again = strip(await simulate('seed-1'));
		const other = strip(await simulate('seed-2'));
		expect(again).toEqual(first);
		expect(other).not.toEqual(first);
	});
});
