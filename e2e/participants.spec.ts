/**
 * Issue 15, the participant's ends and the researcher's participants table: a Prolific participant
 * completes and is sent to Prolific with the study's code; the table lists them with the code,
 * and its CSV holds them; a worker resumes in a second browser (and a revisit still offers
 * "Submit the HIT"); a person who declines sees the screen-out code, appears as declined, and
 * can reconsider; a window too small is turned away with its size.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { LOCAL_RESEARCHER, answerTrials, createShortStudy, researcherClient, startSession, watchTrials } from './platform.js';

// 2 practice trials, then 6 images in 2 blocks of 3.
const SHORT = { practice_trials: 2, images_per_session: 6, blocks: 2, timing: { feedback_ms: 300 } };
const TRIALS = 8;
const PROLIFIC_CODE = 'PCODE42';
const SCREENOUT_CODE = 'SCREEN99';

const prolificUrl = (slug: string, pid: string) => `/study/${slug}?PROLIFIC_PID=${pid}&STUDY_ID=STUDY1&SESSION_ID=SESS-${pid}`;
const mturkUrl = (slug: string, worker: string, assignment: string) =>
	`/study/${slug}?workerId=${worker}&assignmentId=${assignment}&hitId=H1&turkSubmitTo=https%3A%2F%2Fworkersandbox.mturk.com`;

/** The researcher's participants page of a study, signed in, with test sessions shown (e2e sessions are test data). */
async function openParticipants(browser: Browser, slug: string): Promise<Page> {
	const context = await browser.newContext({ acceptDownloads: true });
	const page = await context.newPage();
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('row', { name: new RegExp(`\\(${slug}\\)`) }).getByTestId('participants-link').click();
	await expect(page).toHaveURL(new RegExp(`/dashboard/study/${slug}/participants$`));
	await page.getByTestId('include-test').check();
	return page;
}

const row = (page: Page, platformId: string) => page.getByTestId('participant-row').filter({ has: page.locator(`td[data-column="platform_id"]`, { hasText: new RegExp(`^${platformId}$`) }) });
const column = (page: Page, platformId: string, key: string) => row(page, platformId).locator(`td[data-column="${key}"]`);

async function sessionsOf(studyId: string) {
	const client = await researcherClient();
	const { data, error } = await client.from('study_participants').select('*').eq('study_id', studyId);
	if (error) throw new Error(error.message);
	return data as { worker_id: string; status: string; status_reason: string | null; trials_saved: number; completion_code: string | null }[];
}

test('a Prolific participant completes and is sent to Prolific with the code; the participants table and its CSV list them', async ({ browser, page }) => {
	const study = await createShortStudy('e2e-prolific-end', { ...SHORT, prolific_completion_code: PROLIFIC_CODE, prolific_screenout_code: SCREENOUT_CODE });
	// Prolific is not reachable from here: the redirect is answered locally and recorded
	const prolificVisits: string[] = [];
	await page.route('https://app.prolific.com/**', (route) => {
		prolificVisits.push(route.request().url());
		return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>Prolific (stand-in)</p>' });
	});
	await page.goto(`${prolificUrl('e2e-prolific-end', 'PPIDDONE1')}&simulate=data-only`);
	await page.getByTestId('start').click();
	await expect(page).toHaveURL(`https://app.prolific.com/submissions/complete?cc=${PROLIFIC_CODE}`, { timeout: 60_000 });
	expect(prolificVisits).toEqual([`https://app.prolific.com/submissions/complete?cc=${PROLIFIC_CODE}`]);

	const [stored] = await sessionsOf(study.id);
	expect(stored).toMatchObject({ worker_id: 'PPIDDONE1', status: 'completed', trials_saved: TRIALS });
	const code = stored!.completion_code!;

	const table = await openParticipants(browser, 'e2e-prolific-end');
	await expect(column(table, 'PPIDDONE1', 'status')).toHaveText('completed');
	await expect(column(table, 'PPIDDONE1', 'completion_code')).toHaveText(code);
	await expect(column(table, 'PPIDDONE1', 'code_source')).toHaveText('server');
	await expect(column(table, 'PPIDDONE1', 'trials_saved')).toHaveText(String(TRIALS));
	await expect(column(table, 'PPIDDONE1', 'platform_session_id')).toHaveText('SESS-PPIDDONE1');
	await expect(column(table, 'PPIDDONE1', 'browser')).not.toBeEmpty();

	const [download] = await Promise.all([table.waitForEvent('download'), table.getByTestId('download-csv').click()]);
	expect(download.suggestedFilename()).toBe('e2e-prolific-end-participants.csv');
	const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
	expect(csv[0]).toMatch(/^platform,platform_id,assignment_id,platform_session_id,status,/);
	const line = csv.find((l) => l.includes('PPIDDONE1'));
	expect(line).toContain(`,completed,`);
	expect(line).toContain(`,${code},server,`);

	// a code handed in is checked against the sessions
	await table.getByTestId('codes-input').fill(`${code}\nL-0123456789`);
	await table.getByTestId('check-codes').click();
	await expect(table.getByTestId('code-checks')).toContainText(`${code}: valid, issued by the server to PPIDDONE1`);
	await expect(table.getByTestId('code-checks')).toContainText('L-0123456789: not a code of this study');
	await table.context().close();
});

