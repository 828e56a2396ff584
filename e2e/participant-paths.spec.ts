/**
 * The participant's paths of issue 15 (items 6, 8, 9): the stimulus is centred in the viewport,
 * full screen and windowed; interaction counts per trial; a window too small ends with the
 * screen-out; a paused or closed study turns people away before consent; a failed Start offers a
 * retry; a failed completion with every answer saved does not claim unsaved answers; the consent
 * page has a title; the intro reads the study's settings; progress shows between trials.
 */
import { expect, test, type Page } from '@playwright/test';
import { answerTrials, createShortStudy, researcherClient, startSession, watchTrials } from './platform.js';

test.beforeEach(async ({ page }) => watchTrials(page));

// 2 practice trials, then 6 images in 2 blocks of 3.
const SHORT = { practice_trials: 2, images_per_session: 6, blocks: 2, timing: { feedback_ms: 300 }, payment: { amount: 1.25, currency: 'GBP', minutes: 4 } };
const TRIALS = 8;

interface Placement {
	stage: { x: number; y: number; width: number; height: number };
	image: { x: number; y: number; width: number; height: number };
	viewport: { width: number; height: number };
	fullscreen: boolean;
}

/** At each stimulus onset, where the stage (fixation cross) and the image are, in the viewport. */
async function recordPlacements(page: Page) {
	await page.addInitScript(() => {
		const w = window as unknown as { placements: unknown[] };
		w.placements = [];
		const box = (el: Element | null) => {
			const r = el!.getBoundingClientRect();
			return { x: r.x, y: r.y, width: r.width, height: r.height };
		};
		document.addEventListener('rapid-categorization:onset', () =>
			w.placements.push({
				stage: box(document.querySelector('.rc-stage')),
				image: box(document.querySelector('.rc-stimulus')),
				viewport: { width: window.innerWidth, height: window.innerHeight },
				fullscreen: document.fullscreenElement !== null
			})
		);
	});
}

const placements = (page: Page) => page.evaluate(() => (window as unknown as { placements: Placement[] }).placements);
const onsets = (page: Page) => page.evaluate(() => (window as unknown as { trialOnsets: number }).trialOnsets);
const ends = (page: Page) => page.evaluate(() => (window as unknown as { trialEnds: number }).trialEnds);

/** Waits for the next onset, runs `during` while the stimulus trial runs, answers, waits for the end. */
async function trialWith(page: Page, key: string, during: () => Promise<unknown>) {
	const seenOnsets = await onsets(page);
	const seenEnds = await ends(page);
	await page.waitForFunction((seen) => (window as unknown as { trialOnsets: number }).trialOnsets > seen, seenOnsets, { polling: 'raf' });
	await during();
	await page.keyboard.press(key);
	await page.waitForFunction((seen) => (window as unknown as { trialEnds: number }).trialEnds > seen, seenEnds);
}

function expectCentred(p: Placement) {
	for (const box of [p.stage, p.image]) {
		expect(Math.abs(box.x + box.width / 2 - p.viewport.width / 2), JSON.stringify(p)).toBeLessThanOrEqual(2);
		expect(Math.abs(box.y + box.height / 2 - p.viewport.height / 2), JSON.stringify(p)).toBeLessThanOrEqual(2);
	}
	expect(p.image.width).toBe(256);
}

