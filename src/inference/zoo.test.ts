/**
 * The zoo (issue 16, item 3): every model of the registry runs on the 93 photos of the demo set
 * (full reveal) in Node on WASM. Its top-1 (top class among the photo's listed ImageNet classes)
 * and its animal decisions (the paper's top-1 rule) must be what its zoo file records, within one
 * photo (backends differ in the last digits), and at least the file's stated minimum. Skipped,
 * saying why, when the model folder is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rgbFromPng } from '../stimuli/png.js';
import { TASKS } from '../stimuli/task.js';
import { decide } from './classes.js';
import { loadClassifier } from './classifier.js';
import { defaultModelDir } from './model-dir.js';
import { localModelSource, useFastestNodeBackend } from './node.js';
import { MODEL_REGISTRY } from './registry.js';

const MODEL_DIR = defaultModelDir();
const missing = !existsSync(MODEL_DIR);
const photos = (JSON.parse(readFileSync('static/stimuli/photos/photos.json', 'utf8')).images as { id: string; category: string; file: string; imagenet_classes: number[] }[]);
const BATCH = 8;

describe.skipIf(missing)(`the zoo on the demo photos${missing ? ` (skipped: no model folder at ${MODEL_DIR}; set MODEL_DIR)` : ''}`, () => {
	beforeAll(async () => {
		expect(await useFastestNodeBackend()).toBe('wasm');
	});

	for (const entry of MODEL_REGISTRY) {
		it(`${entry.id}: measured accuracy as recorded in src/inference/zoo/${entry.id}.json`, async () => {
			const classifier = await loadClassifier(entry, localModelSource(entry, MODEL_DIR));
			let top1 = 0, animal = 0;
			try {
				for (let i = 0; i < photos.length; i += BATCH) {
					const batch = photos.slice(i, i + BATCH);
					const decisions = await classifier.classify(batch.map((p) => rgbFromPng(readFileSync(path.join('static/stimuli/photos', p.file)))));
					decisions.forEach((d, k) => {
						if (batch[k]!.imagenet_classes.includes(d.top5[0]!.class)) top1++;
						if (decide(d, TASKS['animal-vs-non-animal']).response === batch[k]!.category) animal++;
					});
				}
			} finally {
				classifier.dispose();
			}
			const measured = { photos: photos.length, top1: top1 / photos.length, animal: animal / photos.length };
			const recorded = entry.demoAccuracy;
			expect(recorded, `${entry.id}: no demoAccuracy recorded; measured ${JSON.stringify(measured)}`).not.toBeNull();
			expect(recorded!.photos).toBe(photos.length);
			expect(Math.abs(measured.top1 - recorded!.top1), `top-1 ${top1}/${photos.length}`).toBeLessThanOrEqual(1 / photos.length + 1e-9);
			expect(Math.abs(measured.animal - recorded!.animal), `animal ${animal}/${photos.length}`).toBeLessThanOrEqual(1 / photos.length + 1e-9);
			expect(measured.top1).toBeGreaterThanOrEqual(recorded!.minimum.top1);
			expect(measured.animal).toBeGreaterThanOrEqual(recorded!.minimum.animal);
		}, 300_000);
	}
});
