/**
 * npm run neural:demo [-- --models DIR]
 *
 * Writes the SYNTHETIC demo dataset of the neural-predictivity page and tests,
 * static/neural/synthetic-demo/{responses.npy, responses.json}. No spatially resolved recording
 * can be downloaded here, so these responses are made up, and say so ("synthetic": true, area
 * "synthetic", names starting "synthetic"):
 *   images: the 6 demo-set photos in IMAGES (static/stimuli/photos);
 *   F = mobilenet-v1-0.25's layer SOURCE_LAYER, pooled to a 7 x 7 grid (src/neural/features.ts),
 *       each channel standardized over all images and positions;
 *   R[i, gy, gx, n] = sum_c F[i, gy, gx, c] W[c, n] / sqrt(C) + NOISE * e[i, gy, gx, n],
 *   W[c, n] = SHARED a[c] + sqrt(1 - SHARED^2) g[c, n] and e with a, g, e standard normal from a
 *   fixed seed (src/stimuli/random.ts), 16 neurons.
 * So the source layer should score best, and its neighbours well. The numbers depend on the
 * model's weights (../shared/models) and TF.js's kernels; rerun to regenerate.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadClassifier } from '../../src/inference/classifier.js';
import { defaultModelDir } from '../../src/inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../../src/inference/node.js';
import { modelEntry } from '../../src/inference/registry.js';
import { featureLayers, layerFeatures } from '../../src/neural/features.js';
import { writeNpy } from '../../src/neural/npy.js';
import { rgbFromPng } from '../../src/stimuli/png.js';
import { seededRandom } from '../../src/stimuli/random.js';

export const DEMO_MODEL = 'mobilenet-v1-0.25';
export const SOURCE_LAYER = 'conv_pw_7_relu';
/** Sorted by name: the order `npm run neural -- features` reads a folder in. */
export const IMAGES = ['alpaca.png', 'baseball.png', 'bee.png', 'bison.png', 'bucket.png', 'butterfly.png'];
const GRID = 7, NEURONS = 16, NOISE = 0.5, SHARED = 0.8, SEED = 'synthetic-demo-2026';

const { values } = parseArgs({ options: { models: { type: 'string' } } });
const root = path.resolve(import.meta.dirname, '..', '..');
await useFastestNodeBackend();
const entry = modelEntry(DEMO_MODEL);
const model = await loadClassifier(entry, localModelSource(entry, values.models ?? defaultModelDir()));
const images = await Promise.all(IMAGES.map(async (f) => rgbFromPng(new Uint8Array(await readFile(path.join(root, 'static/stimuli/photos', f))))));
const layer = (await featureLayers(model, images[0]!)).find((l) => l.name === SOURCE_LAYER)!;
const F = await layerFeatures(model, images, layer, GRID);
model.dispose();

const rows = F.images * GRID * GRID, C = F.channels;
const z = new Float64Array(rows * C);
for (let c = 0; c < C; c++) {
	let m = 0, v = 0;
	for (let r = 0; r < rows; r++) m += F.data[r * C + c]!;
	m /= rows;
	for (let r = 0; r < rows; r++) v += (F.data[r * C + c]! - m) ** 2;
	const sd = Math.sqrt(v / rows) || 1;
	for (let r = 0; r < rows; r++) z[r * C + c] = (F.data[r * C + c]! - m) / sd;
}
const random = seededRandom(SEED);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
// weights share a component, so the synthetic neurons resemble each other as recorded IT neurons
// do (their maps correlate: the ceiling is each neuron's best correlation with another)
const shared = Float64Array.from({ length: C }, gauss);
const W = Float64Array.from({ length: C * NEURONS }, (_, k) => SHARED * shared[Math.floor(k / NEURONS)]! + Math.sqrt(1 - SHARED ** 2) * gauss());
const R = new Float32Array(rows * NEURONS);
for (let r = 0; r < rows; r++)
	for (let n = 0; n < NEURONS; n++) {
		let s = 0;
		for (let c = 0; c < C; c++) s += z[r * C + c]! * W[c * NEURONS + n]!;
		R[r * NEURONS + n] = s / Math.sqrt(C) + NOISE * gauss();
	}

const out = path.join(root, 'static/neural/synthetic-demo');
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'responses.npy'), writeNpy([F.images, GRID, GRID, NEURONS], R));
const sidecar = {
	name: 'synthetic demo (not recordings)',
	images: IMAGES,
	grid: GRID,
	area: 'synthetic',
	time_window_ms: null,
	neurons: Array.from({ length: NEURONS }, (_, n) => `synthetic ${n + 1}`),
	synthetic: true,
	made_by: `scripts/neural/demo-dataset.ts: ${DEMO_MODEL} layer ${SOURCE_LAYER} pooled to ${GRID} x ${GRID}, standardized, random weights (shared part ${SHARED}), noise SD ${NOISE}, seed ${SEED}`
};
await writeFile(path.join(out, 'responses.json'), JSON.stringify(sidecar, null, 2) + '\n');
console.log(`wrote the synthetic demo dataset (${F.images} images, ${GRID} x ${GRID}, ${NEURONS} synthetic neurons) to ${out}`);
