/**
 * The classifier's contract on small fake models built here (a convolution, pooling and a dense
 * layer of 1000 or 1001 outputs, no trained weights; as tfjs-models tests its models), so it runs
 * without any model folder: output counts checked at load, each output order mapped to the
 * standard order, logits through `logitsLayer`, saliency's target and shape, the run's answers by
 * the task given, and no tensors left behind (tf.memory()). Real models: models.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../stimuli/image.js';
import { classRange, TASKS, type Task } from '../stimuli/task.js';
import { DARKNET_TO_STANDARD } from './classes.js';
import { loadClassifier, maxAbsOverChannels, ModelLoadError, type Classifier } from './classifier.js';
import { folderModelHandler, useFastestNodeBackend } from './node.js';
import { preprocessBatch } from './preprocess.js';
import { saliencyAtStimulus, saliencyParams } from './saliency.js';
import { customModelEntry, type ModelEntry, type OutputOrder, type Preprocessing } from './registry.js';
import { runModel, RunCancelled, type ModelTrial, type StimulusJob } from './run.js';

const INPUT = 16;

/**
 * A model [N, 16, 16, 3] -> [N, outputs] whose dense layer "logits" has small seeded weights and
 * the given biases, so the biases decide the ranking; `softmax` adds a softmax layer after it.
 */
async function fakeModel(outputs: number, biases: Record<number, number>, softmax = false): Promise<tf.io.IOHandler> {
	const input = tf.input({ shape: [INPUT, INPUT, 3] });
	const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }).apply(input);
	const pooled = tf.layers.globalAveragePooling2d({}).apply(conv);
	const dense = tf.layers.dense({ units: outputs, name: 'logits', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.01, seed: 2 }) });
	const logits = dense.apply(pooled) as tf.SymbolicTensor;
	const model = tf.model({ inputs: input, outputs: softmax ? (tf.layers.activation({ activation: 'softmax' }).apply(logits) as tf.SymbolicTensor) : logits });
	const bias = new Float32Array(outputs);
	for (const [i, b] of Object.entries(biases)) bias[Number(i)] = b;
	const biasTensor = tf.tensor1d(bias);
	dense.setWeights([dense.getWeights()[0]!, biasTensor]);
	biasTensor.dispose();
	let artifacts: tf.io.ModelArtifacts | undefined;
	await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
	model.dispose();
	return tf.io.fromMemory(artifacts!);
}

const entryFor = (id: string, outputOrder: OutputOrder, options: Partial<ModelEntry> = {}): ModelEntry =>
	customModelEntry(`/fake/${id}/model.json`, { id, inputSize: INPUT, outputOrder, outputs: 'logits', ...options });

/** A deterministic colour pattern of any size (classify resizes it to the model's input). */
function image(width: number, height: number, seed = 0): RgbImage {
	const data = new Uint8Array(width * height * 3);
	for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101) % 256;
	return { width, height, data };
}

