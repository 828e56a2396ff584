/**
 * Neural predictivity (issue 18): a researcher uploads the synthetic demo dataset (its .npy, its
 * sidecar and its six demo-set photos), fits a real model (mobilenet-v1-0.25, two layers to keep
 * the test short) in the page's worker, and reads the layer table, the accuracy-vs-predictivity
 * figure and the maps; the scores are the command line's (the same modules), which the source
 * layer of the synthetic responses wins.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { LOCAL_RESEARCHER } from './platform.js';

const DEMO = 'static/neural/synthetic-demo';

test('a researcher uploads the synthetic demo dataset, fits a real model and sees the predictivity plot', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByTestId('neural-link').click();
	await expect(page).toHaveURL(/\/dashboard\/neural$/);

	// a sidecar naming an image that was not chosen is refused in a sentence
	const sidecar = JSON.parse(readFileSync(`${DEMO}/responses.json`, 'utf8')) as { images: string[] };
	const photos = sidecar.images.map((i) => `static/stimuli/photos/${i}`);
	await page.getByTestId('dataset-files').setInputFiles([`${DEMO}/responses.npy`, `${DEMO}/responses.json`, ...photos.slice(1)]);
	await page.getByTestId('dataset-save').click();
	await expect(page.getByTestId('neural-problem')).toHaveText(`The responses name images that were not chosen: ${sidecar.images[0]}. Choose those image files too.`);

	await page.getByTestId('dataset-files').setInputFiles([`${DEMO}/responses.npy`, `${DEMO}/responses.json`, ...photos]);
	await page.getByTestId('dataset-name').fill('Synthetic demo upload');
	await page.getByTestId('dataset-save').click();
	await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('Synthetic demo upload: synthetic, 6 images, 7 x 7, 16 neurons (synthetic)');

	const analysis = page.getByTestId('neural-analysis');
	await analysis.getByLabel(/MobileNet v1 0\.25/).check();
	await page.getByTestId('layer-filter').fill('conv_pw_3_relu, conv_pw_7_relu');
	await page.getByTestId('neural-run').click();
	await expect(page.getByTestId('progress-mobilenet-v1-0.25')).toHaveAttribute('value', '2', { timeout: 90_000 });

	const table = page.getByTestId('layer-table-mobilenet-v1-0.25');
	await expect(table.locator('tbody tr')).toHaveCount(2);
	await expect(table.locator('tr.best td').first()).toHaveText('conv_pw_7_relu');
	const figure = page.getByTestId('figure-neural-synthetic-demo-upload-predictivity');
	await expect(figure.locator('svg')).toBeVisible();
	await expect(figure.locator('svg text', { hasText: 'synthetic data' })).toHaveCount(1);
	await expect(page.getByTestId('neural-maps').locator('canvas')).toHaveCount(12);

	// a second analysis of the same model and dataset takes its features from the cache
	await page.getByTestId('correlation').selectOption('pearson');
	await page.getByTestId('neural-run').click();
	await expect(page.getByText('mobilenet-v1-0.25: 2 / 2 layers (2 from the feature cache)')).toBeVisible({ timeout: 60_000 });

	// the same demo in one click, stored and chosen as a second dataset
	await page.getByText('Add a dataset').click();
	await page.getByTestId('dataset-demo').click();
	await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('Synthetic demo (not recordings): synthetic, 6 images');
	await expect(page.getByTestId('dataset-select').locator('option')).toHaveCount(3);
});
