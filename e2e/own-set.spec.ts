/**
 * A researcher builds a stimulus set from their own photos on the dashboard and records it; the
 * set is then served like the demo set and offered wherever a set is chosen: the new-study form,
 * the ClickMe maps panel and the models page.
 */
import { expect, test } from '@playwright/test';
import { centerBiasMap, mapToPng } from '../src/stimuli/importance-map.js';
import { importImportanceMaps } from '../src/data/index.js';
import { LOCAL_RESEARCHER, photo, researcherClient } from './platform.js';

// the third test takes its maps from the set the first one records
test.describe.configure({ mode: 'serial' });

test('a researcher uploads photos, builds and records a set, and it is offered for studies, ClickMe and models', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByTestId('sets-link').click();
	await expect(page).toHaveURL(/\/dashboard\/sets$/);

	const form = page.getByTestId('set-form');
	await form.getByLabel('Name', { exact: true }).fill('Lab photos');
	await expect(form.getByLabel('Short name for links')).toHaveValue('lab-photos');
	await page.getByTestId('photo-input').setInputFiles([photo('owl', 40, 40), photo('fox', 40, 40), photo('mug', 40, 40), photo('bus', 48, 32)]);
	await expect(page.getByTestId('photo-row')).toHaveCount(4);
	await page.getByTestId('levels').fill('4');
	await page.getByTestId('size').fill('32');

	// refusals block the build, each in one sentence
	const build = page.getByTestId('build-set');
	await expect(page.getByTestId('finding-refuse').first()).toContainText('needs a category');
	await expect(build).toBeDisabled();
	await page.getByRole('button', { name: 'all animal' }).click();
	await page.getByLabel('Category of mug').selectOption('non_animal');
	await page.getByLabel('Category of bus').selectOption('non_animal');
	await page.getByTestId('seed').fill('-1');
	await expect(page.getByTestId('finding-refuse')).toHaveText(['Fix: The seed must be a whole number from 0 to 2147483647 (got -1).']);
	await expect(build).toBeDisabled();
	await page.getByTestId('seed').fill('1');
	await expect(page.getByTestId('finding-refuse')).toHaveCount(0);

	// warnings before building: how the non-square photo will be cropped; centre bias is named as such
	await expect(page.getByTestId('finding-warn')).toContainText(['Photo "bus" is 48 x 32, not square: it will be centre-cropped to 32 x 32 (cutting 16 px from the left and right together), then resized to 32 x 32.']);
	await expect(page.getByTestId('map-source')).toContainText('Centre bias (a placeholder, not human data)');
	await expect(page.getByTestId('map-source').getByLabel('Centre bias (a placeholder, not human data)')).toBeChecked();

	// build and record, with a progress bar on the way
	const seenProgress = page.waitForSelector('[data-testid="build-progress"]', { state: 'attached', timeout: 30_000 }).then(() => true, () => false);
	await expect(build).toBeEnabled();
	await build.click();
	await expect(page.getByTestId('set-recorded')).toContainText('Lab photos (lab-photos): 4 photos, 16 stimuli', { timeout: 60_000 });
	expect(await seenProgress).toBe(true);
	await expect(page.getByTestId('own-sets')).toContainText('Lab photos');
	await expect(page.getByTestId('own-sets')).toContainText('centre bias (placeholder)');

	// served like the demo set, from /stimuli/<slug>/
	const manifest = await (await page.request.get('/stimuli/lab-photos/manifest.json')).json();
	expect(manifest.images.map((i: { image_id: string }) => i.image_id).sort()).toEqual(['bus', 'fox', 'mug', 'owl']);
	expect(manifest.map_source).toBe('center-bias');
	const stimulus = await page.request.get(`/stimuli/lab-photos/${manifest.stimuli[0].file}`);
	expect(stimulus.headers()['content-type']).toBe('image/png');

	// the new-study form offers it (a study on an own set, from consent to a paid participant: lab-journey.spec.ts)
	await page.goto('/dashboard');
	await expect(page.getByTestId('new-study').getByLabel('Stimulus set').locator('option', { hasText: 'Lab photos' })).toHaveCount(1);
	// ClickMe: its maps panel, where its owner opens it to players
	await expect(page.getByTestId('clickme-panel-lab-photos')).toBeVisible();
	// the models page's set selector
	await page.goto('/models');
	await expect(page.getByTestId('run-form').getByLabel('Stimulus set').locator('option', { hasText: 'Lab photos' })).toHaveCount(1);
});

