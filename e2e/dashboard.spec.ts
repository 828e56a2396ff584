import { expect, test } from '@playwright/test';
import { LOCAL_RESEARCHER } from './platform.js';

test('a wrong password is refused with a clear message', async ({ page }) => {
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('signin-error')).toHaveText('Sign-in failed: Invalid login credentials');
});

test('the seeded researcher signs in and sees the demo study, then signs out', async ({ page }) => {
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('signed-in-as')).toHaveText(LOCAL_RESEARCHER.email);
	await expect(page.getByTestId('study-table')).toContainText('Animal or not? (demo)');
	await page.getByRole('row', { name: /Animal or not\? \(demo\)/ }).getByRole('button', { name: 'Links' }).click();
	await expect(page.getByTestId('participant-link')).toHaveText(/\/study\/demo$/);
	// the session persists across a reload
	await page.reload();
	await expect(page.getByTestId('signed-in-as')).toHaveText(LOCAL_RESEARCHER.email);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByTestId('signin-form')).toBeVisible();
});

test('a researcher creates a study from the demo set and gets its links', async ({ page }) => {
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	const form = page.getByTestId('new-study');
	await form.getByLabel('Title').fill('Pilot of the week');
	await form.getByLabel('Short name for the link').fill('pilot-week');
	await form.getByLabel('Images per participant').fill('20');
	await form.getByLabel('Blocks').fill('2'); // 10 images a block: one per reveal level of the demo set
	await form.getByRole('button', { name: 'Create and open' }).click();
	const links = page.getByTestId('study-links');
	await expect(links.getByTestId('participant-link')).toHaveText(/\/study\/pilot-week$/);
	await expect(links.getByTestId('prolific-url')).toHaveValue(/\/study\/pilot-week\?PROLIFIC_PID=\{\{%PROLIFIC_PID%\}\}/);
	await expect(links.getByTestId('mturk-xml')).toHaveValue(/<ExternalURL>.*\/study\/pilot-week<\/ExternalURL>/);
	await expect(page.getByTestId('study-table')).toContainText('Pilot of the week');
	// the link works for participants
	await page.goto('/study/pilot-week');
	await expect(page.getByTestId('study-title')).toHaveText('Pilot of the week');
	// a taken name is refused with a sentence naming the study that has it
	await page.goto('/dashboard');
	await page.getByTestId('new-study').getByLabel('Title').fill('Again');
	await page.getByTestId('new-study').getByLabel('Short name for the link').fill('pilot-week');
	await page.getByTestId('new-study').getByRole('button', { name: 'Create and open' }).click();
	await expect(page.getByTestId('new-study-problem')).toHaveText('The short name "pilot-week" is already used by your study "Pilot of the week". Choose another short name.');
});
