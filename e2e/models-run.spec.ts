import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { LOCAL_RESEARCHER, researcherClient } from './platform.js';

async function signIn(page: Page) {
	await page.goto('/models');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('run-form')).toBeVisible();
}

async function configure(page: Page, options: { model: string; limit: number; saliency: boolean; backend?: string }) {
	const form = page.getByTestId('run-form');
	for (const box of await form.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
	await form.getByLabel(options.model).check();
	await form.getByLabel('Levels').selectOption('full');
	await form.getByLabel('Backend').selectOption(options.backend ?? 'wasm');
	await form.getByLabel('At most this many stimuli').fill(String(options.limit));
	if (options.saliency) await form.getByLabel('Saliency maps').check();
}

test('a model run from the page stores decisions like trials, the same as the command line', async ({ page }) => {
	test.setTimeout(180_000);
	await signIn(page);
	await configure(page, { model: 'MobileNet v1 0.25 (224)', limit: 6, saliency: false });
	await page.getByRole('button', { name: 'Run' }).click();
	const summary = page.locator('[data-testid="run-summary"][data-model="mobilenet-v1-0.25"]');
	await expect(summary).toHaveAttribute('data-outcome', 'done', { timeout: 120_000 });
	await expect(summary).toContainText('on wasm, done, 6 results stored');
	await expect(summary).toContainText('decision rule top-1'); // the paper's rule, the default

	const client = await researcherClient();
	const { data: runs } = await client.from('model_runs').select('id, backend, status, n_stimuli, is_test, config').eq('model_id', 'mobilenet-v1-0.25').order('started_at');
	const run = runs!.at(-1)!;
	expect(run).toMatchObject({ backend: 'wasm', status: 'done', n_stimuli: 6, is_test: true });
	expect(run.config).toMatchObject({ decision_rule: 'top-1' }); // stored with the run
	const { data: trials } = await client.from('decision_trials').select('observer_kind, observer_id, image_id, category, reveal, response')
		.eq('observer_kind', 'model').eq('observer_id', 'mobilenet-v1-0.25'); // the view gives the observer in parts (src/stimuli/observer.ts)
	expect(trials!.length).toBeGreaterThanOrEqual(6);
	expect(trials!.every((t: { observer_kind: string; reveal: number }) => t.observer_kind === 'model' && t.reveal === 1)).toBe(true);

	// the command line on the same set gives the same decisions
	const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/inference/cli.ts', 'run', '--model', 'mobilenet-v1-0.25', '--set', '.local/stimuli/demo', '--out', 'test-results/cli-mobilenet.csv', '--levels', '9', '--limit', '6']);
	expect(stdout).toContain('wrote 6 decisions');
	const cli = Papa.parse<Record<string, string>>(readFileSync('test-results/cli-mobilenet.csv', 'utf8'), { header: true, skipEmptyLines: true }).data;
	const page6 = new Map((trials as { image_id: string; response: string }[]).map((t) => [t.image_id, t.response]));
	expect(cli).toHaveLength(6);
	for (const row of cli) expect(row.response, row.image_id).toBe(page6.get(row.image_id));
});

test('saliency maps from the page are stored as maps of source model:<id>', async ({ page }) => {
	test.setTimeout(240_000);
	await signIn(page);
	await configure(page, { model: 'MobileNet v1 0.25 (224)', limit: 2, saliency: true });
	await page.getByRole('button', { name: 'Run' }).click();
	const summary = page.locator('[data-testid="run-summary"][data-model="mobilenet-v1-0.25"]').last();
	await expect(summary).toHaveAttribute('data-outcome', 'done', { timeout: 200_000 });
	await expect(summary).toContainText('2 saliency maps');
	const client = await researcherClient();
	const { data: maps } = await client.from('importance_maps').select('image_id, width, height, source, params').eq('source', 'model:mobilenet-v1-0.25');
	expect(maps).toHaveLength(2);
	expect(maps!.every((m: { width: number; height: number }) => m.width === 256 && m.height === 256)).toBe(true);
	// computed at the model's 224 px input, then resized to the stimulus (src/inference/saliency.ts), and the params say so
	for (const m of maps as { params: Record<string, unknown> }[]) {
		expect(m.params).toMatchObject({ input_resolution: [224, 224], stimulus_resolution: [256, 256], target_rule: 'listed' });
		expect(m.params.method).toContain('after resize and scaling');
	}
});

test('a run can be cancelled, and what ran is kept', async ({ page }) => {
	test.setTimeout(120_000);
	await signIn(page);
	await configure(page, { model: 'Darknet Tiny', limit: 93, saliency: false, backend: 'cpu' });
	await page.getByTestId('run-form').getByLabel('Batch size').fill('2');
	await page.getByRole('button', { name: 'Run' }).click();
	await expect(page.getByTestId('run-progress')).toContainText(/[1-9]\d* \/ 93 stimuli, about/, { timeout: 60_000 });
	await page.getByTestId('cancel').click();
	const summary = page.locator('[data-testid="run-summary"][data-model="darknet-tiny"]');
	await expect(summary).toHaveAttribute('data-outcome', 'cancelled', { timeout: 60_000 });
	const client = await researcherClient();
	const { data: runs } = await client.from('model_runs').select('status, n_stimuli').eq('model_id', 'darknet-tiny');
	expect(runs!.at(-1)!.status).toBe('cancelled');
	expect(runs!.at(-1)!.n_stimuli).toBeGreaterThan(0);
	expect(runs!.at(-1)!.n_stimuli).toBeLessThan(93);
});

test('a model URL that does not load gets a clear message, is stored as failed, and can be deleted', async ({ page }) => {
	test.setTimeout(120_000);
	await signIn(page);
	const custom = page.getByTestId('custom-model');
	await custom.getByText('Add a model by URL').click();
	await custom.getByLabel('Model URL').fill('https://example.org/not-a-model/');
	await custom.getByLabel('Model id').fill('no-such-model');
	await custom.getByLabel('Name').fill('No such model');
	await custom.getByLabel('ImageNet top-1').fill('0.7');
	await custom.getByRole('button', { name: 'Add model' }).click();
	await expect(page.getByTestId('custom-model-error')).toHaveText('The custom model: Model URL must point to a model.json or a .tflite file (got "https://example.org/not-a-model/")');
	await custom.getByLabel('Model URL').fill('/model-files/no-such-model/model.json');
	await custom.getByRole('button', { name: 'Add model' }).click();
	await expect(page.getByTestId('custom-model-error')).toBeHidden();
	const form = page.getByTestId('run-form');
	for (const box of await form.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
	await form.getByLabel('No such model').check();
	await form.getByLabel('Backend').selectOption('wasm');
	await form.getByLabel('At most this many stimuli').fill('1');
	await page.getByRole('button', { name: 'Run' }).click();
	await expect(page.getByTestId('models-error')).toContainText('could not load no-such-model', { timeout: 60_000 });

	// stored as failed, with its reason, in the run history; its owner deletes it
	const failed = page.locator('[data-testid="history-run"][data-model="no-such-model"]');
	await expect(failed).toHaveAttribute('data-status', 'failed');
	await expect(failed).toContainText('could not load no-such-model');
	const client = await researcherClient();
	const { data: before } = await client.from('model_runs').select('id, status, backend, error').eq('model_id', 'no-such-model');
	expect(before).toHaveLength(1);
	expect(before![0]).toMatchObject({ status: 'failed', backend: 'wasm' });
	expect(before![0].error).toContain('could not load no-such-model');
	await failed.getByTestId('delete-run').click();
	await expect(failed).toHaveCount(0);
	const { data: after } = await client.from('model_runs').select('id').eq('model_id', 'no-such-model');
	expect(after).toEqual([]);
	// a finished run offers no delete (the database refuses it too: supabase/tests/043-model-run-history.test.sql)
	await expect(page.locator('[data-testid="history-run"][data-status="done"] [data-testid="delete-run"]')).toHaveCount(0);
});

test('WebGPU agrees with the CPU backend on a small network and input', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/models/agreement');
	const table = page.getByTestId('agreement');
	await expect(table).toBeVisible({ timeout: 100_000 });
	await expect(table.locator('tr[data-backend="webgpu"]')).toHaveAttribute('data-agrees', 'true');
	for (const row of await table.locator('tbody tr').all()) await expect(row).toHaveAttribute('data-agrees', 'true');
});
