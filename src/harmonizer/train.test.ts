/**
 * The training data split, and the training step on a small layers model built here with
 * MobileNet's layer kinds (convolution, batch normalization, ReLU6, depthwise convolution, global
 * pooling, 1 x 1 logits): the gradient of the harmonization term through a Keras-style model
 * against central finite differences, tf.memory() flat across steps, and a step lowering the
 * training batch's loss, on CPU and WASM. No weights needed.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFastestNodeBackend } from '../inference/node.js';
import { parseModelEntry, type ModelEntry } from '../inference/registry.js';
import { centerBiasMap } from '../stimuli/importance-map.js';
import { HarmonizeDataError, splitHeldOut, type HarmonizeImage } from './data.js';
import { lossSaliency, pyramidalMseWithTokens, standardizeCut } from './loss.js';
import { describeProvenance, harmonizedEntry, provenanceOf } from './model.js';
import { runHarmonizer } from './session.js';
import { Harmonizer, HarmonizeSettingsError, withTrainingKernels, type HarmonizeSettings } from './train.js';

beforeAll(async () => {
	await useFastestNodeBackend('wasm');
});
afterAll(async () => {
	await tf.setBackend('wasm');
});

const SIZE = 16, CLASSES = 1000;

function image(id: string, withMap: boolean, seed: number): HarmonizeImage {
	const data = Uint8Array.from({ length: 20 * 20 * 3 }, (_, i) => Math.floor(128 + 127 * Math.sin(i * 0.37 + seed)));
	return { image_id: id, image: { width: 20, height: 20, data }, classes: [seed % 7], map: withMap ? centerBiasMap(20, 20) : null };
}

describe('splitHeldOut', () => {
	const images = [...Array.from({ length: 8 }, (_, i) => image(`m${i}`, true, i)), image('u1', false, 9), image('u2', false, 10)];
	it('holds out a seeded share of the mapped images only, the same for the same seed', () => {
		const a = splitHeldOut(images, 7, 0.25), b = splitHeldOut(images, 7, 0.25), c = splitHeldOut(images, 8, 0.25);
		expect(a.heldOut.map((i) => i.image_id)).toEqual(b.heldOut.map((i) => i.image_id));
		expect(a.heldOut).toHaveLength(2);
		expect(a.heldOut.every((i) => i.map !== null)).toBe(true);
		expect(a.train).toHaveLength(8);
		expect(a.train.map((i) => i.image_id)).toEqual(expect.arrayContaining(['u1', 'u2']));
		expect(new Set([...a.train, ...a.heldOut].map((i) => i.image_id)).size).toBe(10);
		const seeds = Array.from({ length: 6 }, (_, s) => splitHeldOut(images, s, 0.25).heldOut.map((i) => i.image_id).join());
		expect(new Set([...seeds, c.heldOut.map((i) => i.image_id).join()]).size).toBeGreaterThan(1);
	});
	it('refuses a set with fewer than two maps, saying how many it has', () => {
		expect(() => splitHeldOut([image('a', true, 1), image('b', false, 2)], 1)).toThrow(HarmonizeDataError);
		expect(() => splitHeldOut([image('a', true, 1), image('b', false, 2)], 1)).toThrow(/at least 2 images with a ClickMe map .* has 1/);
	});
});

/** A small model with MobileNet v1's layer kinds and names (`*_bn` batch norms, `conv_preds`). */
function tinyMobileNet(): tf.LayersModel {
	const init = (seed: number, stddev = 0.4) => tf.initializers.randomNormal({ seed, stddev });
	const input = tf.input({ shape: [SIZE, SIZE, 3] });
	let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
	h = tf.layers.batchNormalization({ name: 'conv1_bn', movingVarianceInitializer: tf.initializers.constant({ value: 1.3 }), gammaInitializer: tf.initializers.randomUniform({ minval: 0.6, maxval: 1.4, seed: 2 }) }).apply(h) as tf.SymbolicTensor;
	h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
	h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'conv_dw_1', depthwiseInitializer: init(3) }).apply(h) as tf.SymbolicTensor;
	h = tf.layers.batchNormalization({ name: 'conv_dw_1_bn' }).apply(h) as tf.SymbolicTensor;
	h = tf.layers.reLU({ maxValue: 6 }).apply(h) as tf.SymbolicTensor;
	h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
	h = tf.layers.reshape({ targetShape: [1, 1, 4] }).apply(h) as tf.SymbolicTensor;
	h = tf.layers.conv2d({ filters: CLASSES, kernelSize: 1, name: 'conv_preds', kernelInitializer: init(4, 1) }).apply(h) as tf.SymbolicTensor;
	h = tf.layers.reshape({ targetShape: [CLASSES] }).apply(h) as tf.SymbolicTensor;
	return tf.model({ inputs: input, outputs: tf.layers.activation({ activation: 'softmax' }).apply(h) as tf.SymbolicTensor });
}

