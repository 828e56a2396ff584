import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { importImportanceMaps } from '../src/data/index.js';
import { mapToPng } from '../src/stimuli/index.js';
import { LOCAL_RESEARCHER, researcherClient } from './platform.js';

/**
 * The harmonizer page: a tiny run (2 steps of 2 images; the backend by the measured probe, WASM here) on maps stored for 4 demo images
 * (a source of their own, so the demo set's ClickMe maps stay untouched) completes with the
 * before/after view and its downloads, the model is saved in this browser with family harmonized,
 * the models page lists it and runs it, its run appears in the study results (ImageNet top-1 not
 * known: left out of the pareto plot, saying so), and ClickMe loads it as the partner with its
 * provenance. The command line's model, served from the imported folder the e2e server serves
 * (IMPORTED_MODEL_DIR=.local/e2e/models/imported, playwright.config.ts), is chosen in ClickMe and
 * plays a round. Second-order gradients agree with CPU on WebGPU.
 */

/** Reads a download's text. */
async function downloaded(page: Page, testId: string): Promise<{ name: string; text: string }> {
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
	const stream = await download.createReadStream();
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}

/** One ClickMe stroke across the photo: the network guesses (or recognizes the object); the round is skipped if it still runs. */
async function paintOnce(page: Page) {
	const canvas = page.getByTestId('paint-canvas');
	await canvas.scrollIntoViewIfNeeded();
	const box = (await canvas.boundingBox())!;
	await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 10 });
	await page.mouse.up();
	await expect(page.getByTestId('guesses').or(page.getByTestId('round-result')).first()).toBeVisible({ timeout: 30_000 });
	if (await page.getByTestId('skip').isVisible()) await page.getByTestId('skip').click();
	await expect(page.getByTestId('round-result')).toBeVisible();
}
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
	await form.getByTestId('harmonize-model').selectOption('mobilenet-v1-0.25');
	await form.getByTestId('harmonize-set').selectOption(set.id);
	await form.getByTestId('harmonize-maps').selectOption('model:e2e-harmonize');
	await form.getByLabel('Steps', { exact: true }).fill('2');
	await form.getByLabel('Batch size').fill('2');
	await form.getByLabel('Learning rate').fill('0.00003');
	// 'auto': the models page's measured probe; here SwiftShader's WebGPU and WebGL lose to WASM
	await form.getByLabel('Backend').selectOption('auto');
	await form.getByRole('button', { name: 'Harmonize' }).click();

	await expect(page.getByTestId('harmonize-ready')).toContainText('On wasm', { timeout: 120_000 });
	await expect(page.getByTestId('harmonize-backend')).toHaveText(/^Backend: WASM: [\d.]+ ms per image.* in a probe on this model.+; a training step costs more than this forward pass on every backend\.$/);
	await expect(page.getByTestId('harmonize-ready')).toContainText('1 held out');
	await expect(page.getByTestId('harmonize-done')).toContainText('Done after 2 steps', { timeout: 180_000 });
	await expect(page.getByTestId('harmonize-bar')).toHaveAttribute('value', '2');
	await expect(page.getByTestId('harmonize-step')).toContainText('Step 2: loss');
	await expect(page.getByTestId('held-out-image')).toHaveCount(1);
	await expect(page.getByTestId('spearman-after')).toHaveText(/^-?\d\.\d{3}$/);
	await expect(page.getByTestId('harmonize-how')).toContainText('Comparison harmonization@224');
	// the run as files a researcher reports: held-out scores, the training log, everything with every setting
	const heldOut = await downloaded(page, 'download-held-out');
	expect(heldOut.text.split('\n')[0]).toBe('image_id,spearman_before,spearman_after,iou_before,iou_after,dice_before,dice_after,steps_after');
	expect(heldOut.text.trim().split('\n')).toHaveLength(2);
	const log = await downloaded(page, 'download-training-log');
	expect(log.text.trim().split('\n').map((line) => line.split(',')[0])).toEqual(['step', '1', '2']);
	const report = JSON.parse((await downloaded(page, 'download-run')).text);
	expect(report).toMatchObject({ base_model: 'mobilenet-v1-0.25', maps: { source: 'model:e2e-harmonize' }, settings: { steps: 2, batchSize: 2, learningRate: 0.00003, lambda: 1 }, backend: 'wasm', steps_done: 2 });
	expect(report.backend_reason).toMatch(/^WASM: [\d.]+ ms per image.* in a probe on this model/);
	expect(report.training_log).toHaveLength(2);
	expect(report.held_out.after.mean_spearman).toBeCloseTo(Number(await page.getByTestId('spearman-after').textContent()), 3);

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
	await runForm.getByLabel('Saliency maps').check();
	await page.getByRole('button', { name: 'Run' }).click();
	const summary = page.locator('[data-testid="run-summary"][data-model="mobilenet-e2e-harmonized"]');
	await expect(summary).toHaveAttribute('data-outcome', 'done', { timeout: 120_000 });
	await expect(summary).toContainText('2 results stored');

	// the study results: its decisions and maps; ImageNet top-1 not known, so not on the pareto plot, said
	await page.goto('/dashboard/study/demo');
	await page.getByTestId('include-test').check();
	const row = page.getByTestId('alignment-table').locator('tr[data-model="test:model:mobilenet-e2e-harmonized"]');
	await expect(row).toBeVisible({ timeout: 60_000 });
	await expect(row.locator('td').nth(1)).toHaveText('–');
	await expect(page.getByTestId('figure-demo-decision-curves').locator('svg')).toContainText('MobileNet v1 0.25 (224), harmonized');
	await expect(page.getByTestId('pareto-no-top1')).toContainText('MobileNet v1 0.25 (224), harmonized', { timeout: 60_000 });

	// ClickMe plays with it, its provenance under the technical details
	await page.goto('/clickme?backend=wasm&rounds=1&model=mobilenet-e2e-harmonized');
	const details = page.getByTestId('technical-details');
	await details.locator('summary').click();
	await expect(page.getByTestId('partner-provenance')).toContainText('harmonized from mobilenet-v1-0.25: lambda 1, 2 steps, Adam lr 0.00003, batch 2, on maps demo / model:e2e-harmonize', { timeout: 60_000 });
	await expect(page.getByTestId('partner-provenance')).toContainText('kept in this browser only');
	await expect(details).toContainText('on wasm');
	await page.getByLabel('Nickname').fill(`harm-${Date.now() % 100000}`);
	await page.getByRole('button', { name: 'Play' }).click();
	await expect(page.getByTestId('practice-marker')).toBeVisible();
	await paintOnce(page);
	await expect(page.getByTestId('round-result')).toContainText('Practice over');
});

