/**
 * Neural predictivity (issue 18): a researcher uploads the synthetic demo dataset (its .npy, its
 * sidecar and its six demo-set photos), fits a real model (mobilenet-v1-0.25, two layers to keep
 * the test short) in the page's worker, and reads the layer table, the accuracy-vs-predictivity
 * figure and the maps; the scores are the command line's (the same modules), which the source
 * layer of the synthetic responses wins. Then recordings without positions: the synthetic
 * presentation x neuroid demo gets the standard Brain-Score variant (raw and ceiled per layer, the
 * plot), the same numbers as the modules in Node; after a reload the features come from the
 * browser's IndexedDB cache; a NetCDF 4 assembly is imported (h5wasm in the browser).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { loadClassifier } from '../src/inference/classifier.js';
import { defaultModelDir } from '../src/inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../src/inference/node.js';
import { modelEntry } from '../src/inference/registry.js';
import { brainScore, type BrainScoreReport } from '../src/neural/brainscore.js';
import { featureLayers, flatFeatures, layerFeatures } from '../src/neural/features.js';
import { presentationFromNpy } from '../src/neural/presentation.js';
import { datasetFromNpy } from '../src/neural/recordings.js';
import { scoreAllLayers, type SpatialReport } from '../src/neural/report.js';
import { rgbFromPng } from '../src/stimuli/png.js';
import { LOCAL_RESEARCHER } from './platform.js';

/** What `npm run neural` computes for the demo (same modules, Node's WASM backend), for the page's layers. */
async function commandLineReport(layers: string[]): Promise<SpatialReport> {
	const dataset = datasetFromNpy(readFileSync(`${DEMO}/responses.npy`), 'responses.npy', readFileSync(`${DEMO}/responses.json`, 'utf8'), 'responses.json');
	const images = dataset.imageNames.map((f) => rgbFromPng(readFileSync(`static/stimuli/photos/${f}`)));
	await useFastestNodeBackend();
	const entry = modelEntry('mobilenet-v1-0.25');
	const model = await loadClassifier(entry, localModelSource(entry, defaultModelDir()));
	const all = await featureLayers(model, images[0]!);
	const report = await scoreAllLayers(dataset, layers, (name) => layerFeatures(model, images, all.find((l) => l.name === name)!, dataset.grid));
	model.dispose();
	return report;
}

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

	// the page's numbers are the command line's (features on another backend agree to ~1e-6)
	const download = page.waitForEvent('download');
	await page.getByTestId('download-json').click();
	const pageReport = JSON.parse(readFileSync(await (await download).path(), 'utf8'))['mobilenet-v1-0.25'] as SpatialReport;
	const cliReport = await commandLineReport(['conv_pw_3_relu', 'conv_pw_7_relu']);
	expect(pageReport.best_layer).toBe(cliReport.best_layer);
	for (const layer of ['conv_pw_3_relu', 'conv_pw_7_relu']) expect(pageReport.layers[layer]!.score!).toBeCloseTo(cliReport.layers[layer]!.score!, 3);
	expect(pageReport.ceiling.mean).toBeCloseTo(cliReport.ceiling.mean!, 12);

	// a second analysis of the same model and dataset takes its features from the cache
	await page.getByTestId('correlation').selectOption('pearson');
	await page.getByTestId('neural-run').click();
	await expect(page.getByText('mobilenet-v1-0.25: 2 / 2 layers (2 from the feature cache)')).toBeVisible({ timeout: 60_000 });

	// the same demo in one click, stored and chosen as a second dataset
	await page.getByTestId('dataset-demo').click();
	await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('Synthetic demo (not recordings): synthetic, 6 images');
	await expect(page.getByTestId('dataset-select').locator('option')).toHaveCount(3);

	// the published layout, MATLAB 7.3 (HDF5, read by h5wasm in the browser), with its time window
	await page.getByTestId('dataset-files').setInputFiles(['src/neural/fixtures/imagerf-v73.mat', 'static/stimuli/photos/bee.png', 'static/stimuli/photos/bison.png']);
	await page.getByLabel('Time bins from').fill('9');
	await page.getByTestId('dataset-save').click();
	await expect(page.getByTestId('neural-problem')).toHaveText('imagerf-v73.mat: name the recorded area (e.g. ML) before importing it');
	await page.getByLabel('Area').fill('ML');
	await page.getByTestId('dataset-save').click();
	await expect(page.getByTestId('neural-problem')).toHaveText("imagerf-v73.mat: time bins [9, 170) are not within imageRF's 5 time bins");
	await page.getByLabel('Time bins from').fill('1');
	await page.getByLabel('to (not included)').fill('4');
	await page.getByTestId('dataset-save').click();
	await expect(page.getByTestId('dataset-select').locator('option:checked')).toContainText('imagerf-v73.mat: ML, 2 images, 3 x 3, 2 neurons');
});

const PRESENTATION = 'static/neural/synthetic-presentation';

