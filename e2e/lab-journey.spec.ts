/**
 * Issue 15, as a lab would go: a researcher builds a stimulus set from their own photos on the
 * dashboard and records it, creates a study on it, writes its consent in Markdown and gives it a
 * Prolific code; a participant reads that consent; a (simulated) participant completes the study
 * and is sent to Prolific with the code; the participants table lists them with the code and its
 * CSV holds them; once paused, the study turns the next participant away politely.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { LOCAL_RESEARCHER, photo } from './platform.js';

const PHOTOS = ['owl', 'fox', 'cat', 'hen', 'eel', 'mug', 'bus', 'cup', 'car', 'pen'];
const ANIMALS = new Set(['owl', 'fox', 'cat', 'hen', 'eel']);
const CODE = 'JOURNEY7';

test('from own photos to a paid Prolific participant, with the dashboard alone', async ({ page, browser }) => {
	test.setTimeout(240_000);
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('signed-in-as')).toBeVisible();

	// 1. a set from ten photos of one's own, at 4 reveal levels, maps from centre bias (named as such)
	await page.goto('/dashboard/sets'); // the dashboard's link to it: own-set.spec.ts
	const setForm = page.getByTestId('set-form');
	await setForm.getByLabel('Name', { exact: true }).fill('Journey photos');
	await page.getByTestId('photo-input').setInputFiles(PHOTOS.map((name) => photo(name, 40, 40)));
	await expect(page.getByTestId('photo-row')).toHaveCount(PHOTOS.length);
	await page.getByRole('button', { name: 'all animal' }).click();
	for (const name of PHOTOS.filter((p) => !ANIMALS.has(p))) await page.getByLabel(`Category of ${name}`).selectOption('non_animal');
	await page.getByTestId('levels').fill('4');
	await page.getByTestId('size').fill('32');
	await expect(page.getByTestId('finding-refuse')).toHaveCount(0);
	await page.getByTestId('build-set').click();
	await expect(page.getByTestId('set-recorded')).toContainText('Journey photos (journey-photos): 10 photos, 40 stimuli', { timeout: 90_000 });

	// 2. a study on it: 6 photos held out for practice leave 4, one block of one per level
	await page.goto('/dashboard');
	const newStudy = page.getByTestId('new-study');
	await newStudy.getByLabel('Title').fill('Lab journey');
	await expect(newStudy.getByLabel('Short name for the link')).toHaveValue('lab-journey');
	await newStudy.getByLabel('Stimulus set').selectOption({ label: 'Journey photos (4 levels)' });
	await newStudy.getByLabel('Blocks').fill('1');
	await expect(newStudy.getByTestId('new-study-problem')).toHaveCount(0);
	await newStudy.getByRole('button', { name: 'Create and open' }).click();
	await page.getByRole('row', { name: /Lab journey/ }).getByTestId('settings-link').click();

	// 3. its consent in Markdown and its Prolific code
	const settings = page.getByTestId('settings-form');
	await settings.getByLabel('Consent title').fill('Taking part in the lab journey');
	await settings.getByLabel('Consent text').fill('You will see **ten photos** for a moment each.\n\nClick "I agree" to begin.');
	await settings.getByLabel('Prolific completion code').fill(CODE);
	await settings.getByRole('button', { name: 'Save settings' }).click();
	await expect(settings.getByTestId('saved')).toBeVisible();

	// 4. a participant reads that consent, rendered (on the server) from Markdown
	const reader = await browser.newPage();
	await reader.goto('/study/lab-journey?PROLIFIC_PID=JREADER&STUDY_ID=S1&SESSION_ID=R1');
	await reader.getByTestId('start').click();
	await expect(reader.getByTestId('consent-title')).toHaveText('Taking part in the lab journey', { timeout: 30_000 });
	await expect(reader.locator('.consent strong')).toHaveText('ten photos');
	await reader.close();

	// 5. a participant completes it and is sent to Prolific with the code (Prolific answered locally)
	const participant = await browser.newPage();
	await participant.route('https://app.prolific.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>Prolific</p>' }));
	await participant.goto('/study/lab-journey?PROLIFIC_PID=JDONE1&STUDY_ID=S1&SESSION_ID=D1&simulate=data-only');
	await participant.getByTestId('start').click();
	await expect(participant).toHaveURL(`https://app.prolific.com/submissions/complete?cc=${CODE}`, { timeout: 90_000 });
	await participant.close();

	// 6. the participants table lists them with the code; its CSV holds them
	await page.goto('/dashboard');
	await page.getByRole('row', { name: /\(lab-journey\)/ }).getByTestId('participants-link').click();
	await page.getByTestId('include-test').check(); // simulated participants are test data
	const row = page.getByTestId('participant-row').filter({ has: page.locator('td[data-column="platform_id"]', { hasText: /^JDONE1$/ }) });
	await expect(row.locator('td[data-column="status"]')).toHaveText('completed');
	const code = (await row.locator('td[data-column="completion_code"]').textContent())!.trim();
	expect(code).toMatch(/\S{6,}/);
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
	const line = readFileSync(await download.path(), 'utf8').split('\n').find((l) => l.includes('JDONE1'));
	expect(line).toContain(`,completed,`);
	expect(line).toContain(code);

	// 7. paused: the next participant is turned away politely, before any consent
	await page.goto('/dashboard');
	await page.getByRole('row', { name: /Lab journey/ }).getByTestId('settings-link').click();
	await page.getByRole('button', { name: 'Pause' }).click();
	await expect(page.getByTestId('status-value')).toHaveText('paused');
	const late = await browser.newPage();
	await late.goto('/study/lab-journey?PROLIFIC_PID=JLATE&STUDY_ID=S1&SESSION_ID=L1');
	await expect(late.getByTestId('not-open')).toContainText('not taking participants');
	await expect(late.getByTestId('start')).toHaveCount(0);
	await late.close();
});