for (const backend of ['wasm', 'cpu'] as const) {
	describe(`the classifier contract on fake models (${backend})`, () => {
		beforeAll(async () => {
			expect(await useFastestNodeBackend(backend)).toBe(backend);
		});

		it('layer access: lists the layers in order and returns one layer\'s activations for a batch, leaking nothing', async () => {
			const classifier = await loadClassifier(entryFor('fake-layers', { kind: 'standard' }), await fakeModel(1000, { 417: 6 }));
			const layers = classifier.layers();
			expect(layers.map((l) => l.kind)).toEqual(['InputLayer', 'Conv2D', 'GlobalAveragePooling2D', 'Dense']);
			expect(layers[1]!.shape).toEqual([INPUT / 2, INPUT / 2, 4]); // stride 2, 4 filters
			const images = [image(32, 24), image(INPUT, INPUT, 1), image(20, 20, 2)];
			await classifier.activations(images, layers[2]!.name); // the first call builds the sub-model (kept, sharing the weights)
			const before = tf.memory().numTensors;
			const pooled = await classifier.activations(images, layers[2]!.name);
			const conv = await classifier.activations(images, layers[1]!.name);
			expect(tf.memory().numTensors - before).toBeLessThanOrEqual(1); // the conv sub-model holds no tensors of its own
			expect(pooled.shape).toEqual([3, 4]);
			expect(conv.shape).toEqual([3, INPUT / 2, INPUT / 2, 4]);
			// independent check: the global average pool is the mean over positions of the conv activations
			for (let n = 0; n < 3; n++) {
				for (let c = 0; c < 4; c++) {
					let sum = 0;
					for (let k = 0; k < (INPUT / 2) ** 2; k++) sum += conv.data[n * (INPUT / 2) ** 2 * 4 + k * 4 + c]!;
					expect(pooled.data[n * 4 + c]).toBeCloseTo(sum / (INPUT / 2) ** 2, 5);
				}
			}
			// the last layer's activations are the logits the classifier ranks by
			const logits = await classifier.activations([image(32, 24)], 'logits');
			expect(logits.data.indexOf(Math.max(...logits.data))).toBe(417);
			await expect(classifier.activations(images, 'conv99')).rejects.toThrow('fake-layers has no layer "conv99" (it has 4:');
			classifier.dispose();
		});

		it('standard order: 1000 probabilities summing to 1, top class from the logits, the same alone and in a batch, no tensors left', async () => {
			const classifier = await loadClassifier(entryFor('fake-standard', { kind: 'standard' }), await fakeModel(1000, { 417: 6, 10: 3 }));
			const before = tf.memory().numTensors;
			const [a, b] = await classifier.classify([image(32, 24), image(INPUT, INPUT, 1)]);
			const [alone] = await classifier.classify([image(32, 24)]);
			expect(tf.memory().numTensors).toBe(before);
			expect(await classifier.classify([])).toEqual([]);
			for (const p of [a!, b!]) {
				expect(p.probabilities).toHaveLength(1000);
				expect(p.probabilities.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
				expect(p.top5.slice(0, 2).map((c) => c.class)).toEqual([417, 10]);
				expect(p.top5[0]!.name).toBe('balloon');
			}
			for (let i = 0; i < 1000; i += 97) expect(alone!.probabilities[i]).toBeCloseTo(a!.probabilities[i]!, 6);
			classifier.dispose();
		});

		it('Darknet order: the largest output lands on the standard class the permutation names', async () => {
			const classifier = await loadClassifier(entryFor('fake-darknet', { kind: 'darknet' }), await fakeModel(1000, { 3: 6 }));
			const [p] = await classifier.classify([image(20, 20)]);
			expect(p!.top5[0]!.class).toBe(DARKNET_TO_STANDARD[3]);
			// saliency's default target is the top class, found through the same adapter
			const { target } = await classifier.saliency(image(20, 20));
			expect(target).toBe(DARKNET_TO_STANDARD[3]);
			classifier.dispose();
		});

		it('background first: 1001 probabilities, the background dropped; saliency reads the logits layer and its map is at the model input', async () => {
			// output 0 is the background (the largest, dropped); output 400 is standard class 399, output 7 is class 6
			const entry = entryFor('fake-background', { kind: 'background-first' }, { outputs: 'probabilities', logitsLayer: 'logits' });
			const classifier = await loadClassifier(entry, await fakeModel(1001, { 0: 9, 400: 6, 7: 3 }, true));
			const [p] = await classifier.classify([image(24, 20)]);
			expect(p!.top5.slice(0, 2).map((c) => c.class)).toEqual([399, 6]);
			expect(p!.probabilities.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);

			// a stimulus that is not square, on every backend: the gradient is taken after the resize,
			// so tfjs-backend-cpu's ResizeBilinearGrad (wrong shape for non-square images) is never used
			const photo = image(24, 20, 2);
			const top = await classifier.saliency(photo); // the first call may bridge kernels WASM lacks
			expect([top.target, top.target_rule]).toEqual([399, 'model-top']); // no class listed: the model's top class
			const before = tf.memory().numTensors;
			const saliency = await classifier.saliency(photo, [5, 6]);
			expect(tf.memory().numTensors).toBe(before);
			expect([saliency.target, saliency.target_rule]).toEqual([6, 'listed']); // of the listed classes, the one the model scores highest
			expect((await classifier.saliency(photo, [5])).target).toBe(5); // one listed class is the target, whatever the model thinks
			// the map is at the model's input (before the resize step), and knows the image it is for
			expect([saliency.map.width, saliency.map.height]).toEqual([INPUT, INPUT]);
			expect(saliency.map.data).toHaveLength(INPUT * INPUT);
			expect(saliency.image).toEqual({ width: 24, height: 20 });
			expect(saliency.map.data.every((v) => v >= 0)).toBe(true);
			expect(Math.max(...saliency.map.data)).toBeGreaterThan(0);
			const atStimulus = saliencyAtStimulus(saliency);
			expect([atStimulus.width, atStimulus.height, atStimulus.data.length]).toEqual([24, 20, 24 * 20]);
			expect(saliencyParams(saliency)).toMatchObject({ input_resolution: [INPUT, INPUT], stimulus_resolution: [24, 20], target_class: 6, target_rule: 'listed' });
			classifier.dispose();
		});

		it('saliency is |d logit / d x| at the model-input tensor x, max over channels: against central differences of an independent forward pass', async () => {
			// mean-std scaling with per-channel std, so a gradient w.r.t. the raw pixels (1 / (255 std) times
			// this one) or the pre-resize stimulus would not pass
			const preprocessing: Preprocessing = { scale: 'mean-std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channels: 'rgb' };
			const entry = entryFor('fake-gradient', { kind: 'standard' }, { preprocessing });
			const handler = await fakeModel(1000, { 417: 6, 10: 3, 20: 1 });
			const classifier = await loadClassifier(entry, handler);
			const photo = image(24, 20, 3);
			const saliency = await classifier.saliency(photo, [20, 10]);
			expect(saliency.target).toBe(10);
			expect([saliency.map.width, saliency.map.height]).toEqual([INPUT, INPUT]);

			// the model input x, and the fake model's weights for a forward pass in float64 written out here
			const xTensor = preprocessBatch([photo], INPUT, preprocessing);
			const x = Float64Array.from(await xTensor.data());
			xTensor.dispose();
			const weightsModel = await tf.loadLayersModel(handler);
			const [kernel, convBias, dense, denseBias] = await Promise.all(weightsModel.getWeights().map(async (w) => Float64Array.from(await w.data())));
			weightsModel.dispose();
			const FILTERS = 4, OUT = INPUT / 2; // conv 3x3, stride 2, 'same' (padding 0 before, 1 after), relu, mean, dense
			const logit = (input: Float64Array, k: number) => {
				const pooled = new Float64Array(FILTERS);
				for (let i = 0; i < OUT; i++) for (let j = 0; j < OUT; j++) for (let f = 0; f < FILTERS; f++) {
					let v = convBias![f]!;
					for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
						const y = 2 * i + r, xx = 2 * j + c;
						if (y >= INPUT || xx >= INPUT) continue;
						for (let ch = 0; ch < 3; ch++) v += input[(y * INPUT + xx) * 3 + ch]! * kernel![((r * 3 + c) * 3 + ch) * FILTERS + f]!;
					}
					pooled[f]! += Math.max(v, 0) / (OUT * OUT);
				}
				return denseBias![k]! + pooled.reduce((sum, p, f) => sum + p * dense![f * 1000 + k]!, 0);
			};
			const h = 1e-4;
			const scale = Math.max(...saliency.map.data);
			for (const [px, py] of [[0, 0], [5, 7], [15, 15], [8, 3], [12, 1]] as const) {
				const perChannel = [0, 1, 2].map((ch) => {
					const at = (py * INPUT + px) * 3 + ch;
					const up = Float64Array.from(x), down = Float64Array.from(x);
					up[at]! += h;
					down[at]! -= h;
					return (logit(up, 10) - logit(down, 10)) / (2 * h);
				});
				const expected = Math.max(...perChannel.map(Math.abs));
				expect(Math.abs(saliency.map.data[py * INPUT + px]! - expected), `pixel (${px}, ${py})`).toBeLessThan(1e-4 * scale);
			}
			classifier.dispose();
		});
		it('refuses a model whose output count is not its order\'s, a missing logits layer and an unreadable source, saying so', async () => {
			await expect(loadClassifier(entryFor('fake-1000-as-1001', { kind: 'background-first' }), await fakeModel(1000, {}))).rejects.toThrow(
				'fake-1000-as-1001 outputs 1000 values, not the 1001 ImageNet-1k classes the platform compares'
			);
			await expect(loadClassifier(entryFor('fake-10', { kind: 'standard' }), await fakeModel(10, {}))).rejects.toThrow('fake-10 outputs 10 values, not the 1000 ImageNet-1k classes');
			await expect(loadClassifier(entryFor('fake-no-logits', { kind: 'standard' }, { logitsLayer: 'nope' }), await fakeModel(1000, {}))).rejects.toThrow('fake-no-logits: no layer "nope" for the logits');
			await expect(loadClassifier(entryFor('fake-missing', { kind: 'standard' }), folderModelHandler('/nonexistent'))).rejects.toThrow(ModelLoadError);
		});

		describe('a run answers by the task it is given', () => {
			let classifier: Classifier;
			beforeAll(async () => {
				// balloon (417) first, then tabby cat (281): a non-animal answer, a cat for a three-way task
				classifier = await loadClassifier(entryFor('fake-run', { kind: 'standard' }), await fakeModel(1000, { 417: 2, 281: 1.5 }));
			});
			const jobs = <C extends string>(categories: C[]): StimulusJob<C>[] =>
				categories.map((category, i) => ({ stimulus_id: `s${i}`, image_id: `i${i}`, category, reveal: 1, level_index: 0, imagenet_classes: [281], load: async () => image(20, 20, i) }));

			it('animal vs non-animal: scores, response and correctness per trial, in batches, with progress', async () => {
				const batches: number[] = [];
				const progress: number[] = [];
				const before = tf.memory().numTensors;
				const trials: ModelTrial[] = await runModel(classifier, jobs(['animal', 'non_animal', 'non_animal', 'animal', 'animal']), {
					task: TASKS['animal-vs-non-animal'],
					batchSize: 2,
					onBatch: (batch) => void batches.push(batch.length),
					onProgress: (p) => void progress.push(p.done)
				});
				expect(tf.memory().numTensors).toBe(before);
				expect(batches).toEqual([2, 2, 1]);
				expect(progress).toEqual([0, 2, 4, 5]);
				for (const t of trials) {
					expect(t.observer).toBe('model:fake-run');
					expect(t.scores.animal + t.scores.non_animal).toBeCloseTo(1, 6);
					expect(t.response).toBe(t.scores.animal > 0.5 ? 'animal' : 'non_animal'); // the summed rule agrees here
					expect(t.response).toBe(t.top5[0]!.class <= 397 ? 'animal' : 'non_animal'); // the default rule: top-1
					expect(t.correct).toBe(t.response === t.category);
					expect(t.saliency).toBeNull();
				}
				expect(trials.map((t) => t.response)).toEqual(['non_animal', 'non_animal', 'non_animal', 'non_animal', 'non_animal']);
			});

			it('a made-up three-way task needs only its mapping', async () => {
				const catOrNot: Task<'cat' | 'balloon' | 'other'> = {
					id: 'cat-balloon-other',
					label: 'cat, balloon or other',
					categories: ['cat', 'balloon', 'other'],
					decisionMapping: { classes: { cat: classRange(281, 285), balloon: [417], other: [...classRange(0, 280), ...classRange(286, 416), ...classRange(418, 999)] }, aggregate: 'mean' }
				};
				const trials = await runModel(classifier, jobs(['cat', 'balloon']), { task: catOrNot });
				expect(trials.map((t) => t.response)).toEqual(['balloon', 'balloon']);
				expect(trials.map((t) => t.correct)).toEqual([false, true]);
			});

			it('stops between batches when cancelled', async () => {
				const controller = new AbortController();
				const run = runModel(classifier, jobs(['animal', 'animal', 'animal']), { task: TASKS['animal-vs-non-animal'], batchSize: 1, signal: controller.signal, onBatch: () => controller.abort() });
				await expect(run).rejects.toThrow(new RunCancelled(1));
			});
		});
	});
}
