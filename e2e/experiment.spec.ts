import { expect, test, type Page } from '@playwright/test';
import { TRIAL_TABLE_COLUMNS, TRIAL_FIELDS, type StoredTrial } from '../src/data/trial-fields.js';
import { answerTrials, createShortStudy, researcherClient, startSession, watchTrials } from './platform.js';

test.beforeEach(async ({ page }) => watchTrials(page));

// 2 practice trials, then 6 images in 2 blocks of 3: a full session in well under a minute.
const SHORT = { practice_trials: 2, images_per_session: 6, blocks: 2, timing: { feedback_ms: 300 } };
const TRIALS = 8;

/** A stored trial of these tests: every display measurement is present (the type allows null). */
type MeasuredStoredTrial = StoredTrial & { onset_ms: number; offset_ms: number; duration_ms: number; frames: number; refresh_ms: number };

async function storedTrials(studyId: string): Promise<{ trials: MeasuredStoredTrial[]; sessions: { id: string; is_test: boolean; status: string; completion_code: string | null; trials_saved: number | null; key_animal: string }[] }> {
	const client = await researcherClient();
	const { data: sessions } = await client.from('sessions').select('id, is_test, status, completion_code, trials_saved, key_animal').eq('study_id', studyId);
	const ids = (sessions ?? []).map((s: { id: string }) => s.id);
	const { data: trials } = await client.from('trials').select('*').in('session_id', ids.length ? ids : ['00000000-0000-0000-0000-000000000000']).order('trial_index');
	return { trials: (trials ?? []) as MeasuredStoredTrial[], sessions: sessions ?? [] };
}

