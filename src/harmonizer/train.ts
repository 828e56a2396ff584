/**
 * The harmonizer's training loop in TF.js (browser Web Worker and Node alike): a registered
 * layers model, its logits, the loss of loss.ts on batches of the set's images, an Adam or SGD
 * step on every trainable weight with tf.variableGrads, and the held-out evaluation.
 *
 * Choices, each where the published code leaves room or the browser needs one:
 * - The label of an image is one class: of the classes it lists, the one the BASE model scores
 *   highest (the target rule of src/inference/saliency.ts `chooseTarget`), fixed before training.
 * - Batch normalization runs in inference mode (moving statistics frozen; gamma and beta train).
 *   Harmonization calls `model(images, training=True)` with batches of 128 on ImageNet; with the
 *   few images a lab collects and batches of 2 to 8, batch statistics would wreck the network.
 * - Left-right flips: each image of a batch is flipped with probability 1/2 (seeded), its human
 *   map with it.
 * - Batches draw the training images in a seeded order, epoch after epoch.
 * - Held-out evaluation (`evaluate`): the harmonization term and the cross-entropy on the held-out
 *   images (no flip), their saliency as the evaluation computes it (max over channels of
 *   |d logit / d x|, `maxAbsOverChannels` of src/inference/classifier.ts) scored against the
 *   human maps by `featureReport` (src/analysis/features.ts: Spearman, alignment, IoU, Dice).
 */
import * as tf from '@tensorflow/tfjs';
import { featureReport, type FeatureMap, type HumanFeatureMap } from '../analysis/features.js';
import { outputAdapter } from '../inference/classes.js';
import { maxAbsOverChannels } from '../inference/classifier.js';
import { preprocessBatch } from '../inference/preprocess.js';
import type { ModelEntry } from '../inference/registry.js';
import { chooseTarget } from '../inference/saliency.js';
import { withWasmBridges } from '../inference/wasm-bridge.js';
import { seededRandom } from '../stimuli/random.js';
import { splitHeldOut, trainingMap, type HarmonizeImage } from './data.js';
import { DEFAULT_LAMBDA, harmonizationTerm, harmonizerLoss, lossSaliency, smoothedCrossEntropy } from './loss.js';
import { registerSecondOrderGradients } from './second-order.js';
import { registerWasmDepthwiseBackpropFilter } from './wasm-depthwise-gradient.js';

/**
 * Runs TF.js work that differentiates twice: on WASM with its missing kernels, the depthwise filter
 * gradient as a WASM kernel (wasm-depthwise-gradient.ts), the rest bridged to CPU (wasm-bridge.ts).
 */
export function withTrainingKernels<T>(work: () => Promise<T>): Promise<T> {
	registerSecondOrderGradients();
	if (tf.getBackend() === 'wasm') registerWasmDepthwiseBackpropFilter();
	return withWasmBridges(work);
}

export interface HarmonizeSettings {
	/** Weight of the harmonization term (loss.py's default 1; the 2023 paper used 1 to 20). */
	lambda: number;
	steps: number;
	learningRate: number;
	batchSize: number;
	optimizer: 'adam' | 'sgd';
	/** Seeds the split, the batches and the flips. */
	seed: number;
	/** Share of the mapped images held out. */
	heldOut: number;
	flip: boolean;
}

/** Defaults: loss.py's lambda; Adam at 3e-5 kept the demo photos' accuracy in the runs measured here (harmonize-real.test.ts, README). */
export const DEFAULT_SETTINGS: HarmonizeSettings = { lambda: DEFAULT_LAMBDA, steps: 20, learningRate: 3e-5, batchSize: 4, optimizer: 'adam', seed: 1, heldOut: 0.25, flip: true };

/** Settings out of range: the sentence names the setting. */
export class HarmonizeSettingsError extends Error {}

export function checkSettings(s: HarmonizeSettings): HarmonizeSettings {
	const bad = (name: string, rule: string, value: unknown) => new HarmonizeSettingsError(`${name} must be ${rule} (got ${JSON.stringify(value)})`);
	if (!(s.lambda >= 0 && Number.isFinite(s.lambda))) throw bad('lambda', 'a number of at least 0', s.lambda);
	if (!(Number.isInteger(s.steps) && s.steps >= 1 && s.steps <= 100_000)) throw bad('steps', 'a whole number from 1 to 100000', s.steps);
	if (!(s.learningRate > 0 && s.learningRate <= 1)) throw bad('the learning rate', 'above 0 and at most 1', s.learningRate);
	if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1 && s.batchSize <= 64)) throw bad('the batch size', 'a whole number from 1 to 64', s.batchSize);
	if (s.optimizer !== 'adam' && s.optimizer !== 'sgd') throw bad('the optimizer', 'adam or sgd', s.optimizer);
	if (!Number.isInteger(s.seed)) throw bad('the seed', 'a whole number', s.seed);
	if (!(s.heldOut > 0 && s.heldOut < 1)) throw bad('the held-out share', 'between 0 and 1', s.heldOut);
	return s;
}