// The command line's model lives in the folder every page of the e2e server lists: take it away
// afterwards, so the specs after this one see the registry's models only.
test.afterAll(() => {
	const indexFile = '.local/e2e/models/imported/index.json';
	try {
		const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { id: string }[];
		writeFileSync(indexFile, JSON.stringify(index.filter((e) => e.id !== 'mobilenet-cli-harmonized'), null, '\t') + '\n');
	} catch {
		// no index: the command line never wrote one
	}
	rmSync('.local/e2e/models/imported/mobilenet-cli-harmonized', { recursive: true, force: true });
});

test('npm run harmonize trains on the same maps and writes a harmonized model the app lists', async () => {
	test.setTimeout(240_000);
	// the maps the first test stored (source model:e2e-harmonize on the demo set)
	const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/harmonizer/cli.ts', '--model', 'mobilenet-v1-0.25', '--maps', 'demo', '--source', 'model:e2e-harmonize',
		'--steps', '1', '--batch', '2', '--lambda', '1', '--lr', '0.00003', '--evaluate-every', '0', '--id', 'mobilenet-cli-harmonized', '--out', '.local/e2e/models', '--env', '.local/e2e/env.json'], { maxBuffer: 1 << 24 });
	expect(stdout).toMatch(/step +1\/1 +loss [\d.]+ = CE [\d.]+ \+ 1e-5 x weights [\d.]+ \+ lambda x harmonization [\d.]+/);
	expect(stdout).toMatch(/held-out after 1 steps: harmonization [\d.]+, CE [\d.]+, Spearman -?[\d.]+/);
	expect(stdout).toMatch(/demo photos \(93\): top-1 [\d.]+ % -> [\d.]+ %, animal/);
	const index = JSON.parse(readFileSync('.local/e2e/models/imported/index.json', 'utf8')) as { id: string; family: string }[];
	expect(index.find((e) => e.id === 'mobilenet-cli-harmonized')).toMatchObject({ family: 'harmonized', localDir: 'imported/mobilenet-cli-harmonized' });
	const model = JSON.parse(readFileSync('.local/e2e/models/imported/mobilenet-cli-harmonized/model.json', 'utf8'));
	expect(model.userDefinedMetadata.harmonization).toMatchObject({ base_model: 'mobilenet-v1-0.25', map_set: 'demo', map_source: 'model:e2e-harmonize', steps_done: 1, settings: { lambda: 1, steps: 1, batchSize: 2 } });
});

test('ClickMe plays a round with the command line\'s harmonized model, chosen under the technical details', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/clickme?backend=wasm&rounds=1');
	const details = page.getByTestId('technical-details');
	await details.locator('summary').click();
	await expect(details).toContainText('on wasm', { timeout: 60_000 });
	await page.getByTestId('partner-model').selectOption('mobilenet-cli-harmonized');
	await expect(page).toHaveURL(/[?&]model=mobilenet-cli-harmonized/);
	await expect(page.getByTestId('partner-provenance')).toContainText('harmonized from mobilenet-v1-0.25: lambda 1, 1 steps', { timeout: 60_000 });
	await expect(page.getByTestId('partner-provenance')).toContainText('A link with ?model=mobilenet-cli-harmonized gives players this network');
	await expect(details).toContainText('MobileNet v1 0.25 (224), harmonized) running in your browser on wasm');
	const nickname = `harm-cli-${Date.now() % 100000}`;
	await page.getByLabel('Nickname').fill(nickname);
	await page.getByRole('button', { name: 'Play' }).click();
	await paintOnce(page); // the practice round
	await page.getByTestId('next-round').click();
	await expect(page.getByTestId('practice-marker')).toHaveCount(0);
	await paintOnce(page); // the game's round, stored with its partner
	await expect(page.getByTestId('saving')).toHaveText('all saved', { timeout: 30_000 });
	const client = await researcherClient();
	const { data: rounds, error } = await client.from('clickme_rounds').select('model_id, mode, outcome').eq('model_id', 'mobilenet-cli-harmonized');
	if (error) throw new Error(error.message);
	expect(rounds).toHaveLength(1);
	expect(rounds![0]).toMatchObject({ mode: 'game' });
});

test('second-order gradients agree with the CPU backend on WebGPU (a tiny depthwise / ReLU6 / max pool / tanh network)', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/models/harmonize/gradients');
	const table = page.getByTestId('second-order-agreement');
	await expect(table).toBeVisible({ timeout: 100_000 });
	await expect(table.locator('tr[data-backend="webgpu"]')).toHaveAttribute('data-agrees', 'true');
	for (const row of await table.locator('tbody tr').all()) await expect(row).toHaveAttribute('data-agrees', 'true');
});
