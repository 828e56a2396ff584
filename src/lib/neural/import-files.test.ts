/**
 * The page's non-spatial path without a browser: the files an analyst picks (the synthetic
 * presentation demo's .npy + sidecar + photos, a NetCDF 4 assembly) become what is stored, and a
 * stored dataset loads back as the worker gets it; the Brain-Score report and its CSV.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brainScore, brainScoreReport } from '../../neural/brainscore.js';
import { parseNpy } from '../../neural/npy.js';
import type { NeuralDatasetRow } from '../../data/neural-datasets.js';
import { brainScoreCsv } from './figures.js';
import { describeRow, importDataset, loadStored, type ImportChoice } from './import-files.js';

const DEMO = 'static/neural/synthetic-presentation';
const file = (path: string, name = path.split('/').pop()!) => new File([readFileSync(path)], name);
const choice: ImportChoice = { area: '', timeFrom: 0, timeTo: 1, channelFrom: null, channelTo: null, timeBin: null, windowMs: null };
const row = (over: Partial<NeuralDatasetRow>): NeuralDatasetRow => ({
	id: 'x', name: 'n', area: 'IT', kind: 'presentation', grid: null, repetitions: 4, neurons: 12, image_names: [], image_labels: null,
	time_start_ms: null, time_end_ms: null, synthetic: true, source_format: 'npy', created_at: '', ...over
});

describe('the page imports recordings without positions', () => {
	it('stores the synthetic presentation demo as R[repetition, image, neuroid] and loads it back', async () => {
		const side = JSON.parse(readFileSync(`${DEMO}/responses.json`, 'utf8')) as { images: string[] };
		const photos = side.images.map((i) => file(`static/stimuli/photos/${i}`));
		const { record, defaultName } = await importDataset([file(`${DEMO}/responses.npy`), file(`${DEMO}/responses.json`), ...photos], choice);
		expect(defaultName).toBe('responses.npy');
		expect(record).toMatchObject({ kind: 'presentation', repetitions: 4, neurons: 12, area: 'synthetic', synthetic: true, timeWindowMs: null, sourceFormat: 'npy' });
		expect(record.imageNames).toEqual(side.images);
		expect(record.images.map((i) => i.name)).toEqual(side.images);
		const stored = parseNpy(readFileSync(`${DEMO}/responses.npy`), 'r.npy');
		const loaded = loadStored(row({ image_names: side.images }), { responsesNpy: record.responsesNpy, images: record.images });
		expect(loaded.kind).toBe('presentation');
		if (loaded.kind !== 'presentation') return;
		expect([loaded.rec.repetitions, loaded.rec.images, loaded.rec.neuroids]).toEqual([4, 40, 12]);
		expect(Array.from(loaded.rec.data)).toEqual(Array.from(stored.data));
		expect(describeRow(loaded.row)).toBe('n: IT, 40 images, 4 repetitions, 12 neuroids, no positions (synthetic)');
	});

	it('imports a NetCDF 4 assembly, matching image_ids to image files without their extension', async () => {
		const images = ['img-a.png', 'img-b.png', 'img-c.png'].map((n) => new File([new Uint8Array([1, 2, 3])], n));
		const nc = file('src/neural/fixtures/assembly-nc4.nc');
		await expect(importDataset([nc, ...images], choice)).rejects.toThrow('assembly-nc4.nc: time_bin has 2 bins; choose one (0 to 1)');
		const { record } = await importDataset([nc, ...images], { ...choice, timeBin: 1 });
		expect(record).toMatchObject({ kind: 'presentation', repetitions: 2, neurons: 4, area: 'IT', timeWindowMs: [170, 270], sourceFormat: 'netcdf4', imageLabels: ['face', 'face', 'car'] });
		expect(record.images.map((i) => i.name)).toEqual(['img-a', 'img-b', 'img-c']);
		await expect(importDataset([nc, ...images.slice(1)], { ...choice, timeBin: 1 })).rejects.toThrow('The responses name images that were not chosen: img-a. Choose those image files too.');
		// NetCDF 3 without region or time bins: the analyst names them
		const nc3 = file('src/neural/fixtures/assembly.nc');
		await expect(importDataset([nc3, ...images], choice)).rejects.toThrow('assembly.nc names no single region on neuroid: name the recorded area (e.g. IT) before importing it');
		await expect(importDataset([nc3, ...images], { ...choice, area: 'IT' })).rejects.toThrow('assembly.nc has no time_bin_start and time_bin_end: give the time window in ms');
		const three = await importDataset([nc3, ...images], { ...choice, area: 'IT', windowMs: [70, 170] });
		expect(three.record).toMatchObject({ kind: 'presentation', sourceFormat: 'netcdf3', area: 'IT', timeWindowMs: [70, 170] });
		// with positions it is a spatial dataset
		const spatial = await importDataset([file('src/neural/fixtures/assembly-spatial-nc4.nc'), ...images.slice(0, 2)], { ...choice, area: 'PL', windowMs: [130, 170] });
		expect(spatial.record).toMatchObject({ kind: 'spatial', grid: 3, neurons: 3, sourceFormat: 'netcdf4' });
	});

	it('reports raw and ceiled scores per layer, the best layer, and writes them as CSV', () => {
		const rec = { repetitions: 2, images: 20, neuroids: 3, data: Float64Array.from({ length: 120 }, (_, k) => Math.sin(k * 1.7) + (k % 60) / 20) };
		const good = { channels: 3, data: Float64Array.from({ length: 60 }, (_, k) => (k % 60) / 20 + Math.cos(k)) };
		const noise = { channels: 3, data: Float64Array.from({ length: 60 }, (_, k) => Math.sin(k * k)) };
		const results = { good: brainScore(rec, good), noise: brainScore(rec, noise) };
		const report = brainScoreReport(results, { components: 25, featureGrid: 2 });
		expect(report.best_layer).toBe(results.good.raw > results.noise.raw ? 'good' : 'noise');
		expect(report.ceiling).toBe(results.good.ceiling);
		expect(report.layers.good!.ceiled).toBeCloseTo(results.good.raw / results.good.ceiling!, 12);
		expect(report.layers.good!.per_split).toEqual(results.good.per_split);
		expect(report.feature_grid).toBe(2);
		const csv = brainScoreCsv({ m: report }).trim().split('\n');
		expect(csv[0]).toBe('model,layer,raw,raw_sd,ceiled,ceiling,best');
		expect(csv[1]).toBe(['m', 'good', report.layers.good!.raw, report.layers.good!.raw_sd, report.layers.good!.ceiled, report.ceiling, report.best_layer === 'good' ? 1 : 0].join(','));
	});
});