/** A model the harmonizer cannot train: the sentence says why. */
export class HarmonizeModelError extends Error {}

export interface StepReport {
	step: number;
	total: number;
	crossEntropy: number;
	/** sum of l2_loss over the decayed weights (times 1e-5 in the total). */
	weights: number;
	harmonization: number;
	seconds: number;
}

export interface Evaluation {
	/** Held-out harmonization term (every held-out image has a map: tokens 1). */
	harmonization: number;
	crossEntropy: number;
	/** featureReport's numbers: mean Spearman, alignment (/ ceiling), IoU, Dice, and per image. */
	report: ReturnType<typeof featureReport>;
	/** The evaluation saliency maps (model input size), by image. */
	saliency: Record<string, FeatureMap>;
}

interface Prepared {
	image: HarmonizeImage;
	input: tf.Tensor4D;
	human: tf.Tensor3D | null;
	label: number;
}

export class Harmonizer {
	readonly settings: HarmonizeSettings;
	readonly train: readonly HarmonizeImage[];
	readonly heldOut: readonly HarmonizeImage[];
	stepsDone = 0;
	private readonly logitsModel: tf.LayersModel;
	private readonly variables: { name: string; value: tf.Variable }[];
	private readonly optimizer: tf.Optimizer;
	private readonly prepared = new Map<string, Prepared>();
	private readonly random: () => number;
	private order: HarmonizeImage[] = [];
	private readonly classes: number;

	private constructor(readonly model: tf.LayersModel, readonly entry: ModelEntry, images: readonly HarmonizeImage[], settings: HarmonizeSettings) {
		registerSecondOrderGradients();
		this.settings = checkSettings({ ...settings });
		({ train: this.train, heldOut: this.heldOut } = splitHeldOut(images, settings.seed, settings.heldOut));
		if (entry.outputs === 'probabilities' && !entry.logitsLayer) throw new HarmonizeModelError(`${entry.id} outputs probabilities and names no logits layer: the loss needs logits`);
		try {
			this.logitsModel = entry.logitsLayer ? tf.model({ inputs: model.inputs, outputs: model.getLayer(entry.logitsLayer).output as tf.SymbolicTensor }) : model;
		} catch (error) {
			throw new HarmonizeModelError(`${entry.id}: no layer "${entry.logitsLayer}" for the logits (${(error as Error).message})`);
		}
		this.variables = model.trainableWeights.map((w) => ({ name: w.originalName, value: w.read() as tf.Variable }));
		if (!this.variables.length) throw new HarmonizeModelError(`${entry.id} has no trainable weights`);
		this.optimizer = settings.optimizer === 'adam' ? tf.train.adam(settings.learningRate) : tf.train.sgd(settings.learningRate);
		this.random = seededRandom('harmonize-batches', settings.seed);
		this.classes = outputAdapter(entry).outputs;
	}

	/**
	 * A trainer for `model` (a TF.js layers model: the zoo's and imported TFLite models; its weights
	 * are trained in place) on `images`. Preprocesses every image once and fixes the labels.
	 */
	static async create(model: tf.LayersModel | unknown, entry: ModelEntry, images: readonly HarmonizeImage[], settings: HarmonizeSettings = DEFAULT_SETTINGS): Promise<Harmonizer> {
		if (!(model instanceof tf.LayersModel)) throw new HarmonizeModelError(`${entry.id} is a ${entry.format} model; the harmonizer trains TF.js layers models (the zoo's layers and TFLite models)`);
		const h = new Harmonizer(model, entry, images, settings);
		await h.prepare([...h.train, ...h.heldOut]);
		return h;
	}

	/** The model's logits [B, K] for model inputs (inference-mode batch normalization). */
	readonly logitsOf = (x: tf.Tensor4D): tf.Tensor2D => {
		const out = this.logitsModel.apply(x, { training: false }) as tf.Tensor;
		return out.reshape([x.shape[0], -1]) as tf.Tensor2D;
	};

	private async prepare(images: readonly HarmonizeImage[]): Promise<void> {
		const size = this.entry.inputSize;
		const adapter = outputAdapter(this.entry);
		for (const image of images) {
			const input = tf.keep(preprocessBatch([image.image], size, this.entry.preprocessing));
			const logits = tf.tidy(() => this.logitsOf(input));
			const scores = await logits.data();
			logits.dispose();
			const { target } = chooseTarget(image.classes, (c) => scores[adapter.modelIndex(c)]!);
			const human = image.map ? tf.keep(tf.tensor3d(trainingMap(image.map, size), [1, size, size])) : null;
			this.prepared.set(image.image_id, { image, input, human, label: adapter.modelIndex(target) });
		}
	}