/** The Brain-Score variant of the presentation demo in Node (same modules), per layer: raw and ceiled. */
async function nodeBrainScores(layers: string[], grid: number): Promise<Record<string, { raw: number; ceiled: number | null }>> {
	const d = presentationFromNpy(readFileSync(`${PRESENTATION}/responses.npy`), 'r.npy', readFileSync(`${PRESENTATION}/responses.json`, 'utf8'), 'r.json');
	const images = d.imageNames.map((f) => rgbFromPng(readFileSync(`static/stimuli/photos/${f}`)));
	await useFastestNodeBackend();
	const entry = modelEntry('mobilenet-v1-0.25');
	const model = await loadClassifier(entry, localModelSource(entry, defaultModelDir()));
	const all = await featureLayers(model, images[0]!);
	const out: Record<string, { raw: number; ceiled: number | null }> = {};
	for (const name of layers) out[name] = brainScore(d, flatFeatures(await layerFeatures(model, images, all.find((l) => l.name === name)!, grid)));
	model.dispose();
	return out;
}

test('recordings without positions: the Brain-Score variant, features cached across a reload, a NetCDF 4 assembly', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByTestId('neural-link').click();
	await expect(page).toHaveURL(/\/dashboard\/neural$/);

	const described = 'Synthetic presentation demo (not recordings): synthetic, 40 images, 4 repetitions, 12 neuroids, no positions (synthetic)';
	await page.getByTestId('dataset-demo-presentation').click();
	await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText(described);

	const layers = ['conv_pw_3_relu', 'conv_pw_7_relu'];
	const fit = async () => {
		await page.getByTestId('neural-analysis').getByLabel(/MobileNet v1 0\.25/).check();
		await page.getByTestId('layer-filter').fill(layers.join(', '));
		await page.getByTestId('neural-run').click();
		await expect(page.getByTestId('progress-mobilenet-v1-0.25')).toHaveAttribute('value', '2', { timeout: 90_000 });
	};
	await fit();
	await expect(page.getByText('mobilenet-v1-0.25: 2 / 2 layers')).toHaveText('mobilenet-v1-0.25: 2 / 2 layers'); // computed, none cached
	const table = page.getByTestId('brainscore-table-mobilenet-v1-0.25');
	await expect(table.locator('tbody tr')).toHaveCount(2);
	await expect(table.locator('tr.best td').first()).toHaveText('conv_pw_7_relu');
	await expect(page.getByTestId('brainscore-ceiling')).toContainText('Spearman-Brown corrected): 0.9');
	const figure = page.getByTestId('figure-neural-synthetic-presentation-demo-not-recordings--predictivity');
	await expect(figure.locator('svg')).toBeVisible();
	await expect(figure.locator('svg text', { hasText: 'ceiled Pearson r' })).toHaveCount(1);

	// the page's raw and ceiled scores are those of the modules in Node (features on another backend)
	const download = page.waitForEvent('download');
	await page.getByTestId('download-json').click();
	const report = JSON.parse(readFileSync(await (await download).path(), 'utf8'))['mobilenet-v1-0.25'] as BrainScoreReport;
	const node = await nodeBrainScores(layers, 1);
	expect(report.best_layer).toBe('conv_pw_7_relu');
	for (const layer of layers) {
		expect(report.layers[layer]!.raw!).toBeCloseTo(node[layer]!.raw, 3);
		expect(report.layers[layer]!.ceiled!).toBeCloseTo(node[layer]!.ceiled!, 3);
	}

	// after a reload, the same analysis takes every feature from the browser's cache (IndexedDB)
	await page.reload();
	const select = page.getByTestId('dataset-select');
	await select.selectOption({ label: described });
	await fit();
	await expect(page.getByText('mobilenet-v1-0.25: 2 / 2 layers (2 from the feature cache)')).toBeVisible();
	await expect(table.locator('tr.best td').first()).toHaveText('conv_pw_7_relu');

	// a NetCDF 4 (HDF5) assembly, read by h5wasm in the browser; its image_ids name the images
	const png = readFileSync('static/stimuli/photos/bee.png');
	const files = [{ name: 'assembly-nc4.nc', mimeType: 'application/x-netcdf', buffer: readFileSync('src/neural/fixtures/assembly-nc4.nc') }, ...['img-a', 'img-b', 'img-c'].map((id) => ({ name: `${id}.png`, mimeType: 'image/png', buffer: png }))];
	await page.getByTestId('dataset-files').setInputFiles(files);
	await page.getByTestId('dataset-save').click();
	await expect(page.getByTestId('neural-problem')).toHaveText('assembly-nc4.nc: time_bin has 2 bins; choose one (0 to 1)');
	await page.getByTestId('nc-time-bin').fill('1');
	await page.getByTestId('dataset-save').click();
	await expect(select.locator('option:checked')).toHaveText('assembly-nc4.nc: IT, 3 images, 2 repetitions, 4 neuroids, no positions');
});