test('uploaded maps are checked before building: missing, wrong-sized and all-zero maps are named', async ({ page }) => {
	await page.goto('/dashboard/sets');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByTestId('set-form').getByLabel('Name', { exact: true }).fill('Mapped photos');
	await page.getByTestId('photo-input').setInputFiles([photo('owl', 40, 40), photo('fox', 40, 40), photo('mug', 40, 40), photo('bus', 40, 40)]);
	await page.getByRole('button', { name: 'all animal' }).click();
	await page.getByTestId('map-source').getByLabel('Uploaded maps').check();
	const map = (name: string, m: { width: number; height: number; data: Float64Array }) => ({ name: `${name}.png`, mimeType: 'image/png', buffer: Buffer.from(mapToPng(m)) });
	await page.getByTestId('map-input').setInputFiles([
		map('owl', centerBiasMap(40, 40)),
		map('fox', { width: 40, height: 40, data: new Float64Array(1600) }),
		map('mug', centerBiasMap(10, 10))
	]);
	await expect(page.getByTestId('finding-refuse')).toContainText([
		'1 photo has no map in the uploaded maps: "bus". Maps are matched to photos by id (file name without extension).',
		'The map of "mug" is 10 x 10: it must be the photo\'s size (40 x 40) or the set\'s (256 x 256).'
	]);
	await expect(page.getByTestId('finding-warn')).toContainText(['The map of "fox" is all zero: no pixel is more important than another, so its pixels are revealed in the seeded random tie order, not by importance.']);
	await expect(page.getByTestId('build-set')).toBeDisabled();
});

test("a set built from a model's saliency on another set records where its maps came from", async ({ page }) => {
	// a model's saliency maps stored for the first test's set, as the models page stores them
	const client = await researcherClient();
	const { data: source, error } = await client.from('stimulus_sets').select('id').eq('slug', 'lab-photos').single();
	if (error) throw new Error(error.message);
	const diagonal = { width: 32, height: 32, data: Float64Array.from({ length: 1024 }, (_, i) => (i % 32) + Math.floor(i / 32)) };
	await importImportanceMaps(client, source.id, 'model:e2e-saliency', ['owl', 'fox', 'mug', 'bus'].map((id) => ({ image_id: id, width: 32, height: 32, png: mapToPng(diagonal) })));

	await page.goto('/dashboard/sets');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByTestId('set-form').getByLabel('Name', { exact: true }).fill('Saliency-first photos');
	await page.getByTestId('photo-input').setInputFiles([photo('owl', 40, 40), photo('mug', 40, 40)]);
	await page.getByLabel('Category of owl').selectOption('animal');
	await page.getByLabel('Category of mug').selectOption('non_animal');
	await page.getByTestId('levels').fill('4');
	await page.getByTestId('size').fill('32');
	await page.getByTestId('map-source').getByLabel("A model's saliency on another set").check();
	// other sets may have model maps too (the demo set, once a model ran with saliency): choose this one
	await page.getByTestId('map-source-set').selectOption(source.id);
	await expect(page.getByTestId('map-source-set')).toHaveValue(source.id);
	await expect(page.getByTestId('map-source-model')).toHaveValue('e2e-saliency');
	await expect(page.getByTestId('map-source')).toContainText('4 maps loaded.');
	await expect(page.getByTestId('finding-note')).toContainText(['2 maps match no photo and will be left out: "bus", "fox".']);
	await page.getByTestId('build-set').click();
	await expect(page.getByTestId('set-recorded')).toContainText('Saliency-first photos (saliency-first-photos): 2 photos, 8 stimuli', { timeout: 60_000 });
	await expect(page.getByTestId('own-sets').getByRole('row', { name: /Saliency-first photos/ })).toContainText('saliency of e2e-saliency on lab-photos');
	const manifest = await (await page.request.get('/stimuli/saliency-first-photos/manifest.json')).json();
	expect(manifest.map_source).toBe('model:e2e-saliency');
});