test('a full short session answered with the keyboard is stored with every field', async ({ page }) => {
	const study = await createShortStudy('e2e-full', SHORT);
	await page.goto('/study/e2e-full');
	const keys = await startSession(page);
	await answerTrials(page, 2, keys.animal); // practice, with feedback
	await answerTrials(page, 5, keys.animal);
	await answerTrials(page, 1, null); // the last one too slow
	await page.getByRole('button', { name: 'Finish' }).click();
	const code = await page.getByTestId('completion-code').textContent();
	expect(code).toMatch(/^[0-9A-F]{10}$/);
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`);

	const { trials, sessions } = await storedTrials(study.id);
	expect(sessions).toHaveLength(1);
	expect(sessions[0]).toMatchObject({ status: 'completed', completion_code: code, trials_saved: TRIALS, is_test: true, key_animal: keys.animal });
	expect(trials.map((t) => t.trial_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
	expect(trials.map((t) => t.block)).toEqual(['practice', 'practice', 'main', 'main', 'main', 'main', 'main', 'main']);
	const client = await researcherClient();
	const { data: stimuli } = await client.from('stimuli').select('id, image_id, level_index').in('id', trials.map((t) => t.stimulus_id));
	const dataFields = TRIAL_FIELDS.filter((f) => f.in === 'data').map((f) => f.name);
	expect(new Set(stimuli!.map((s: { image_id: string }) => s.image_id)).size).toBe(TRIALS); // each image once
	const { data: categories } = await client.from('decision_trials').select('image_id, category, response').eq('study_id', study.id);
	for (const t of trials) {
		const answered = t.trial_index < 7;
		expect(t.response).toBe(answered ? 'animal' : null);
		expect(t.response_key).toBe(answered ? keys.animal : null);
		const stimulus = stimuli!.find((s: { id: string }) => s.id === t.stimulus_id) as { image_id: string; level_index: number };
		const category = (categories as { image_id: string; category: string }[]).find((c) => c.image_id === stimulus.image_id)!.category;
		expect(t.correct).toBe(answered && category === 'animal');
		if (answered) {
			expect(t.rt_ms!).toBeGreaterThan(0);
			expect(t.rt_ms!).toBeLessThanOrEqual(550);
		} else expect(t.rt_ms).toBeNull();
		expect(t.fixation_ms).toBeGreaterThanOrEqual(1100);
		expect(t.fixation_ms).toBeLessThanOrEqual(1600);
		expect(t.offset_ms).toBeGreaterThan(t.onset_ms);
		expect(t.duration_ms).toBeCloseTo(t.offset_ms - t.onset_ms, 6);
		expect(t.refresh_ms).toBeGreaterThan(0);
		// shown for 400 ms within one refresh interval, over the frames that interval implies
		expect(Math.abs(t.duration_ms - 400)).toBeLessThanOrEqual(t.refresh_ms + 1);
		expect(Math.abs(t.frames - 400 / t.refresh_ms)).toBeLessThanOrEqual(1.5);
		// every field of the trial list is stored (src/data/trial-fields.ts): its columns, and in
		// data the design values, anticipations and the plugin's version; no answer is only null
		expect(Object.keys(t).sort()).toEqual([...TRIAL_TABLE_COLUMNS].sort());
		expect(Object.keys(t.data).sort()).toEqual([...dataFields].sort());
		expect(t.data).toMatchObject({ block_number: t.block === 'practice' ? 0 : t.trial_index < 5 ? 1 : 2, level_index: stimulus.level_index, anticipations: 0 });
		expect(t.data.plugin_version).toMatch(/^\d+\.\d+\.\d+$/);
	}
});

test('going offline mid-session loses nothing and duplicates nothing', async ({ page, context }) => {
	const study = await createShortStudy('e2e-offline', SHORT);
	await page.goto('/study/e2e-offline');
	const keys = await startSession(page);
	await answerTrials(page, 3, keys.non_animal);
	await context.setOffline(true);
	await answerTrials(page, 3, keys.non_animal);
	await expect(page.getByTestId('offline-note')).toBeVisible();
	await context.setOffline(false);
	await answerTrials(page, 2, keys.non_animal);
	await page.getByRole('button', { name: 'Finish' }).click();
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`, { timeout: 30_000 });
	const { trials } = await storedTrials(study.id);
	expect(trials.map((t) => t.trial_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
	expect(new Set(trials.map((t) => t.id)).size).toBe(TRIALS);
});

test('a reload mid-session resumes where the participant left off', async ({ page }) => {
	const study = await createShortStudy('e2e-reload', SHORT);
	await page.goto('/study/e2e-reload');
	const keys = await startSession(page);
	await answerTrials(page, 4, keys.animal);
	await page.reload();
	await page.getByTestId('start').click();
	await expect(page.getByText('Welcome back')).toBeVisible();
	await expect(page.getByText('4 pictures to go')).toBeVisible();
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.getByRole('button', { name: 'Go full screen' }).click();
	await answerTrials(page, 4, keys.animal);
	await page.getByRole('button', { name: 'Finish' }).click();
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`);
	const { trials, sessions } = await storedTrials(study.id);
	expect(sessions).toHaveLength(1);
	expect(trials.map((t) => t.trial_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
});

test('MTurk preview mode shows the description only', async ({ page }) => {
	await createShortStudy('e2e-preview', SHORT);
	await page.goto('/study/e2e-preview?assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE&hitId=HIT1');
	await expect(page.getByTestId('mturk-preview')).toBeVisible();
	await expect(page.getByTestId('study-title')).toHaveText('E2E e2e-preview');
	await expect(page.getByTestId('start')).toHaveCount(0);
});

test('a worker who already took part is turned away', async ({ browser }) => {
	await createShortStudy('e2e-repeat', SHORT);
	const url = '/study/e2e-repeat?workerId=WREPEAT1&assignmentId=A1&hitId=H1&turkSubmitTo=https%3A%2F%2Fworkersandbox.mturk.com';
	const first = await browser.newContext();
	const page = await first.newPage();
	// Issue 13 (finding 3): a worker whose session is unfinished resumes it from another browser;
	// only a worker who completed the study is turned away, so the first one (simulated) finishes.
	await page.goto(`${url}&simulate=data-only`);
	await page.getByTestId('start').click();
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`, { timeout: 60_000 });
	const second = await browser.newContext(); // another browser: a new anonymous user
	const again = await second.newPage();
	await again.goto(url.replace('A1', 'A2'));
	await again.getByTestId('start').click();
	await expect(again.getByTestId('turned-away')).toContainText('already taken part', { timeout: 30_000 });
	await first.close();
	await second.close();
});

