/**
 * Issue 16 on the models page: an analyst imports an ONNX file (rebuilt in the browser, kept in
 * its IndexedDB) and runs it over the demo stimuli like a built-in model; and imports decisions
 * computed elsewhere as a run marked imported, which the database then holds like any run.
 */
import { expect, test } from '@playwright/test';
import { tinyOnnxClassifier } from '../src/inference/importers/tiny-classifier.js';
import { LOCAL_RESEARCHER, researcherClient } from './platform.js';

test.beforeEach(async ({ page }) => {
	await page.goto('/models');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('run-form')).toBeVisible();
});

test('an ONNX file imported on the page runs over the stimuli like a built-in model, and stays after a reload', async ({ page }) => {
	test.setTimeout(180_000);
	const form = page.getByTestId('import-model');
	await form.getByLabel('Model file').setInputFiles({ name: 'tiny.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(tinyOnnxClassifier()) });
	await form.getByLabel('Model id').fill('e2e-tiny-onnx');
	await form.getByLabel('Name').fill('Tiny ONNX (e2e)');
	await form.getByLabel('ImageNet top-1 (0 to 1)').fill('0.3');
	await form.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-model-done')).toContainText('Imported Tiny ONNX (e2e) (16 px input)');

	await page.reload();
	const run = page.getByTestId('run-form');
	// "Choose every model" ticks the whole zoo and the imported model
	await run.getByTestId('choose-all').click();
	await expect(run.getByLabel('Tiny ONNX (e2e)')).toBeChecked();
	await expect(run.getByLabel('MobileNet v2 1.0 (224, quantized TFLite)')).toBeChecked();
	for (const box of await run.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
	await run.getByLabel('Tiny ONNX (e2e)').check();
	await run.getByLabel('Levels').selectOption('full');
	await run.getByLabel('Backend').selectOption('wasm');
	await run.getByLabel('At most this many stimuli').fill('4');
	await run.getByRole('button', { name: 'Run' }).click();
	const summary = page.locator('[data-testid="run-summary"][data-model="e2e-tiny-onnx"]');
	await expect(summary).toHaveAttribute('data-outcome', 'done', { timeout: 120_000 });
	await expect(summary).toContainText('4 results stored');

	// a file that is not ONNX is refused in a sentence naming it
	const form2 = page.getByTestId('import-model');
	await form2.getByLabel('Model file').setInputFiles({ name: 'notes.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
	await form2.getByLabel('Model id').fill('e2e-bad-onnx');
	await form2.getByLabel('Name').fill('Bad');
	await form2.getByLabel('ImageNet top-1 (0 to 1)').fill('0.3');
	await form2.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-model-error')).toContainText(/^notes\.onnx: /);
});

test('a quantized TFLite file given by URL is imported in the browser and classifies', async ({ page }) => {
	test.setTimeout(120_000);
	const url = '/model-files/coral-tflite/mobilenet_v1_0.5_160_quant.tflite';
	test.skip(!(await page.request.head(url)).ok(), 'no local model folder with the Coral files (../shared/models)');
	const form = page.getByTestId('import-model');
	await form.getByLabel('or its URL').fill(url);
	await form.getByLabel('Model id').fill('e2e-coral-v1-05');
	await form.getByLabel('Name').fill('Coral v1 0.5 (e2e)');
	await form.getByLabel('ImageNet top-1 (0 to 1)').fill('0.572');
	await form.getByRole('button', { name: 'Import' }).click();
	// what the file says wins: its 160 px input, its background class, 0..255 in
	await expect(page.getByTestId('import-model-done')).toContainText('Imported Coral v1 0.5 (e2e) (160 px input)', { timeout: 60_000 });
	const run = page.getByTestId('run-form');
	for (const box of await run.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
	await run.getByLabel('Coral v1 0.5 (e2e)').check();
	await run.getByLabel('Levels').selectOption('full');
	await run.getByLabel('Backend').selectOption('wasm');
	await run.getByLabel('At most this many stimuli').fill('4');
	await run.getByRole('button', { name: 'Run' }).click();
	const summary = page.locator('[data-testid="run-summary"][data-model="e2e-coral-v1-05"]');
	await expect(summary).toHaveAttribute('data-outcome', 'done', { timeout: 90_000 });
	await expect(summary).toContainText('4 results stored');
});

test('decisions computed elsewhere are stored as a run marked imported, and a bad row is named', async ({ page }) => {
	const manifest = (await (await page.request.get('/stimuli/demo/manifest.json')).json()) as { stimuli: { image_id: string; category: string; reveal: number }[] };
	const full = manifest.stimuli.filter((s) => s.reveal === 1).slice(0, 5);
	const csv = ['observer,kind,image_id,category,reveal,response,rt_ms', ...full.map((s) => `e2e-outside-net,model,${s.image_id},${s.category},1,animal,`)].join('\n');
	const form = page.getByTestId('import-results');
	await form.getByLabel('Model id').fill('e2e-outside-net');
	await form.getByLabel('Name').fill('Outside net');
	await form.getByLabel('ImageNet top-1 (0 to 1)').fill('0.81');
	await form.getByLabel('Decisions CSV').setInputFiles({ name: 'outside.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\ne2e-outside-net,model,no-such-image,animal,1,animal,`) });
	await form.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-error')).toContainText('row 7: image no-such-image is not in the stimulus set');

	await form.getByLabel('Decisions CSV').setInputFiles({ name: 'outside.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await form.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByTestId('import-done')).toHaveText('Stored 5 answers of Outside net (imported).');
	const client = await researcherClient();
	const { data: runs } = await client.from('model_runs').select('backend, status, n_stimuli, config').eq('model_id', 'e2e-outside-net');
	// made by an automated browser: marked as test data, like everything such a visit stores
	const { data: marked } = await client.from('model_runs').select('is_test').eq('model_id', 'e2e-outside-net');
	expect(marked).toEqual([{ is_test: true }]);
	expect(runs).toEqual([{ backend: 'imported', status: 'done', n_stimuli: 5, config: expect.objectContaining({ imported: true, file: 'outside.csv' }) }]);
});
