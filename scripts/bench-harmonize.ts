/**
 * npm run bench:harmonize -- [--models mobilenet-v1-0.25] [--backends wasm,cpu] [--batch 4] [--steps 3]
 *
 * Training steps per second of the neural harmonizer (src/harmonizer) for each Node backend here
 * (WASM, CPU; WebGPU when Node has `navigator.gpu`), next to the same steps without the saliency
 * term (cross-entropy + weight decay only: no gradient of a gradient), so the cost of
 * harmonization is a ratio measured in the same run, on the same batch of demo photos with
 * centre-bias maps standing in for people's maps (the cost does not depend on the maps). One
 * warm-up step each, then --steps timed steps. Not a test: figures only.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { selectBestBackend, type BackendName } from '../src/inference/backends.js';
import { defaultModelDir } from '../src/inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../src/inference/node.js';
import { preprocessBatch } from '../src/inference/preprocess.js';
import { modelEntry } from '../src/inference/registry.js';
import { centerBiasMap } from '../src/stimuli/importance-map.js';
import { rgbFromPng } from '../src/stimuli/png.js';
import { loadTrainable } from '../src/harmonizer/load.js';
import { LAMBDA_WEIGHTS, smoothedCrossEntropy, weightDecay } from '../src/harmonizer/loss.js';
import { Harmonizer, withTrainingKernels } from '../src/harmonizer/train.js';

const { values } = parseArgs({
	options: {
		models: { type: 'string', default: 'mobilenet-v1-0.25' },
		backends: { type: 'string' },
		batch: { type: 'string', default: '4' },
		steps: { type: 'string', default: '3' }
	}
});
const batch = Number(values.batch), steps = Number(values.steps);
const photos = (JSON.parse(readFileSync('static/stimuli/photos/photos.json', 'utf8')).images as { id: string; file: string; imagenet_classes: number[] }[]).slice(0, batch * 2);
const images = photos.map((p) => {
	const image = rgbFromPng(readFileSync(path.join('static/stimuli/photos', p.file)));
	return { image_id: p.id, image, classes: p.imagenet_classes, map: centerBiasMap(image.width, image.height) };
});

const wanted = (values.backends?.split(',') ?? ['webgpu', 'wasm', 'cpu']) as BackendName[];
const available: BackendName[] = [];
for (const b of wanted) {
	if (b === 'webgpu' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) continue;
	try {
		if (b === 'wasm' || b === 'cpu') await useFastestNodeBackend(b);
		else await selectBestBackend([b]);
		available.push(b);
	} catch {
		console.log(`${b}: not available here`);
	}
}

console.log(`batch ${batch}, ${steps} timed steps after one warm-up; steps per second (seconds per step)`);
console.log(`${'model'.padEnd(20)} ${'backend'.padEnd(8)} ${'harmonizer'.padStart(18)} ${'CE + decay only'.padStart(18)} ${'cost ratio'.padStart(11)}`);
for (const id of values.models.split(',')) {
	const entry = modelEntry(id);
	for (const backend of available) {
		if (backend === 'wasm' || backend === 'cpu') await useFastestNodeBackend(backend);
		else await selectBestBackend([backend]);
		const model = await loadTrainable(entry, localModelSource(entry, defaultModelDir()));
		const harmonizer = await Harmonizer.create(model, entry, images, { lambda: 1, steps, learningRate: 1e-5, batchSize: batch, optimizer: 'adam', seed: 1, heldOut: 0.5, flip: false });
		await harmonizer.step();
		let start = performance.now();
		for (let i = 0; i < steps; i++) await harmonizer.step();
		const withSaliency = (performance.now() - start) / steps / 1000;

		// the same model, batch and optimizer without the saliency term
		const logitsModel = entry.logitsLayer ? tf.model({ inputs: model.inputs, outputs: model.getLayer(entry.logitsLayer).output as tf.SymbolicTensor }) : model;
		const variables = model.trainableWeights.map((w) => ({ name: w.originalName, value: w.read() as tf.Variable }));
		const optimizer = tf.train.adam(1e-5);
		const x = preprocessBatch(images.slice(0, batch).map((i) => i.image), entry.inputSize, entry.preprocessing);
		const oneHot = tf.oneHot(images.slice(0, batch).map((i) => i.classes[0]! + (entry.outputOrder.kind === 'background-first' ? 1 : 0)), entry.outputOrder.kind === 'background-first' ? 1001 : 1000).toFloat() as tf.Tensor2D;
		const plainStep = () =>
			withTrainingKernels(async () => {
				const { value, grads } = tf.variableGrads(() => {
					const logits = (logitsModel.apply(x, { training: false }) as tf.Tensor).reshape([batch, -1]) as tf.Tensor2D;
					return smoothedCrossEntropy(logits, oneHot).add(weightDecay(variables).mul(LAMBDA_WEIGHTS)) as tf.Scalar;
				}, variables.map((v) => v.value));
				optimizer.applyGradients(grads);
				await value.data();
				tf.dispose([value, ...Object.values(grads)]);
			});
		await plainStep();
		start = performance.now();
		for (let i = 0; i < steps; i++) await plainStep();
		const plain = (performance.now() - start) / steps / 1000;
		tf.dispose([x, oneHot]);
		optimizer.dispose();
		harmonizer.dispose();
		model.dispose();
		const cell = (s: number) => `${(1 / s).toFixed(3)} (${s.toFixed(2)} s)`.padStart(18);
		console.log(`${id.padEnd(20)} ${backend.padEnd(8)} ${cell(withSaliency)} ${cell(plain)} ${`${(withSaliency / plain).toFixed(1)}x`.padStart(11)}`);
	}
}
process.exit(0);