const entry: ModelEntry = {
	...parseModelEntry(
		{ id: 'tiny', name: 'tiny', family: 'CNN', format: 'layers', upstreamUrl: null, localDir: 'tiny', inputSize: SIZE, preprocessing: { scale: 'symmetric', channels: 'rgb' }, outputOrder: { kind: 'standard' }, outputs: 'probabilities', logitsLayer: 'conv_preds', imagenetTop1: 0.5, license: 'test', upstream: 'built in the test' },
		'the test model'
	)
};
const settings: HarmonizeSettings = { lambda: 1, steps: 3, learningRate: 1e-2, batchSize: 3, optimizer: 'adam', seed: 3, heldOut: 0.25, flip: true };

describe.each(['cpu', 'wasm'] as const)('training on %s', (backend) => {
	beforeAll(async () => {
		await tf.setBackend(backend);
	});

	it('differentiates the harmonization term through the layers model as finite differences do', async () => {
		const model = tinyMobileNet();
		const logits = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv_preds').output as tf.SymbolicTensor });
		const logitsOf = (x: tf.Tensor4D) => (logits.apply(x, { training: false }) as tf.Tensor).reshape([x.shape[0], -1]) as tf.Tensor2D;
		const images = tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
		const human = tf.randomUniform([2, SIZE, SIZE], 0, 1, 'float32', 6) as tf.Tensor3D;
		const oneHot = tf.oneHot([1, 3], CLASSES).toFloat() as tf.Tensor2D, tokens = tf.tensor1d([1, 1]);
		// the term without the stop-gradient maximum, so that finite differences see the same function
		const f = () => pyramidalMseWithTokens(standardizeCut(lossSaliency(logitsOf, images, oneHot)), standardizeCut(human), tokens);
		const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
		const { grads, value } = await withTrainingKernels(async () => tf.variableGrads(f, variables));
		value.dispose();
		let checked = 0;
		for (const v of variables) {
			const g = grads[v.name];
			if (!g) continue;
			const gradient = await g.data();
			const base = await v.data();
			for (const i of [0, Math.floor(base.length / 2)]) {
				const at = async (delta: number) => {
					const shifted = Float32Array.from(base);
					shifted[i]! += delta;
					v.assign(tf.tensor(shifted, v.shape));
					return withTrainingKernels(async () => {
						const y = tf.tidy(f);
						const out = (await y.data())[0]!;
						y.dispose();
						return out;
					});
				};
				const difference = ((await at(1e-3)) - (await at(-1e-3))) / 2e-3;
				v.assign(tf.tensor(base, v.shape));
				expect(Math.abs(gradient[i]! - difference), `${v.name}[${i}]`).toBeLessThan(2e-3 * Math.max(1, Math.abs(difference)));
				checked++;
			}
		}
		expect(checked).toBeGreaterThanOrEqual(8);
		tf.dispose([images, human, oneHot, tokens, ...Object.values(grads)]);
		model.dispose();
	});

	it('takes steps with tf.memory() flat and evaluates the held-out images', async () => {
		const model = tinyMobileNet();
		const images = [...Array.from({ length: 6 }, (_, i) => image(`m${i}`, true, i)), image('u1', false, 7)];
		const harmonizer = await Harmonizer.create(model, entry, images, settings);
		const counts: number[] = [];
		const result = await runHarmonizer(harmonizer, { steps: 4, onEvent: (e) => void (e.kind === 'step' && counts.push(tf.memory().numTensors)) });
		expect(result.steps).toHaveLength(4);
		expect(new Set(counts.slice(1)).size).toBe(1); // the optimizer's slots appear at the first step, then nothing grows
		for (const r of result.steps) expect(Number.isFinite(r.total) && r.harmonization > 0 && r.crossEntropy > 0 && r.weights > 0).toBe(true);
		expect(result.before.report.images_compared).toBe(harmonizer.heldOut.length);
		expect(Object.keys(result.after.saliency)).toEqual(harmonizer.heldOut.map((i) => i.image_id));
		harmonizer.dispose();
		model.dispose();
	});
});