test('a worker resumes in a second browser where she left off, and a revisit after completion still offers "Submit the HIT"', async ({ browser }) => {
	const study = await createShortStudy('e2e-resume-browser', SHORT);
	const url = mturkUrl('e2e-resume-browser', 'WRESUME1', 'ARESUME1');
	const first = await browser.newContext();
	const page = await first.newPage();
	await watchTrials(page);
	await page.goto(url);
	const keys = await startSession(page);
	await answerTrials(page, 3, keys.animal); // practice and one main trial
	await expect.poll(async () => (await sessionsOf(study.id))[0]?.trials_saved, { timeout: 15_000 }).toBe(3);
	await first.close();

	// another browser: a new anonymous user, no local storage; the server knows the worker
	const second = await browser.newContext();
	const again = await second.newPage();
	await second.route('https://workersandbox.mturk.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>MTurk (stand-in)</p>' }));
	await watchTrials(again);
	await again.goto(url);
	await again.getByTestId('start').click();
	await expect(again.getByText(`You continue where you left off: ${TRIALS - 3} pictures to go.`)).toBeVisible({ timeout: 30_000 });
	await again.getByRole('button', { name: 'Continue' }).click();
	await again.getByRole('button', { name: 'Go full screen' }).click();
	await answerTrials(again, TRIALS - 3, keys.animal);
	await again.getByRole('button', { name: 'Finish' }).click();
	const code = await again.getByTestId('completion-code').textContent();
	expect(code).toMatch(/^[0-9A-F]{10}$/);
	const sessions = await sessionsOf(study.id);
	expect(sessions).toHaveLength(1);
	expect(sessions[0]).toMatchObject({ status: 'completed', trials_saved: TRIALS, completion_code: code });
	await second.close();

	// a third browser, the same assignment: the code again, with MTurk's submit button
	const third = await browser.newContext();
	const revisit = await third.newPage();
	let submitted = '';
	await third.route('https://workersandbox.mturk.com/**', (route) => {
		submitted = route.request().postData() ?? '';
		return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>MTurk (stand-in)</p>' });
	});
	await revisit.goto(url);
	await revisit.getByTestId('start').click();
	await expect(revisit.getByTestId('completion-code')).toHaveText(code!, { timeout: 30_000 });
	await revisit.getByRole('button', { name: 'Submit the HIT' }).click();
	await expect.poll(() => submitted, { timeout: 15_000 }).toContain(`completion_code=${code}`);
	expect(submitted).toContain('assignmentId=ARESUME1');
	await third.close();
});

test('a person who declines sees the screen-out code, appears as declined, and can reconsider; a small window is turned away with its size', async ({ browser }) => {
	const study = await createShortStudy('e2e-declined', { ...SHORT, prolific_screenout_code: SCREENOUT_CODE });
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(prolificUrl('e2e-declined', 'PDECLINE1'));
	await page.getByTestId('start').click();
	await page.getByRole('button', { name: 'I do not agree' }).click({ timeout: 30_000 });
	await expect(page.getByTestId('turned-away')).toContainText('You chose not to take part');
	await expect(page.getByTestId('screen-out')).toContainText('return the study on Prolific');
	await expect(page.getByTestId('screen-out-code')).toHaveText(SCREENOUT_CODE);
	await expect(page.getByTestId('screen-out-link')).toHaveAttribute('href', `https://app.prolific.com/submissions/complete?cc=${SCREENOUT_CODE}`);
	await expect.poll(async () => (await sessionsOf(study.id)).map((s) => s.status)).toEqual(['declined']);

	const table = await openParticipants(browser, 'e2e-declined');
	await expect(column(table, 'PDECLINE1', 'status')).toHaveText('declined');
	await expect(column(table, 'PDECLINE1', 'reason')).toHaveText('did not consent');
	await expect(column(table, 'PDECLINE1', 'ended_at')).not.toBeEmpty();

	// she reloads and reconsiders: the consent form again, the same session in progress
	await page.reload();
	await page.getByTestId('start').click();
	await expect(page.getByRole('button', { name: 'I agree' })).toBeVisible({ timeout: 30_000 });
	await expect.poll(async () => (await sessionsOf(study.id)).map((s) => s.status)).toEqual(['started']);
	await context.close();

	// a window that cannot be made large enough: turned away with its size, recorded with the reason
	const small = await browser.newContext({ viewport: { width: 300, height: 300 } });
	const tiny = await small.newPage();
	await tiny.goto(prolificUrl('e2e-declined', 'PSMALL1'));
	await tiny.getByTestId('start').click();
	await expect(tiny.getByTestId('experiment')).toContainText('Your window is 300 x 300 pixels', { timeout: 30_000 });
	await tiny.getByRole('button', { name: 'I cannot make the window any larger' }).click();
	await expect(tiny.getByTestId('turned-away')).toContainText('Your browser window is 300 x 300 pixels');
	await expect(tiny.getByTestId('screen-out-code')).toHaveText(SCREENOUT_CODE);
	await small.close();
	await table.getByTestId('refresh').click();
	await expect(column(table, 'PSMALL1', 'status')).toHaveText('turned away');
	await expect(column(table, 'PSMALL1', 'reason')).toHaveText('small window 300x300');
	await expect(column(table, 'PSMALL1', 'screen')).toContainText('window 300x300');
	await table.context().close();
});
