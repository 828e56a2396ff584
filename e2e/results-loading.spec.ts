/**
 * The results page while its data is on its way, and its live refresh (issue 17, items 7 and 11):
 * while the answers are held back no section counts "0 sessions"; while the maps are held back
 * no section says there are none, and the results JSON waits for them; a trial stored after the
 * page loaded shows at the next refresh, which asks only for what was stored since.
 * A participant's session and trials go in through the real API (marked as test data).
 */
import { randomUUID } from 'node:crypto';
import { expect, test, type Route } from '@playwright/test';
import { ensureParticipantSignedIn, recordTrials, startSession, type TrialRecord } from '../src/data/index.js';
import { apiClient, createShortStudy, LOCAL_RESEARCHER, researcherClient } from './platform.js';

const SLUG = 'e2e-results-loading';

/** Requests to a REST path are held until `release()`. */
function gate() {
	let open: () => void = () => undefined;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { hold: async (route: Route) => (await opened, route.continue()), release: () => open() };
}

test('the results page says what is loading, and a refresh shows a new trial', async ({ page }) => {
	test.setTimeout(90_000);
	const study = await createShortStudy(SLUG, { practice_trials: 1, blocks: 1 });
	const researcher = await researcherClient();
	const { data: stimuli, error } = await researcher.from('stimuli').select('id, image_id, reveal').eq('set_id', study.stimulus_set_id).eq('reveal', 1).order('image_id').limit(4);
	expect(error).toBeNull();
	const participant = apiClient();
	await ensureParticipantSignedIn(participant);
	const sessionId = randomUUID();
	await startSession(participant, { sessionId, studySlug: SLUG, platform: 'local', isTest: true });
	const trial = (index: number, stimulus: string, answered: boolean): TrialRecord => ({
		id: randomUUID(), trial_index: index, block: 'main', stimulus_id: stimulus, response: answered ? 'animal' : null, response_key: answered ? 'f' : null,
		rt_ms: answered ? 431.2 : null, fixation_ms: 1000, onset_ms: 1000, offset_ms: 1050, duration_ms: 50, frames: 3, refresh_ms: 16.7
	});
	await recordTrials(participant, sessionId, stimuli!.slice(0, 3).map((s, i) => trial(i, s.id, true)));

	// answers and maps are held back until the page has shown that they are loading
	const answers = gate(), maps = gate();
	await page.route(/\/rest\/v1\/(study_sessions|decision_trials)/, answers.hold);
	await page.route(/\/rest\/v1\/importance_maps/, maps.hold);
	const refreshes: string[] = [];
	page.on('request', (request) => {
		if (request.url().includes('/rest/v1/decision_trials')) refreshes.push(decodeURIComponent(request.url()));
	});
	await page.goto(`/dashboard/study/${SLUG}`);
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();

	await expect(page.getByTestId('loading-answers')).toBeVisible();
	await expect(page.getByTestId('loading-maps')).toBeVisible();
	await expect(page.getByTestId('overview')).toHaveCount(0); // no "0 sessions" before the sessions are in
	answers.release();
	await expect(page.getByTestId('loading-answers')).toHaveCount(0);
	await page.getByTestId('include-test').check();
	await expect(page.getByTestId('overview-sessions')).toHaveText('1');
	// the maps are still on their way: no section says there are none, and the JSON waits for them
	await expect(page.getByTestId('loading-maps')).toBeVisible();
	await expect(page.getByTestId('no-human-maps')).toHaveCount(0);
	await expect(page.getByText('No model saliency maps for this set yet')).toHaveCount(0);
	await expect(page.getByTestId('download-results')).toBeDisabled();
	await expect(page.getByTestId('download-results')).toContainText('waiting for the maps');
	maps.release();
	await expect(page.getByTestId('results-loading')).toHaveCount(0, { timeout: 30_000 });
	await expect(page.getByTestId('download-results')).toBeEnabled();
	await expect(page.getByTestId('download-results')).toHaveText('Results (JSON)');
	await expect(page.getByTestId('no-answer-trials')).toContainText('(0 such trials in view');

	// a trial with no answer stored now shows at the next refresh, fetched as what was stored since
	const loaded = refreshes.length;
	await recordTrials(participant, sessionId, [trial(3, stimuli![3]!.id, false)]);
	await expect(page.getByTestId('no-answer-trials')).toContainText('(1 such trials in view', { timeout: 25_000 });
	// people's answers are read since the newest held (models have none here, so theirs are read whole: an empty read)
	const later = refreshes.slice(loaded).filter((url) => url.includes('observer_kind=eq.human'));
	expect(later.length).toBeGreaterThan(0);
	for (const url of later) expect(url).toContain('created_at=gte.');
});