test('the fixation cross and the stimulus are centred in the viewport, full screen and windowed; blurs and fullscreen exits are counted per trial', async ({ page }) => {
	const study = await createShortStudy('e2e-centred', SHORT);
	await recordPlacements(page);
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/study/e2e-centred');
	await expect(page.getByTestId('intro-summary')).toHaveText(
		'You will see 8 pictures: 2 for practice, then 6 in 2 blocks with short breaks. It takes about 4 minutes and pays 1.25 GBP. You need a desktop or laptop computer with a keyboard.'
	);
	await page.getByTestId('start').click();
	await expect(page.getByTestId('consent-title')).toHaveText('Consent to take part', { timeout: 30_000 }); // the default consent title (config.ts)
	await page.getByRole('button', { name: 'I agree' }).click();
	await page.getByRole('button', { name: 'Next' }).click();
	const help = await page.locator('kbd').allTextContents();
	const key = help[0]!.toLowerCase();
	await page.getByRole('button', { name: 'Next' }).click();
	await page.getByRole('button', { name: 'Go full screen' }).click();

	// trial 0, full screen: a blur of the window during the trial
	await trialWith(page, key, () => page.evaluate(() => window.dispatchEvent(new Event('blur'))));
	await expect(page.getByTestId('progress')).toHaveAttribute('aria-label', 'Practice');
	// trial 1: the page leaves full screen during the trial
	await trialWith(page, key, () => page.evaluate(() => document.exitFullscreen()));
	await expect(page.getByTestId('progress')).toHaveAttribute('aria-label', 'Block 1 of 2');
	// windowed, in a window of another size
	await page.setViewportSize({ width: 1000, height: 640 });
	await answerTrials(page, 6, key);
	await page.getByRole('button', { name: 'Finish' }).click();
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`);

	const seen = await placements(page);
	expect(seen).toHaveLength(TRIALS);
	expect(seen[0]!.fullscreen).toBe(true);
	expect(seen.at(-1)!.fullscreen).toBe(false);
	expect(seen.at(-1)!.viewport).toEqual({ width: 1000, height: 640 });
	for (const p of seen) expectCentred(p);

	const client = await researcherClient();
	const { data: sessions } = await client.from('sessions').select('id').eq('study_id', study.id);
	const { data: trials } = await client.from('trials').select('trial_index, window_blurs, fullscreen_exits').eq('session_id', sessions![0]!.id).order('trial_index');
	expect(trials!.map((t) => [t.window_blurs, t.fullscreen_exits])).toEqual([[1, 0], [0, 1], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]);
});

test('a window that cannot be made large enough ends with the screen-out, naming its size, and no consent form', async ({ page }) => {
	await createShortStudy('e2e-small-window', SHORT);
	await page.setViewportSize({ width: 700, height: 300 });
	await page.goto('/study/e2e-small-window');
	await page.getByTestId('start').click();
	await expect(page.getByText('Your window is 700 x 300 pixels.')).toBeVisible({ timeout: 30_000 });
	await page.locator('#browser-check-max-size-btn').click();
	await expect(page.getByTestId('turned-away')).toHaveText(
		'Your browser window is 700 x 300 pixels, and this study needs at least 320 x 320 pixels, so you cannot take part on this screen. Thank you for your interest!'
	);
	await expect(page.getByRole('button', { name: 'I agree' })).toHaveCount(0);
	await expect(page.getByTestId('experiment')).toBeHidden();
});

for (const status of ['paused', 'closed']) {
	test(`a ${status} study turns new participants away politely, before any consent`, async ({ page }) => {
		const study = await createShortStudy(`e2e-${status}`, SHORT);
		const client = await researcherClient();
		const { error } = await client.from('studies').update({ status }).eq('id', study.id);
		expect(error).toBeNull();
		await page.goto(`/study/e2e-${status}?PROLIFIC_PID=p${status}&STUDY_ID=s&SESSION_ID=x`);
		await expect(page.getByTestId('not-open')).toHaveText(
			'This study is not taking participants at the moment. Thank you for your interest! Nothing was recorded; you can close this page.'
		);
		await expect(page.getByTestId('start')).toHaveCount(0);
		await expect(page.getByRole('button', { name: 'I agree' })).toHaveCount(0);
	});
}

test('offline at Start: the participant is offered a retry, and carries on once back online', async ({ page, context }) => {
	await createShortStudy('e2e-offline-start', SHORT);
	await page.goto('/study/e2e-offline-start');
	await expect(page.getByTestId('start')).toBeVisible();
	await context.setOffline(true);
	await page.getByTestId('start').click();
	await expect(page.getByTestId('start-failed')).toContainText('You seem to be offline', { timeout: 30_000 });
	await context.setOffline(false);
	await page.getByTestId('retry-start').click();
	await expect(page.getByRole('button', { name: 'I agree' })).toBeVisible({ timeout: 30_000 });
});

test('a completion that fails with every answer saved says so, not "some answers could not be saved"', async ({ page }) => {
	await createShortStudy('e2e-not-completed', SHORT);
	let failed = false;
	await page.route('**/rest/v1/rpc/complete_session', async (route) => {
		if (failed) return route.continue();
		failed = true;
		await route.abort('connectionreset');
	});
	await page.goto('/study/e2e-not-completed');
	const keys = await startSession(page);
	await answerTrials(page, TRIALS, keys.animal);
	await page.getByRole('button', { name: 'Finish' }).click();
	await expect(page.getByTestId('not-completed')).toContainText('All your answers are saved, but the study could not be completed', { timeout: 30_000 });
	await expect(page.getByTestId('unsaved')).toHaveCount(0);
	await page.getByTestId('retry').click();
	await expect(page.getByTestId('trials-saved')).toHaveText(`${TRIALS} answers saved.`);
});

test('a study that asks for a screen calibration (virtual chinrest) stores it with the session', async ({ page }) => {
	const study = await createShortStudy('e2e-chinrest', { ...SHORT, calibration: 'virtual-chinrest' });
	await page.goto('/study/e2e-chinrest');
	await startSession(page);
	await page.getByRole('button', { name: 'Start', exact: true }).click();
	const card = await page.locator('#item').boundingBox();
	await page.locator('#end_resize_phase').click(); // the card as it is: its width is the credit card's 85.6 mm
	// three blind-spot measurements; under load a key press can land between phases, so press on
	// until the plugin asks whether the result looks right (at most 8 tries)
	const done = page.getByRole('button', { name: 'Yes' });
	for (let rep = 0; rep < 8 && !(await done.isVisible()); rep++) {
		await page.keyboard.press(' '); // the ball starts moving towards the square
		await page.waitForTimeout(500);
		await page.keyboard.press(' '); // "it vanished"
		await page.waitForTimeout(300);
	}
	await done.click();
	await page.waitForFunction(() => (window as unknown as { trialOnsets: number }).trialOnsets > 0, null, { polling: 'raf' });

	const client = await researcherClient();
	await expect
		.poll(async () => (await client.from('sessions').select('px_per_mm').eq('study_id', study.id)).data?.[0]?.px_per_mm ?? null, { timeout: 15_000 })
		.not.toBeNull();
	const { data } = await client.from('sessions').select('px_per_mm, viewing_distance_mm, px_per_degree, calibrated_at').eq('study_id', study.id);
	const stored = data![0]!;
	expect(stored.px_per_mm).toBeCloseTo(card!.width / 85.6, 1);
	expect(stored.viewing_distance_mm).toBeGreaterThan(0);
	expect(stored.px_per_degree).toBeGreaterThan(0);
	expect(stored.calibrated_at).not.toBeNull();
});
