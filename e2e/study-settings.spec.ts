import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { DataError, ensureParticipantSignedIn, getStudy, startSession } from '../src/data/index.js';
import { LOCAL_RESEARCHER, apiClient } from './platform.js';

/** The DataError a refused call throws. */
async function refusal(promise: Promise<unknown>): Promise<DataError> {
	const error = await promise.then(() => null, (e: unknown) => e);
	expect(error).toBeInstanceOf(DataError);
	return error as DataError;
}

test('a researcher edits a study\'s settings, is told what is wrong, pauses it, duplicates it and deletes the copy', async ({ page }) => {
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();

	// the new-study form checks the design against the set (the demo set: 93 images at 10 levels)
	const form = page.getByTestId('new-study');
	await form.getByLabel('Title').fill('Settings walk');
	await expect(form.getByLabel('Short name for the link')).toHaveValue('settings-walk'); // suggested from the title
	await form.getByLabel('Images per participant').fill('20');
	await form.getByLabel('Blocks').fill('20');
	await expect(form.getByTestId('new-study-problem')).toHaveText(
		'Blocks (20) would leave a block with 1 of the 20 images; each block needs at least 10 (one per reveal level of the set), so use at most 2 blocks.');
	await form.getByLabel('Blocks').fill('2');
	await expect(form.getByTestId('new-study-problem')).toHaveCount(0);
	await form.getByRole('button', { name: 'Create and open' }).click();
	await page.getByRole('row', { name: /Settings walk/ }).getByTestId('settings-link').click();

	// settings: texts in Markdown, with a preview
	await expect(page.getByTestId('status-value')).toHaveText('live');
	const settings = page.getByTestId('settings-form');
	await settings.getByLabel('Consent title').fill('Agreeing to take part');
	await settings.getByLabel('Consent text').fill('You will see **pictures**.\n\nClick "I agree" to begin.');
	await settings.getByLabel('Contact').fill('Dr. A. Person, a.person@lab.example.org');
	await settings.getByLabel('Ethics committee').fill('Example University IRB');
	await settings.getByLabel('Ethics approval number').fill('2026-017');
	await page.getByText('Preview the consent page').click();
	const preview = page.getByTestId('consent-preview');
	await expect(preview.locator('h3')).toHaveText('Agreeing to take part');
	await expect(preview.locator('strong').first()).toHaveText('pictures');
	await expect(preview).toContainText('Ethics approval: Example University IRB, approval 2026-017');

	// a rule broken: the sentence next to the field, and saving refused
	await settings.getByLabel('Images per participant').fill('200');
	await expect(settings.getByTestId('field-problem')).toHaveText(
		'Images per participant (200) is more than the set has: 93 images, 6 of them held out for practice, so at most 87.');
	await settings.getByRole('button', { name: 'Save settings' }).click();
	await expect(settings.getByTestId('save-problems')).toContainText('Not saved: one setting needs fixing.');
	await settings.getByLabel('Images per participant').fill('20');
	await expect(settings.getByTestId('field-problem')).toHaveCount(0);

	// a timing changed from the paper's: a warning, not a refusal
	await settings.getByLabel('Stimulus duration (ms)').fill('300');
	await expect(settings.getByTestId('field-warning')).toHaveText(
		'Stimulus duration (ms) is 300; the paper\'s is 400. Results may not be comparable with the paper\'s.');

	// recruitment: Prolific codes, MTurk live, and the http warning
	await settings.getByLabel('Prolific completion code').fill('C0DE42');
	await settings.getByLabel('Prolific screen-out code').fill('SCREEN1');
	await settings.getByLabel('Pay', { exact: true }).fill('4.5');
	await settings.getByLabel('Expected duration (minutes)').fill('12');
	await expect(page.getByTestId('mturk-endpoint')).toHaveText('https://mturk-requester-sandbox.us-east-1.amazonaws.com');
	await settings.getByLabel('MTurk').selectOption('live');
	await expect(page.getByTestId('mturk-endpoint')).toHaveText('https://mturk-requester.us-east-1.amazonaws.com');
	await expect(page.getByTestId('http-warning')).toContainText('not https');
	await settings.getByRole('button', { name: 'Save settings' }).click();
	await expect(settings.getByTestId('saved')).toBeVisible();

	// saved: the page shows it again, and participants read it without the secret code
	await page.reload();
	await expect(page.getByTestId('settings-form').getByLabel('Consent title')).toHaveValue('Agreeing to take part');
	const participant = apiClient();
	const study = await getStudy(participant, 'settings-walk');
	expect(study.config).toMatchObject({
		images_per_session: 20, blocks: 2, mturk_mode: 'live',
		timing: { stimulus_ms: 300 }, payment: { amount: 4.5, minutes: 12 },
		texts: { consent_title: 'Agreeing to take part', ethics_approval_id: '2026-017' }
	});
	// both Prolific codes are secrets: only complete_session and end_session hand them out
	expect(JSON.stringify(study)).not.toContain('C0DE42');
	expect(JSON.stringify(study)).not.toContain('SCREEN1');

	// pause: new participants are turned away with a sentence
	await page.getByRole('button', { name: 'Pause' }).click();
	await expect(page.getByTestId('status-value')).toHaveText('paused');
	expect((await getStudy(participant, 'settings-walk')).status).toBe('paused');
	await ensureParticipantSignedIn(participant);
	const away = await refusal(startSession(participant, { sessionId: randomUUID(), studySlug: 'settings-walk', platform: 'prolific', workerId: 'E2EPAUSED', isTest: true }));
	expect([away.hint, away.message]).toEqual(['study_not_open', 'This study is paused and is not taking new participants at the moment. Please try again later.']);

	// duplicate: a taken short name is named, then a draft copy with the same settings
	const duplicate = page.getByTestId('duplicate-form');
	await duplicate.getByLabel('New short name').fill('settings-walk');
	await duplicate.getByRole('button', { name: 'Duplicate' }).click();
	await expect(page.getByTestId('duplicate-error')).toHaveText('The short name "settings-walk" is already used by your study "Settings walk". Choose another short name.');
	await duplicate.getByLabel('New short name').fill('settings-walk-2');
	await duplicate.getByLabel('New title').fill('Settings walk, second run');
	await duplicate.getByRole('button', { name: 'Duplicate' }).click();
	await expect(page).toHaveURL(/\/dashboard\/study\/settings-walk-2\/settings$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings: Settings walk, second run');
	await expect(page.getByTestId('status-value')).toHaveText('draft');
	await expect(page.getByTestId('settings-form').getByLabel('Consent title')).toHaveValue('Agreeing to take part');

	// delete the copy: hidden from the list and from participants, kept under "Deleted studies"
	await page.getByRole('button', { name: 'Delete study' }).click();
	await page.getByRole('button', { name: 'Yes, delete' }).click();
	await expect(page.getByTestId('deleted-notice')).toContainText('The study "settings-walk-2" is deleted');
	await expect(page.getByTestId('study-table')).toContainText('Settings walk');
	await expect(page.getByTestId('study-table')).not.toContainText('settings-walk-2');
	await expect(page.getByTestId('deleted-studies')).toContainText('Settings walk, second run');
	expect((await refusal(getStudy(apiClient(), 'settings-walk-2'))).status).toBe(404);
});
