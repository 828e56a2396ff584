/**
 * The measured backend choice (`chooseBackendByProbe`, backends.ts) on a real model in Node:
 * WASM and CPU both run here, and the probe must find the faster one by timing, not by rank.
 * Skipped, saying why, when the model folder is missing.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rgbFromPng } from '../stimuli/png.js';
import { chooseBackendByProbe, describeChoice, probeCandidates, type BackendName } from './backends.js';
import { loadClassifier } from './classifier.js';
import { defaultModelDir } from './model-dir.js';
import { localModelSource } from './node.js';
import { modelEntry } from './registry.js';

const MODEL_DIR = defaultModelDir();
const missing = !existsSync(MODEL_DIR);
const koala = rgbFromPng(readFileSync('static/stimuli/photos/koala.png'));

describe('which backends a probe compares', () => {
	it('probes every available backend but CPU where WASM runs, processor first, and says why each other one is left out', () => {
		const { candidates, skipped } = probeCandidates([
			{ name: 'webgpu', available: true, reason: null },
			{ name: 'webgl', available: false, reason: 'failed to initialize' },
			{ name: 'wasm', available: true, reason: null },
			{ name: 'cpu', available: true, reason: null }
		]);
		expect(candidates).toEqual(['wasm', 'webgpu']); // the processor's first: a late GPU backend cannot slow its measurement
		expect(skipped).toEqual([
			{ backend: 'webgl', msPerImage: null, note: 'unavailable (failed to initialize)' },
			{ backend: 'cpu', msPerImage: null, note: 'not probed: WASM runs on the same processor and is faster' }
		]);
		// without WASM, CPU is a candidate
		expect(probeCandidates([{ name: 'wasm', available: false, reason: 'x' }, { name: 'cpu', available: true, reason: null }]).candidates).toEqual(['cpu']);
	});

	it('states the choice in one sentence with the times measured', () => {
		const timings = [
			{ backend: 'webgpu' as BackendName, msPerImage: 730.4, note: null },
			{ backend: 'wasm' as BackendName, msPerImage: 41.2, note: null },
			{ backend: 'webgl' as BackendName, msPerImage: null, note: 'gave no answer within 8 s' }
		];
		expect(describeChoice({ requested: 'auto', chosen: 'wasm', rule: 'probe', timings })).toBe(
			'WASM: 41 ms per image vs WebGPU 730 ms in a probe on this model (2 images timed after a warm-up image); WebGL gave no answer within 8 s'
		);
		expect(describeChoice({ requested: 'webgl', chosen: 'webgl', rule: 'requested', timings: [] })).toBe('WebGL: chosen by hand');
	});
});

describe.skipIf(missing)(`a probe on a real model${missing ? ` (skipped: no model folder at ${MODEL_DIR})` : ''}`, () => {
	it('times MobileNet 0.25 on WASM and CPU, keeps the faster one loaded there, and leaks nothing', async () => {
		const entry = modelEntry('mobilenet-v1-0.25');
		let loaded = 0;
		let disposed = 0;
		await tf.setBackend('cpu');
		const before = tf.memory().numTensors;
		const { choice, model } = await chooseBackendByProbe(['cpu', 'wasm'], {
			load: async () => (loaded++, loadClassifier(entry, localModelSource(entry, MODEL_DIR))),
			infer: (c) => c.classify([koala]),
			dispose: (c) => (disposed++, c.dispose())
		});
		const [cpu, wasm] = ['cpu', 'wasm'].map((b) => choice.timings.find((t) => t.backend === b)!);
		expect(cpu!.msPerImage).toBeGreaterThan(0);
		expect(wasm!.msPerImage).toBeGreaterThan(0);
		// the choice follows the measurement (WASM's SIMD kernels beat the CPU backend's JS: about 10x here)
		expect(choice.chosen).toBe(wasm!.msPerImage! < cpu!.msPerImage! ? 'wasm' : 'cpu');
		expect(choice.chosen).toBe('wasm');
		expect(choice.rule).toBe('probe');
		expect(choice.reason).toMatch(/^WASM: [\d.]+ ms per image vs CPU [\d.]+ ms in a probe on this model/);
		expect(tf.getBackend()).toBe('wasm');
		expect(loaded).toBe(2);
		expect(disposed).toBe(1); // the slower one's model; the chosen one is returned loaded
		const [prediction] = await model.classify([koala]);
		expect(prediction!.top5[0]!.class).toBe(105); // koala
		model.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	it('drops a backend that gives no answer within the cap, saying so', async () => {
		const entry = modelEntry('mobilenet-v1-0.25');
		const { choice, model } = await chooseBackendByProbe(['cpu', 'wasm'], {
			load: () => loadClassifier(entry, localModelSource(entry, MODEL_DIR)),
			// CPU's first image takes longer than this cap; WASM's fits
			infer: (c) => (tf.getBackend() === 'cpu' ? new Promise((resolve) => setTimeout(resolve, 400)).then(() => c.classify([koala])) : c.classify([koala])),
			dispose: (c) => c.dispose()
		}, [], { images: 1, capMs: 300 });
		expect(choice.chosen).toBe('wasm');
		expect(choice.timings.find((t) => t.backend === 'cpu')).toEqual({ backend: 'cpu', msPerImage: null, note: 'gave no answer within 0.3 s (first image, which compiles its kernels)' });
		model.dispose();
	});
});