test('a simulated participant (jsPsych simulation) runs the study and is stored as test data', async ({ page }) => {
	const study = await createShortStudy('e2e-simulated', SHORT);
	for (const mode of ['data-only', 'visual']) {
		await page.goto(`/study/e2e-simulated?simulate=${mode}`);
		await page.getByTestId('start').click();
		await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`, { timeout: 60_000 });
		await page.evaluate(() => localStorage.clear()); // a fresh local participant for the next mode
	}
	const { trials, sessions } = await storedTrials(study.id);
	expect(sessions).toHaveLength(2);
	expect(sessions.every((s) => s.is_test && s.status === 'completed')).toBe(true);
	expect(trials).toHaveLength(2 * TRIALS);
	// visual simulation runs the real display: onsets are real frame times (data-only writes
	// onset = 1000 + fixation), and durations are measured
	const visual = trials.filter((t) => t.onset_ms !== 1000 + t.fixation_ms);
	expect(visual).toHaveLength(TRIALS);
	expect(visual.every((t) => Math.abs(t.duration_ms - 400) <= t.refresh_ms + 1)).toBe(true);
});

test('a lost answer to start_session is retried with the same session id: the worker resumes, not turned away', async ({ page }) => {
	const study = await createShortStudy('e2e-lost-start', SHORT);
	let lost = false;
	await page.route('**/rest/v1/rpc/start_session', async (route) => {
		if (lost) return route.continue();
		lost = true;
		await route.fetch(); // the server starts the session ...
		await route.abort('connectionreset'); // ... and its answer never arrives
	});
	await page.goto('/study/e2e-lost-start?workerId=WLOST1&assignmentId=A1&hitId=H1&turkSubmitTo=https%3A%2F%2Fworkersandbox.mturk.com');
	await page.getByTestId('start').click();
	await expect(page.getByTestId('start-failed')).toBeVisible({ timeout: 30_000 }); // a retry is offered (issue 15)
	await page.reload();
	await page.getByTestId('start').click();
	await expect(page.getByRole('button', { name: 'I agree' })).toBeVisible({ timeout: 30_000 });
	await expect(page.getByTestId('turned-away')).toHaveCount(0);
	const { sessions } = await storedTrials(study.id);
	expect(sessions).toHaveLength(1);
});

/** The local queue's stored entry, once the server has confirmed every trial in it. */
async function settledQueueEntry(page: Page): Promise<string> {
	const handle = await page.waitForFunction(() => {
		const key = Object.keys(localStorage).find((k) => k.startsWith('slp:queue:'));
		const value = key ? localStorage.getItem(key) : null;
		return value && JSON.parse(value).pending.length === 0 ? key : false;
	});
	return (await handle.jsonValue()) as string;
}

test('a damaged queue in browser storage is recovered on reload: the server says what is saved, the participant carries on', async ({ page }) => {
	const study = await createShortStudy('e2e-corrupt', SHORT);
	await page.goto('/study/e2e-corrupt');
	const keys = await startSession(page);
	await answerTrials(page, 4, keys.animal);
	const key = await settledQueueEntry(page);
	await page.evaluate((k) => localStorage.setItem(k, localStorage.getItem(k)!.slice(0, 60)), key); // cut off mid-entry
	await page.reload();
	await page.getByTestId('start').click();
	await expect(page.getByText('4 pictures to go')).toBeVisible();
	await expect(page.getByTestId('storage-note')).toContainText('was damaged');
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.getByRole('button', { name: 'Go full screen' }).click();
	await answerTrials(page, 4, keys.animal);
	await page.getByRole('button', { name: 'Finish' }).click();
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`);
	const { trials, sessions } = await storedTrials(study.id);
	expect(sessions).toHaveLength(1);
	expect(trials.map((t) => t.trial_index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
});

test('full browser storage: the answers are kept in memory and saved, and the participant is told to keep the tab open', async ({ page }) => {
	await page.addInitScript(() => {
		const setItem = Storage.prototype.setItem;
		Storage.prototype.setItem = function (key: string, value: string) {
			if (String(key).startsWith('slp:')) throw new DOMException("Failed to execute 'setItem' on 'Storage': Setting the value exceeded the quota.", 'QuotaExceededError');
			return setItem.call(this, key, value);
		};
	});
	const study = await createShortStudy('e2e-full-storage', SHORT);
	await page.goto('/study/e2e-full-storage');
	const keys = await startSession(page);
	await answerTrials(page, 1, keys.animal);
	await expect(page.getByTestId('storage-note')).toContainText('storage is full');
	await expect(page.getByTestId('storage-note')).toContainText('do not close this tab');
	await answerTrials(page, 7, keys.animal);
	await page.getByRole('button', { name: 'Finish' }).click();
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`);
	expect((await storedTrials(study.id)).trials).toHaveLength(TRIALS);
});
