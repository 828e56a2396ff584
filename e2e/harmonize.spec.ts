import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { importImportanceMaps } from '../src/data/index.js';
import { mapToPng } from '../src/stimuli/index.js';
import { LOCAL_RESEARCHER, researcherClient } from './platform.js';

/**
 * The harmonizer page: a tiny run (2 steps of 2 images on WASM) on maps stored for 4 demo images
 * (a source of their own, so the demo set's ClickMe maps stay untouched) completes with the
 * before/after view, the model is saved in this browser with family harmonized, and the models page
 * lists it and runs it.
 */
test('a tiny harmonizer run completes, and the harmonized model is listed and runs on the models page', async ({ page }) => {
	test.setTimeout(240_000);
	const client = await researcherClient();
	const { data: set, error } = await client.from('stimulus_sets').select('id').eq('slug', 'demo').single();
	if (error) throw new Error(error.message);
	const blob = { width: 32, height: 32, data: Float64Array.from({ length: 1024 }, (_, i) => Math.exp(-(((i % 32) - 12) ** 2 + (Math.floor(i / 32) - 14) ** 2) / 40)) };
	await importImportanceMaps(client, set.id, 'model:e2e-harmonize', ['cat', 'bee', 'bucket', 'coffee'].map((id) => ({ image_id: id, width: 32, height: 32, png: mapToPng(blob) })));

	await page.goto('/models/harmonize');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	const form = page.getByTestId('harmonize-form');
	await expect(form).toBeVisible();
	await form.getByLabel('Model').selectOption('mobilenet-v1-0.25');
	await form.getByLabel('Map set').selectOption(set.id);
	await form.getByLabel('Maps').selectOption('model:e2e-harmonize');
	await form.getByLabel('Steps', { exact: true }).fill('2');
	await form.getByLabel('Batch size').fill('2');
	await form.getByLabel('Learning rate').fill('0.00003');
	await form.getByLabel('Backend').selectOption('wasm');
	await form.getByRole('button', { name: 'Harmonize' }).click();

	await expect(page.getByTestId('harmonize-ready')).toContainText('On wasm', { timeout: 120_000 });
	await expect(page.getByTestId('harmonize-ready')).toContainText('1 held out');
	await expect(page.getByTestId('harmonize-done')).toContainText('Done after 2 steps', { timeout: 180_000 });
	await expect(page.getByTestId('harmonize-bar')).toHaveAttribute('value', '2');
	await expect(page.getByTestId('harmonize-step')).toContainText('Step 2: loss');
	await expect(page.getByTestId('held-out-image')).toHaveCount(1);
	await expect(page.getByTestId('spearman-after')).toHaveText(/^-?\d\.\d{3}$/);

	await page.getByLabel('Save as model id').fill('mobilenet-e2e-harmonized');
	await page.getByRole('button', { name: 'Save as a new model' }).click();
	await expect(page.getByTestId('harmonize-saved')).toContainText('Saved mobilenet-e2e-harmonized (family harmonized)', { timeout: 60_000 });

	// the models page lists it among the models and runs it like any other
	await page.goto('/models');
	const runForm = page.getByTestId('run-form');
	await expect(runForm).toBeVisible();
	for (const box of await runForm.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
	await runForm.getByLabel('MobileNet v1 0.25 (224), harmonized').check();
	await runForm.getByLabel('Levels').selectOption('full');
	await runForm.getByLabel('Backend').selectOption('wasm');
	await runForm.getByLabel('At most this many stimuli').fill('2');
	await page.getByRole('button', { name: 'Run' }).click();
	const summary = page.locator('[data-testid="run-summary"][data-model="mobilenet-e2e-harmonized"]');
	await expect(summary).toHaveAttribute('data-outcome', 'done', { timeout: 120_000 });
	await expect(summary).toContainText('2 results stored');
});

test('npm run harmonize trains on the same maps and writes a harmonized model the app lists', async () => {
	test.setTimeout(240_000);
	// the maps the first test stored (source model:e2e-harmonize on the demo set)
	const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/harmonizer/cli.ts', '--model', 'mobilenet-v1-0.25', '--maps', 'demo', '--source', 'model:e2e-harmonize',
		'--steps', '1', '--batch', '2', '--lambda', '1', '--lr', '0.00003', '--evaluate-every', '0', '--id', 'mobilenet-cli-harmonized', '--out', 'test-results/harmonize-models', '--env', '.local/e2e/env.json'], { maxBuffer: 1 << 24 });
	expect(stdout).toMatch(/step +1\/1 +loss [\d.]+ = CE [\d.]+ \+ 1e-5 x weights [\d.]+ \+ lambda x harmonization [\d.]+/);
	expect(stdout).toMatch(/held-out after 1 steps: harmonization [\d.]+, CE [\d.]+, Spearman -?[\d.]+/);
	expect(stdout).toMatch(/demo photos \(93\): top-1 [\d.]+ % -> [\d.]+ %, animal/);
	const index = JSON.parse(readFileSync('test-results/harmonize-models/imported/index.json', 'utf8')) as { id: string; family: string }[];
	expect(index.find((e) => e.id === 'mobilenet-cli-harmonized')).toMatchObject({ family: 'harmonized', localDir: 'imported/mobilenet-cli-harmonized' });
	const model = JSON.parse(readFileSync('test-results/harmonize-models/imported/mobilenet-cli-harmonized/model.json', 'utf8'));
	expect(model.userDefinedMetadata.harmonization).toMatchObject({ base_model: 'mobilenet-v1-0.25', map_set: 'demo', map_source: 'model:e2e-harmonize', steps_done: 1, settings: { lambda: 1, steps: 1, batchSize: 2 } });
});