describe('stop and keep', () => {
	it('stops before the next step when asked, keeping the steps taken, and evaluates what it kept', async () => {
		const model = tinyMobileNet();
		const images = Array.from({ length: 6 }, (_, i) => image(`m${i}`, true, i));
		const harmonizer = await Harmonizer.create(model, entry, images, settings);
		let taken = 0;
		const events: string[] = [];
		const result = await runHarmonizer(harmonizer, { steps: 10, evaluateEvery: 1, shouldStop: () => taken >= 2, onEvent: (e) => void (e.kind === 'step' ? (taken++, events.push('step')) : events.push(`evaluation@${e.after}`)) });
		expect(result.stopped).toBe(true);
		expect(result.steps).toHaveLength(2);
		expect(harmonizer.stepsDone).toBe(2);
		expect(events).toEqual(['evaluation@0', 'step', 'evaluation@1', 'step', 'evaluation@2']);
		harmonizer.dispose();
		model.dispose();
	});
});

describe('settings and the harmonized entry', () => {
	it('refuses settings out of range, naming the setting', async () => {
		const model = tinyMobileNet();
		const images = Array.from({ length: 4 }, (_, i) => image(`m${i}`, true, i));
		await expect(Harmonizer.create(model, entry, images, { ...settings, learningRate: 0 })).rejects.toThrow(HarmonizeSettingsError);
		await expect(Harmonizer.create(model, entry, images, { ...settings, steps: 0 })).rejects.toThrow(/steps must be a whole number/);
		model.dispose();
	});
	it('declares the harmonized model with family harmonized, its base and where it lives', () => {
		const e = harmonizedEntry({ ...entry, id: 'mobilenet-v1-0.25', name: 'MobileNet', imagenetTop1: 0.5 }, 'mn-h', { localDir: 'imported/mn-h' });
		expect(e).toMatchObject({ id: 'mn-h', family: 'harmonized', format: 'layers', localDir: 'imported/mn-h', upstreamUrl: null, logitsLayer: 'conv_preds', demoAccuracy: null });
		expect(e.upstream).toMatch(/harmonized from mobilenet-v1-0.25/);
		// fine-tuning changes ImageNet top-1: the base model's 0.5 is not carried over
		expect(e.imagenetTop1).toBeNaN();
		expect(JSON.parse(JSON.stringify(e)).imagenetTop1).toBeNull();
		// the database stores model ids in lower case (models.id, clickme_rounds.model_id)
		expect(() => harmonizedEntry(entry, 'MN-H', { localDir: 'imported/MN-H' })).toThrow('the harmonized model\'s id "MN-H" must be 2 to 64 lower-case letters');
	});
	it('reads the provenance from a model file\'s metadata and says it in one line', () => {
		const provenance = { method: 'neural harmonizer', reference: 'r', base_model: 'mobilenet-v1-0.25', map_set: 'demo', map_source: 'clickme', settings: { ...settings, lambda: 2, steps: 20 }, steps_done: 3,
			train_images: 9, held_out_images: ['cat'], backend: 'wasm', before: null, after: null, trained_at: '2026-11-30T02:00:00.000Z' };
		expect(provenanceOf({ harmonization: provenance })).toEqual(provenance);
		expect(provenanceOf({ something: 'else' })).toBeNull();
		expect(provenanceOf(undefined)).toBeNull();
		expect(describeProvenance(provenanceOf({ harmonization: provenance })!)).toBe(
			'harmonized from mobilenet-v1-0.25: lambda 2, 3 of 20 steps (stopped), Adam lr 0.01, batch 3, on maps demo / clickme (2026-11-30)'
		);
	});
});
