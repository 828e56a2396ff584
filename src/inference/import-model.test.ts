/**
 * `npm run models -- import` end to end on a small ONNX classifier written in the test (a
 * convolution, a global pool and a 1000-class Gemm; no trained weights): the command writes a TF.js
 * model folder, its registry declaration and the index the app serves; the classifier loads the
 * folder like any registered model and gives predictions, saliency and layer activations. Bad
 * files and declarations get one-line sentences.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier } from './classifier.js';
import { IMPORTED_INDEX, IMPORTED_PREFIX, importModelFile, modelFileFormat, ModelImportError, parseImportedIndex, PREPROCESSING_PRESETS } from './import-model.js';
import { tinyOnnxClassifier as tinyClassifier } from './importers/tiny-classifier.js';
import { folderModelHandler, useFastestNodeBackend } from './node.js';
import { parseModelEntry } from './registry.js';

const run = promisify(execFile);
let dir: string;

const declaration = ['--name', 'Tiny ONNX net', '--family', 'CNN', '--top1', '0.42', '--preprocessing', 'imagenet', '--license', 'MIT', '--upstream', 'written by import-model.test.ts'];

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'import-model-'));
	await useFastestNodeBackend('cpu');
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('npm run models -- import', () => {
	it('writes a TF.js folder, entry.json and the index; the classifier runs it like a registered model', async () => {
		await writeFile(path.join(dir, 'tiny.onnx'), tinyClassifier());
		const { stdout } = await run('npx', ['tsx', 'src/inference/cli.ts', 'import', path.join(dir, 'tiny.onnx'), '--id', 'tiny-onnx', ...declaration, '--out', dir], { timeout: 120_000 });
		expect(stdout).toContain('imported Tiny ONNX net (onnx, 16 px input)');
		const folder = path.join(dir, IMPORTED_PREFIX, 'tiny-onnx');
		const entry = parseModelEntry(JSON.parse(await readFile(path.join(folder, 'entry.json'), 'utf8')), 'entry.json');
		expect(entry).toMatchObject({ id: 'tiny-onnx', format: 'onnx-op-graph', inputSize: 16, localDir: 'imported/tiny-onnx', upstreamUrl: null, preprocessing: PREPROCESSING_PRESETS.imagenet, imagenetTop1: 0.42 });
		const index = parseImportedIndex(await readFile(path.join(dir, IMPORTED_PREFIX, IMPORTED_INDEX), 'utf8'), 'index.json');
		expect(index.map((e) => e.id)).toEqual(['tiny-onnx']);

		const classifier = await loadClassifier(entry, folderModelHandler(folder));
		const image = { width: 20, height: 20, data: Uint8Array.from({ length: 20 * 20 * 3 }, (_, i) => (i * 37) % 256) };
		const before = tf.memory().numTensors;
		const [prediction] = await classifier.classify([image]);
		expect(prediction!.probabilities).toHaveLength(1000);
		expect(prediction!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		const { map } = await classifier.saliency(image, [5]);
		expect([map.width, map.height]).toEqual([16, 16]);
		expect(map.data.every(Number.isFinite)).toBe(true);
		expect(Math.max(...map.data)).toBeGreaterThan(Math.min(...map.data)); // not constant
		expect(classifier.layers().map((l) => l.kind)).toEqual(['Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm']);
		const relu = await classifier.activations([image, image], 'r');
		expect(relu.shape[0]).toBe(2);
		expect(relu.data.every((v) => v >= 0)).toBe(true);
		expect(tf.memory().numTensors).toBe(before); // classify, saliency and activations leave nothing behind
		classifier.dispose();

		// importing again under the same id replaces the entry in the index, not duplicates it
		await run('npx', ['tsx', 'src/inference/cli.ts', 'import', path.join(dir, 'tiny.onnx'), '--id', 'tiny-onnx', ...declaration, '--out', dir], { timeout: 120_000 });
		expect(parseImportedIndex(await readFile(path.join(dir, IMPORTED_PREFIX, IMPORTED_INDEX), 'utf8'), 'index.json')).toHaveLength(1);
	}, 240_000);

	it('refuses bad files and declarations in one line each', async () => {
		const base = { id: 'x-net', name: 'X', family: 'CNN' as const, imagenetTop1: 0.5, preprocessing: PREPROCESSING_PRESETS.unit, outputOrder: { kind: 'standard' as const }, outputs: 'logits' as const, license: 'MIT', upstream: 'test' };
		await expect(importModelFile(tinyClassifier(10), 'ten.onnx', base)).rejects.toThrow(/^ten\.onnx: .*10/);
		await expect(importModelFile(new Uint8Array([1, 2, 3]), 'junk.onnx', base)).rejects.toThrow(/^junk\.onnx: /);
		await expect(importModelFile(tinyClassifier(), 'tiny.onnx', { ...base, id: 'Bad Id' })).rejects.toThrow('the declaration of tiny.onnx: "id" may hold only');
		await expect(importModelFile(tinyClassifier(), 'tiny.onnx', { ...base, outputOrder: { kind: 'background-first' } })).rejects.toThrow(/1001/);
		expect(() => modelFileFormat(new Uint8Array(16), 'model.tflite')).toThrow(ModelImportError);
		expect(modelFileFormat(Uint8Array.from([0, 0, 0, 0, 84, 70, 76, 51]), 'any')).toBe('tflite');
		const { stderr } = await run('npx', ['tsx', 'src/inference/cli.ts', 'import', path.join(dir, 'missing.onnx'), '--id', 'm', ...declaration], { timeout: 60_000 }).catch((e: { stderr: string }) => e);
		expect(stderr.trim().split('\n')).toHaveLength(1);
		expect(stderr).toContain('cannot read');
	}, 120_000);
});
