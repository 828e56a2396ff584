/**
 * npm run bench:models -- [--images 32] [--saliency 2] [--where node,chromium]
 *                         [--backends wasm,webgl,cpu,webgpu] [--models darknet-tiny,...] [--url URL]
 *
 * Prints images per second and saliency maps per second for each registry model (the whole zoo,
 * .tflite models with their import time) on each backend
 * available here, at batch 1 and batch 16, next to the naive way (one model.predict per image on
 * a freshly preprocessed tensor), so the speed-up is a ratio measured in the same run:
 *   Node: WASM and CPU, the classifier called directly.
 *   Headless Chromium: every backend that initializes (WebGPU on a software adapter only when
 *   named in --backends), the platform's Web Worker against the naive way on the page's thread
 *   (src/inference/browser-benchmark.ts, page /bench/models).
 * Not a test: figures only. On a machine with a GPU, Chromium's WebGPU and WebGL rows are the GPU's.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rgbFromPng } from '../src/stimuli/png.js';
import { loadClassifier } from '../src/inference/classifier.js';
import { importTflite } from '../src/inference/importers/tflite.js';
import type { ModelBenchmarkRow } from '../src/inference/browser-benchmark.js';
import { defaultModelDir } from '../src/inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../src/inference/node.js';
import { preprocessBatch } from '../src/inference/preprocess.js';
import { MODEL_REGISTRY, modelEntry } from '../src/inference/registry.js';
import { openBenchBrowser } from './bench-browser.js';

const { values } = parseArgs({
	options: {
		images: { type: 'string', default: '32' },
		saliency: { type: 'string', default: '2' },
		where: { type: 'string', default: 'node,chromium' },
		backends: { type: 'string' },
		models: { type: 'string' },
		url: { type: 'string' }
	}
});
const count = Number(values.images);
const saliencyMaps = Number(values.saliency);
const where = values.where.split(',');
const models = values.models ? values.models.split(',').map((id) => modelEntry(id)) : [...MODEL_REGISTRY];
const rate = (n: number, ms: number) => (n / ms) * 1000;

async function benchNode(): Promise<ModelBenchmarkRow[]> {
	const photos = (JSON.parse(readFileSync('static/stimuli/photos/photos.json', 'utf8')).images as { file: string }[]).slice(0, count);
	const images = photos.map((p) => rgbFromPng(readFileSync(path.join('static/stimuli/photos', p.file))));
	const rows: ModelBenchmarkRow[] = [];
	for (const backend of values.backends?.split(',').filter((b): b is 'wasm' | 'cpu' => b === 'wasm' || b === 'cpu') ?? (['wasm', 'cpu'] as const)) {
		await useFastestNodeBackend(backend);
		for (const entry of models) {
			const handler = () => localModelSource(entry, defaultModelDir());
			const classifier = await loadClassifier(entry, handler());
			await classifier.classify(images.slice(0, 1)); // warm-up
			const timed = async (batch: number) => {
				const start = performance.now();
				for (let i = 0; i < images.length; i += batch) await classifier.classify(images.slice(i, i + batch));
				return rate(images.length, performance.now() - start);
			};
			const batch1 = await timed(1);
			const batch16 = await timed(16);
			// naive: its own layers model, predict per image (a .tflite model: imported again, timed)
			const source = handler();
			const importStart = performance.now();
			const model = source instanceof Uint8Array ? (await importTflite(source)).model : await tf.loadLayersModel(source);
			if (source instanceof Uint8Array) console.log(`${entry.id}: .tflite import (read, dequantize, rebuild as a TF.js layers model) ${(performance.now() - importStart).toFixed(0)} ms on ${backend}`);
			const naiveStart = performance.now();
			for (const image of images) {
				const x = preprocessBatch([image], entry.inputSize, entry.preprocessing);
				const y = model.predict(x) as tf.Tensor;
				await y.data();
				x.dispose();
				y.dispose();
			}
			const naive = rate(images.length, performance.now() - naiveStart);
			model.dispose();
			let saliency: number | null = null;
			if (saliencyMaps > 0) {
				await classifier.saliency(images[0]!); // warm-up (and bridge the kernels WASM lacks)
				const start = performance.now();
				for (let i = 0; i < saliencyMaps; i++) await classifier.saliency(images[i % images.length]!);
				saliency = rate(saliencyMaps, performance.now() - start);
			}
			classifier.dispose();
			rows.push({ model: entry.id, backend, images: images.length, worker_batch1: batch1, worker_batch16: batch16, naive, speedup: batch16 / naive, saliency, saliency_maps: saliencyMaps });
			console.error(`node: done ${entry.id} on ${backend}`);
		}
	}
	return rows;
}

async function benchChromium(): Promise<{ rows: ModelBenchmarkRow[]; skipped: { name: string; reason: string }[]; userAgent: string }> {
	const { url, browser, close } = await openBenchBrowser(values.url, ['--enable-unsafe-webgpu']);
	try {
		const page = await browser.newPage();
		page.on('console', (message) => message.type() === 'error' && console.error(`chromium: ${message.text()}`));
		const query = new URLSearchParams({ images: String(count), saliency: String(saliencyMaps), autostart: '1' });
		if (values.backends) query.set('backends', values.backends);
		if (values.models) query.set('models', values.models);
		await page.goto(`${url}/bench/models?${query}`);
		let last = '';
		const poll = setInterval(async () => {
			const status = await page.getByTestId('bench-status').textContent({ timeout: 1000 }).catch(() => null);
			if (status && status !== last) console.error(`chromium: ${(last = status)}`);
		}, 2000);
		try {
			await page.waitForFunction(() => 'modelBenchmark' in window, null, { timeout: 0, polling: 1000 });
		} finally {
			clearInterval(poll);
		}
		const result = await page.evaluate(() => (window as unknown as { modelBenchmark: { rows?: ModelBenchmarkRow[]; skipped?: { name: string; reason: string }[]; userAgent?: string; error?: string } }).modelBenchmark);
		if (result.error) throw new Error(`the Chromium benchmark failed: ${result.error}`);
		return { rows: result.rows!, skipped: result.skipped!, userAgent: result.userAgent! };
	} finally {
		await close();
	}
}

function printTable(title: string, rows: ModelBenchmarkRow[], naming: { batch1: string; batch16: string }) {
	const f = (v: number | null, width: number) => (v === null ? '-' : v.toFixed(2)).padStart(width);
	console.log(`\n${title}`);
	console.log(`${'model'.padEnd(20)} ${'backend'.padEnd(8)} ${naming.batch1.padStart(16)} ${naming.batch16.padStart(16)} ${'naive'.padStart(9)} ${'speed-up'.padStart(9)} ${'saliency/s'.padStart(11)}`);
	for (const r of rows) {
		console.log(`${r.model.padEnd(20)} ${r.backend.padEnd(8)} ${f(r.worker_batch1, 16)} ${f(r.worker_batch16, 16)} ${f(r.naive, 9)} ${(r.speedup.toFixed(2) + 'x').padStart(9)} ${f(r.saliency, 11)}`);
	}
}

const date = new Date().toISOString().slice(0, 10);
if (where.includes('node')) {
	const rows = await benchNode();
	printTable(`Node ${process.version}, tfjs ${tf.version.tfjs}, ${count} photos of 256 px, images per second (${date}); naive = predict per image`, rows, { batch1: 'batch 1', batch16: 'batch 16' });
}
if (where.includes('chromium')) {
	const { rows, skipped, userAgent } = await benchChromium();
	printTable(`Headless Chromium (${/Chrome\/[\d.]+/.exec(userAgent)?.[0] ?? userAgent}), ${count} demo stimuli of 256 px, images per second (${date}); worker = the platform's Web Worker, naive = predict per image on the page`, rows, { batch1: 'worker, batch 1', batch16: 'worker, batch 16' });
	for (const s of skipped) console.log(`skipped ${s.name}: ${s.reason}`);
}
