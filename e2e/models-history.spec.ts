/**
 * The models page's backend choice and run history (issue 17, items 12-14): "best available"
 * measures the run's own model on each backend (headless Chromium here has WebGPU only on the
 * SwiftShader software adapter, where WASM is much faster); a custom model declared by URL, with
 * a bad field refused in a sentence, runs and its declared top-1 is stored where the pareto plot
 * reads it; the run and its saliency maps are in the history after a reload; a run whose page
 * closed mid-run is marked failed from the history and deleted.
 */
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { ensureModel, startModelRun } from '../src/data/index.js';
import { LOCAL_RESEARCHER, researcherClient } from './platform.js';

async function signInIfAsked(page: Page) {
	const email = page.getByLabel('Email');
	await expect(email.or(page.getByTestId('run-form'))).toBeVisible();
	if (await email.isVisible()) {
		await email.fill(LOCAL_RESEARCHER.email);
		await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
	}
	await expect(page.getByTestId('run-form')).toBeVisible();
}

test('the backend list says what the model worker has: WASM and CPU run there', async ({ page }) => {
	await page.goto('/models');
	const list = page.getByTestId('backend-list');
	await expect(list.locator('li[data-backend="wasm"]')).toHaveAttribute('data-available', 'true', { timeout: 30_000 });
	await expect(list.locator('li[data-backend="cpu"]')).toHaveAttribute('data-available', 'true');
});

test('a custom model is declared by URL, picked a backend by a probe, run with saliency, and kept in the history after a reload', async ({ page }) => {
	test.setTimeout(180_000);
	await page.goto('/models');
	await signInIfAsked(page);

	// the declaration: a bad field is a sentence naming the field, never a raw error
	const custom = page.getByTestId('custom-model');
	await custom.getByText('Add a model by URL').click();
	await custom.getByLabel('Model URL').fill('/model-files/mobilenet-v1-0.25/model.json');
	await custom.getByLabel('Model id').fill('custom-mobilenet');
	await custom.getByLabel('Name').fill('Custom MobileNet');
	await custom.getByLabel('Input scaling').selectOption('symmetric');
	await custom.getByLabel('Output', { exact: true }).selectOption('probabilities');
	await custom.getByLabel('Logits layer').fill('conv_preds'); // as the zoo declares this model (src/inference/zoo/mobilenet-v1-0.25.json)
	await custom.getByLabel('ImageNet top-1').fill('41');
	await custom.getByRole('button', { name: 'Add model' }).click();
	await expect(page.getByTestId('custom-model-error')).toHaveText('The custom model: ImageNet top-1 must be a share from 0 to 1 (got 41; 70 % is 0.7)');
	await custom.getByLabel('ImageNet top-1').fill('0.413');
	await custom.getByRole('button', { name: 'Add model' }).click();
	await expect(page.getByTestId('custom-model-error')).toBeHidden();

	const form = page.getByTestId('run-form');
	for (const box of await form.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
	await form.getByLabel('Custom MobileNet').check();
	await expect(form.getByText('CNN, top-1 41.3 %')).toBeVisible();
	await form.getByLabel('Levels').selectOption('full');
	await form.getByLabel('Backend').selectOption('auto');
	await form.getByLabel('At most this many stimuli').fill('1');
	await form.getByLabel('Saliency maps').check();
	await page.getByRole('button', { name: 'Run' }).click();

	// the probe: WebGPU here is SwiftShader, a software adapter; WASM wins by measurement
	const summary = page.locator('[data-testid="run-summary"][data-model="custom-mobilenet"]');
	await expect(summary).toHaveAttribute('data-outcome', 'done', { timeout: 150_000 });
	await expect(summary).toHaveAttribute('data-backend', 'wasm');
	await expect(summary.getByTestId('backend-reason')).toContainText(/^Backend: WASM: [\d.]+ ms per image vs .*in a probe on this model/);
	await expect(summary.getByTestId('backend-reason')).toContainText('WebGPU');

	const client = await researcherClient();
	const { data: runs } = await client.from('model_runs').select('id, backend, status, config').eq('model_id', 'custom-mobilenet');
	expect(runs).toHaveLength(1);
	const run = runs![0]!;
	expect(run).toMatchObject({ backend: 'wasm', status: 'done', config: { decision_rule: 'top-1', images: 1, backend_requested: 'auto', backend_choice: { requested: 'auto', chosen: 'wasm', rule: 'probe' } } });
	console.log(`backend choice: ${run.config.backend_choice.reason}`); // the measured times, for the CI log
	const timings = run.config.backend_choice.timings as { backend: string; msPerImage: number | null; note: string | null }[];
	const wasm = timings.find((t) => t.backend === 'wasm')!;
	const webgpu = timings.find((t) => t.backend === 'webgpu')!;
	expect(wasm.msPerImage).toBeGreaterThan(0);
	// WebGPU was probed too: slower per image, or no answer within the cap
	expect(webgpu.msPerImage === null ? webgpu.note : webgpu.msPerImage > wasm.msPerImage!).toBeTruthy();
	// the declared top-1 is where the results page's pareto plot reads it (models.imagenet_top1)
	const { data: model } = await client.from('models').select('imagenet_top1').eq('id', 'custom-mobilenet').single();
	expect(model!.imagenet_top1).toBe(0.413);

	// after a reload: the run, its settings and its saliency map
	await page.reload();
	await signInIfAsked(page);
	await expect(page.getByTestId('run-form').getByLabel('Custom MobileNet')).toBeVisible(); // its declaration is kept in this browser
	const past = page.locator(`[data-testid="history-run"][data-run="${run.id}"]`);
	await expect(past).toHaveAttribute('data-status', 'done');
	await expect(past.getByTestId('history-backend')).toContainText(/^wasm: WASM: [\d.]+ ms per image vs/);
	await expect(past).toContainText('top-1');
	await expect(past).toContainText('1 stimuli answered of 1, fully revealed only');
	await past.getByRole('button', { name: 'Show saliency maps' }).click();
	await expect(past.getByTestId('history-maps').locator('canvas')).toHaveCount(1);
});

test('a run whose page closed mid-run is marked failed (interrupted) from the history, then deleted', async ({ page }) => {
	// a run started through the API that never recorded its end, as when the page is closed mid-run
	const client = await researcherClient();
	const { data: set } = await client.from('stimulus_sets').select('id').eq('slug', 'demo').single();
	const id = randomUUID();
	await ensureModel(client, { id: 'mobilenet-v1-0.25', name: 'MobileNet v1 0.25 (224)', family: 'CNN', imagenet_top1: 0.5, source_url: 'e2e' });
	await startModelRun(client, { id, modelId: 'mobilenet-v1-0.25', stimulusSetId: set!.id, backend: 'wasm', config: { decision_rule: 'top-1' }, isTest: true });

	await page.goto('/models');
	await signInIfAsked(page);
	const stale = page.locator(`[data-testid="history-run"][data-run="${id}"]`);
	await expect(stale).toHaveAttribute('data-status', 'running');
	await expect(stale.getByTestId('delete-run')).toHaveCount(0); // only a failed run can be deleted
	await stale.getByTestId('mark-interrupted').click();
	await expect(stale).toHaveAttribute('data-status', 'failed');
	await expect(stale).toContainText('interrupted: no end was recorded');
	await stale.getByTestId('delete-run').click();
	await expect(stale).toHaveCount(0);
	const { data: left } = await client.from('model_runs').select('id').eq('id', id);
	expect(left).toEqual([]);
});
