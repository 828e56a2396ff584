/**
 * Real models (the model folder: MODEL_DIR, or ../shared/models) on real photos of the demo set,
 * in Node on WASM. Skipped, saying why, when the folder is missing; the classifier's contract is
 * also tested without it, on fake models (classifier.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rgbFromPng } from '../stimuli/png.js';
import { TASKS } from '../stimuli/task.js';
import { decide } from './classes.js';
import { loadClassifier, ModelLoadError, type Classifier } from './classifier.js';
import { defaultModelDir } from './model-dir.js';
import { folderModelHandler, useFastestNodeBackend } from './node.js';
import { modelEntry } from './registry.js';
import { saliencyAtStimulus } from './saliency.js';

const MODEL_DIR = defaultModelDir();
const missing = !existsSync(MODEL_DIR);
const animalTask = TASKS['animal-vs-non-animal'];

// Ten photos of the demo set: five animals, five not, across the kinds of scene.
const CHOSEN = ['koala', 'german-shepherd', 'clownfish', 'scarlet-macaw', 'hens', 'taj-mahal', 'coffee', 'tower-bridge', 'volleyball', 'bucket'];
const photos = (JSON.parse(readFileSync('static/stimuli/photos/photos.json', 'utf8')).images as { id: string; category: string; file: string; imagenet_classes: number[] }[]).filter((p) => CHOSEN.includes(p.id));
const load = (file: string) => rgbFromPng(readFileSync(path.join('static/stimuli/photos', file)));

describe.skipIf(missing)(`real models${missing ? ` (skipped: no model folder at ${MODEL_DIR}; set MODEL_DIR)` : ''}`, () => {
	beforeAll(async () => {
		expect(await useFastestNodeBackend()).toBe('wasm');
	});

	for (const id of ['darknet-tiny', 'mobilenet-v1-0.25']) {
		describe(id, () => {
			let classifier: Classifier;
			beforeAll(async () => {
				classifier = await loadClassifier(modelEntry(id), folderModelHandler(path.join(MODEL_DIR, id)));
			});
			afterAll(() => classifier?.dispose());

			it('calls at least 9 of 10 chosen photos correctly as animal or not, leaking no tensors', async () => {
				const before = tf.memory().numTensors;
				const decisions = [...(await classifier.classify(photos.slice(0, 5).map((p) => load(p.file)))), ...(await classifier.classify(photos.slice(5).map((p) => load(p.file))))];
				expect(tf.memory().numTensors).toBe(before);
				const correct = decisions.filter((d, i) => decide(d, animalTask).response === photos[i]!.category).length;
				expect(correct).toBeGreaterThanOrEqual(9);
				// and it recognizes the objects themselves: a target class in the top 5 for most
				expect(decisions.filter((d, i) => d.top5.some((c) => photos[i]!.imagenet_classes.includes(c.class))).length).toBeGreaterThanOrEqual(6);
			});

			it('gives the same decision for one image alone and within a batch', async () => {
				const alone = await classifier.classify([load('koala.png')]);
				const batch = await classifier.classify([load('coffee.png'), load('koala.png')]);
				expect(decide(batch[1]!, animalTask).scores.animal).toBeCloseTo(decide(alone[0]!, animalTask).scores.animal, 4);
			});
		});
	}

	describe('layers', () => {
		it('lists a real model\'s layers and gives a late layer\'s activations for a batch, leaking nothing', async () => {
			const classifier = await loadClassifier(modelEntry('mobilenet-v1-0.25'), folderModelHandler(path.join(MODEL_DIR, 'mobilenet-v1-0.25')));
			const layers = classifier.layers();
			expect(layers.length).toBeGreaterThan(50);
			const late = layers.find((l) => l.name === 'conv_pw_13_relu')!;
			expect(late.shape).toEqual([7, 7, 256]);
			const images = photos.slice(0, 3).map((p) => load(p.file));
			await classifier.activations(images, late.name);
			const before = tf.memory().numTensors;
			const { shape, data } = await classifier.activations(images, late.name);
			expect(tf.memory().numTensors).toBe(before);
			expect(shape).toEqual([3, 7, 7, 256]);
			expect(data.every((v) => Number.isFinite(v) && v >= 0 && v <= 6)).toBe(true); // after ReLU6
			classifier.dispose();
		}, 120_000);
	});

	describe('saliency', () => {
		it('is a non-negative map at the model input, for the target class, brought to the stimulus resolution in one step', async () => {
			const classifier = await loadClassifier(modelEntry('mobilenet-v1-0.25'), folderModelHandler(path.join(MODEL_DIR, 'mobilenet-v1-0.25')));
			const image = load('koala.png');
			await classifier.saliency(image, [105]); // the first call bridges the kernels WASM lacks
			const before = tf.memory().numTensors;
			const { map, target } = await classifier.saliency(image, [105]);
			expect(tf.memory().numTensors - before).toBeLessThanOrEqual(1);
			expect(target).toBe(105);
			// issue 14 item 6: the gradient is taken at the model's 224 px input (as Harmonization does),
			// not through the resize back at the stimulus' 256 px; saliencyAtStimulus then brings it to 256
			expect([map.width, map.height]).toEqual([224, 224]);
			expect(map.data.every((v) => v >= 0)).toBe(true);
			expect(Math.max(...map.data)).toBeGreaterThan(0);
			const atStimulus = saliencyAtStimulus({ map, image });
			expect([atStimulus.width, atStimulus.height]).toEqual([256, 256]);
			expect(atStimulus.data.every((v) => v >= 0)).toBe(true);
			classifier.dispose();
		}, 120_000);
	});

	describe('loading', () => {
		it('refuses a model whose output is not the 1000 ImageNet classes, saying so', async () => {
			const wrong = { ...modelEntry('mobilenet-v1-0.25'), id: 'pretend-1001', outputOrder: { kind: 'background-first' as const } };
			await expect(loadClassifier(wrong, folderModelHandler(path.join(MODEL_DIR, 'mobilenet-v1-0.25')))).rejects.toThrow('outputs 1000 values, not the 1001 ImageNet-1k classes');
			await expect(loadClassifier(modelEntry('darknet-tiny'), folderModelHandler('/nonexistent'))).rejects.toThrow(ModelLoadError);
		});
	});
});
