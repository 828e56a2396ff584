/**
 * npm run neural:demo-presentation [-- --models DIR]
 *
 * Writes the SYNTHETIC presentation x neuroid demo of the neural-predictivity page and tests (the
 * standard Brain-Score variant, src/neural/brainscore.ts), static/neural/synthetic-presentation/
 * {responses.npy, responses.json}. Made up, and saying so ("synthetic": true, area "synthetic",
 * neuroids "synthetic 1..12"):
 *   images: the first IMAGES demo-set photos by file name (static/stimuli/photos);
 *   F = mobilenet-v1-0.25's layer SOURCE_LAYER averaged over positions (features.ts
 *       `flatFeatures` with a 1 x 1 grid: each channel's mean), each channel standardized over images;
 *   R[r, i, n] = sum_c F[i, c] W[c, n] / sqrt(C) + NOISE * e[r, i, n]   (REPETITIONS repetitions),
 *   W[c, n] = SHARED a[c] + sqrt(1 - SHARED^2) g[c, n], a, g, e standard normal from a fixed seed.
 * So the source layer should score best, and the split-half ceiling is below 1 (the trial noise).
 * The numbers depend on the model's weights (../shared/models) and TF.js's kernels.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadClassifier } from '../../src/inference/classifier.js';
import { defaultModelDir } from '../../src/inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../../src/inference/node.js';
import { modelEntry } from '../../src/inference/registry.js';
import { featureLayers, flatFeatures, layerFeatures } from '../../src/neural/features.js';
import { writeNpy } from '../../src/neural/npy.js';
import { rgbFromPng } from '../../src/stimuli/png.js';
import { seededRandom } from '../../src/stimuli/random.js';

export const DEMO_MODEL = 'mobilenet-v1-0.25';
export const SOURCE_LAYER = 'conv_pw_7_relu';
const IMAGES = 40, REPETITIONS = 4, NEUROIDS = 12, NOISE = 0.6, SHARED = 0.5, SEED = 'synthetic-presentation-2026';

const { values } = parseArgs({ options: { models: { type: 'string' } } });
const root = path.resolve(import.meta.dirname, '..', '..');
const names = (await readdir(path.join(root, 'static/stimuli/photos'))).filter((f) => f.endsWith('.png')).sort().slice(0, IMAGES);
await useFastestNodeBackend();
const entry = modelEntry(DEMO_MODEL);
const model = await loadClassifier(entry, localModelSource(entry, values.models ?? defaultModelDir()));
const images = await Promise.all(names.map(async (f) => rgbFromPng(new Uint8Array(await readFile(path.join(root, 'static/stimuli/photos', f))))));
const layer = (await featureLayers(model, images[0]!)).find((l) => l.name === SOURCE_LAYER)!;
const F = flatFeatures(await layerFeatures(model, images, layer, 1));
model.dispose();

const I = names.length, C = F.channels;
const z = new Float64Array(I * C);
for (let c = 0; c < C; c++) {
	let m = 0, v = 0;
	for (let i = 0; i < I; i++) m += F.data[i * C + c]!;
	m /= I;
	for (let i = 0; i < I; i++) v += (F.data[i * C + c]! - m) ** 2;
	const sd = Math.sqrt(v / I) || 1;
	for (let i = 0; i < I; i++) z[i * C + c] = (F.data[i * C + c]! - m) / sd;
}
const random = seededRandom(SEED);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const shared = Float64Array.from({ length: C }, gauss);
const W = Float64Array.from({ length: C * NEUROIDS }, (_, k) => SHARED * shared[Math.floor(k / NEUROIDS)]! + Math.sqrt(1 - SHARED ** 2) * gauss());
const R = new Float32Array(REPETITIONS * I * NEUROIDS);
for (let r = 0; r < REPETITIONS; r++)
	for (let i = 0; i < I; i++)
		for (let n = 0; n < NEUROIDS; n++) {
			let s = 0;
			for (let c = 0; c < C; c++) s += z[i * C + c]! * W[c * NEUROIDS + n]!;
			R[(r * I + i) * NEUROIDS + n] = s / Math.sqrt(C) + NOISE * gauss();
		}

const out = path.join(root, 'static/neural/synthetic-presentation');
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'responses.npy'), writeNpy([REPETITIONS, I, NEUROIDS], R));
const sidecar = {
	name: 'synthetic presentation x neuroid demo (not recordings)',
	images: names,
	area: 'synthetic',
	time_window_ms: null,
	neurons: Array.from({ length: NEUROIDS }, (_, n) => `synthetic ${n + 1}`),
	synthetic: true,
	made_by: `scripts/neural/demo-presentation.ts: ${DEMO_MODEL} layer ${SOURCE_LAYER} averaged over positions, standardized, random weights (shared part ${SHARED}), trial noise SD ${NOISE}, ${REPETITIONS} repetitions, seed ${SEED}`
};
await writeFile(path.join(out, 'responses.json'), JSON.stringify(sidecar, null, 2) + '\n');
console.log(`wrote the synthetic presentation demo (${REPETITIONS} repetitions x ${I} images x ${NEUROIDS} synthetic neuroids) to ${out}`);
