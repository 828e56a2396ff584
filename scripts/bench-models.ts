/**
 * npm run bench:models -- [--images 32] [--saliency 2]
 *
 * Prints images per second and saliency maps per second for each registry model on each
 * backend Node has here (WASM, CPU), at batch 1 and batch 16, next to the naive way (one
 * model.predict per image on a freshly preprocessed tensor, reading each result with dataSync),
 * so the speed-up is a ratio measured in the same run. Not a test: figures only.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rgbFromPng } from '../src/stimuli/png.js';
import { loadClassifier } from '../src/inference/classifier.js';
import { defaultModelDir, folderModelHandler } from '../src/inference/node.js';
import { preprocessBatch } from '../src/inference/preprocess.js';
import { MODEL_REGISTRY } from '../src/inference/registry.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '32' }, saliency: { type: 'string', default: '2' } } });
const count = Number(values.images);
const photos = (JSON.parse(readFileSync('static/stimuli/photos/photos.json', 'utf8')).images as { file: string }[]).slice(0, count);
const images = photos.map((p) => rgbFromPng(readFileSync(path.join('static/stimuli/photos', p.file))));

const rows: string[] = [];
const rate = (n: number, ms: number) => ((n / ms) * 1000).toFixed(2);
for (const backend of ['wasm', 'cpu']) {
	await tf.setBackend(backend);
	await tf.ready();
	for (const entry of MODEL_REGISTRY) {
		const classifier = await loadClassifier(entry, folderModelHandler(path.join(defaultModelDir(), entry.localDir ?? entry.id)));
		await classifier.classify(images.slice(0, 1)); // warm-up
		const timed = async (batch: number) => {
			const start = performance.now();
			for (let i = 0; i < images.length; i += batch) await classifier.classify(images.slice(i, i + batch));
			return performance.now() - start;
		};
		const b1 = await timed(1);
		const b16 = await timed(16);
		// naive: its own layers model, predict per image, dataSync
		const model = await tf.loadLayersModel(folderModelHandler(path.join(defaultModelDir(), entry.localDir ?? entry.id)));
		const naiveStart = performance.now();
		for (const image of images) {
			const x = preprocessBatch([image], entry.inputSize, entry.preprocessing);
			const y = model.predict(x) as tf.Tensor;
			y.dataSync();
			x.dispose();
			y.dispose();
		}
		const naive = performance.now() - naiveStart;
		model.dispose();
		const maps = Number(values.saliency);
		let saliency = 'skipped';
		if (maps > 0) {
			await classifier.saliency(images[0]!); // warm-up (and bridge the kernels WASM lacks)
			const start = performance.now();
			for (let i = 0; i < maps; i++) await classifier.saliency(images[i % images.length]!);
			saliency = rate(maps, performance.now() - start);
		}
		classifier.dispose();
		rows.push(`${entry.id.padEnd(20)} ${backend.padEnd(5)} ${rate(count, b1).padStart(8)} ${rate(count, b16).padStart(9)} ${rate(count, naive).padStart(9)} ${(naive / b16).toFixed(2).padStart(8)}x ${saliency.padStart(10)}`);
		console.error(`done: ${entry.id} on ${backend}`);
	}
}
console.log(`\nNode ${process.version}, ${count} images of 256 px, ${tf.version.tfjs} (figures: per second)`);
console.log(`${'model'.padEnd(20)} ${'backend'.padEnd(5)} ${'batch 1'.padStart(8)} ${'batch 16'.padStart(9)} ${'naive'.padStart(9)} ${'speed-up'.padStart(9)} ${'saliency'.padStart(10)}`);
for (const row of rows) console.log(row);