	private nextBatch(): { prepared: Prepared; flip: boolean }[] {
		const batch: { prepared: Prepared; flip: boolean }[] = [];
		while (batch.length < Math.min(this.settings.batchSize, this.train.length)) {
			if (!this.order.length) this.order = this.train.map((image) => ({ image, key: this.random() })).sort((a, b) => a.key - b.key).map((x) => x.image);
			const image = this.order.shift()!;
			batch.push({ prepared: this.prepared.get(image.image_id)!, flip: this.settings.flip && this.random() < 0.5 });
		}
		return batch;
	}

	/** The batch's tensors: inputs, one-hot labels, tokens, human maps (zeros where there is none). */
	private batchTensors(batch: { prepared: Prepared; flip: boolean }[]) {
		const size = this.entry.inputSize;
		return tf.tidy(() => {
			const images = tf.concat(batch.map(({ prepared, flip }) => (flip ? tf.reverse(prepared.input, 2) : prepared.input))) as tf.Tensor4D;
			const human = tf.concat(batch.map(({ prepared, flip }) => (prepared.human ? (flip ? tf.reverse(prepared.human, 2) : prepared.human) : tf.zeros([1, size, size])))) as tf.Tensor3D;
			const tokens = tf.tensor1d(batch.map(({ prepared }) => (prepared.human ? 1 : 0)));
			const oneHot = tf.oneHot(batch.map(({ prepared }) => prepared.label), this.classes).toFloat() as tf.Tensor2D;
			return { images, human, tokens, oneHot };
		});
	}

	/** One optimizer step on the next batch; returns the loss terms before the step. */
	async step(): Promise<StepReport> {
		const started = performance.now();
		const tensors = this.batchTensors(this.nextBatch());
		let terms: tf.Scalar[] = [];
		try {
			const { value, grads } = await withTrainingKernels(async () => {
				tf.dispose(terms);
				return tf.variableGrads(() => {
					const t = harmonizerLoss({ logitsOf: this.logitsOf, ...tensors, variables: this.variables, lambda: this.settings.lambda });
					terms = [t.crossEntropy, t.weights, t.harmonization].map((x) => tf.keep(x));
					return t.total;
				}, this.variables.map((v) => v.value));
			});
			this.optimizer.applyGradients(grads);
			const [total, crossEntropy, weights, harmonization] = await Promise.all([value, ...terms].map(async (t) => (await t.data())[0]!));
			tf.dispose([value, ...Object.values(grads)]);
			this.stepsDone++;
			return { step: this.stepsDone, total: total!, crossEntropy: crossEntropy!, weights: weights!, harmonization: harmonization!, seconds: (performance.now() - started) / 1000 };
		} finally {
			tf.dispose([...terms, ...Object.values(tensors)]);
		}
	}

	/** The held-out images: the loss's harmonization term and cross-entropy, and the alignment score. */
	async evaluate(batchSize = this.settings.batchSize): Promise<Evaluation> {
		const size = this.entry.inputSize;
		const humans: Record<string, HumanFeatureMap> = {};
		const saliency: Record<string, FeatureMap> = {};
		let harmonization = 0, crossEntropy = 0;
		for (let i = 0; i < this.heldOut.length; i += batchSize) {
			const batch = this.heldOut.slice(i, i + batchSize).map((image) => ({ prepared: this.prepared.get(image.image_id)!, flip: false }));
			const tensors = this.batchTensors(batch);
			const [h, ce, maps] = await withTrainingKernels<tf.Tensor[]>(async () =>
				tf.tidy(() => {
					const lossMaps = lossSaliency(this.logitsOf, tensors.images, tensors.oneHot);
					const term = harmonizationTerm(lossMaps, tensors.human, tensors.tokens);
					const ce = smoothedCrossEntropy(this.logitsOf(tensors.images), tensors.oneHot);
					// the evaluation's saliency: max over channels of |d logit_label / d x|, per image
					const gradient = tf.grad((x: tf.Tensor) => this.logitsOf(x as tf.Tensor4D).mul(tensors.oneHot).sum())(tensors.images);
					const perImage = batch.map((_, k) => maxAbsOverChannels(gradient.slice([k, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D));
					return [term, ce, tf.stack(perImage)];
				})
			);
			harmonization += (await h!.data())[0]! * batch.length;
			crossEntropy += (await ce!.data())[0]! * batch.length;
			const values = await maps!.data();
			batch.forEach(({ prepared }, k) => {
				saliency[prepared.image.image_id] = { width: size, height: size, data: Float64Array.from(values.subarray(k * size * size, (k + 1) * size * size)) };
				humans[prepared.image.image_id] = prepared.image.map!;
			});
			tf.dispose([h!, ce!, maps!, ...Object.values(tensors)]);
		}
		const report = featureReport(humans, saliency, { resolution: size });
		return { harmonization: harmonization / this.heldOut.length, crossEntropy: crossEntropy / this.heldOut.length, report, saliency };
	}

	/** Frees what the trainer made (inputs, maps, the optimizer's state); the model stays. */
	dispose(): void {
		for (const p of this.prepared.values()) tf.dispose([p.input, ...(p.human ? [p.human] : [])]);
		this.prepared.clear();
		this.optimizer.dispose();
	}
}
