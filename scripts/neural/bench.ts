/**
 * npm run bench:neural [-- --model mobilenet-v1-0.25] [--layers a,b] [--correlation spearman|pearson] [--models DIR] [--backend wasm|cpu]
 *
 * A benchmark, not a test: features plus the spatial fit for one model on the synthetic demo
 * dataset (static/neural/synthetic-demo, its images from static/stimuli/photos), printing per
 * layer the time to compute and pool its features and the time of the leave-one-image-out fit,
 * then the totals. The same modules as the page's worker and `npm run neural`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadClassifier } from '../../src/inference/classifier.js';
import { defaultModelDir } from '../../src/inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../../src/inference/node.js';
import { modelEntry } from '../../src/inference/registry.js';
import { featureLayers, layerFeatures } from '../../src/neural/features.js';
import { datasetFromNpy } from '../../src/neural/recordings.js';
import { neuronCeilings, scoreLayer, type Correlation } from '../../src/neural/spatial.js';
import { rgbFromPng } from '../../src/stimuli/png.js';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'mobilenet-v1-0.25' }, layers: { type: 'string' }, correlation: { type: 'string', default: 'spearman' }, models: { type: 'string' }, backend: { type: 'string' } } });
const root = path.resolve(import.meta.dirname, '..', '..');
const demo = path.join(root, 'static/neural/synthetic-demo');
const dataset = datasetFromNpy(new Uint8Array(await readFile(path.join(demo, 'responses.npy'))), 'responses.npy', await readFile(path.join(demo, 'responses.json'), 'utf8'), 'responses.json');
const images = await Promise.all(dataset.imageNames.map(async (f) => rgbFromPng(new Uint8Array(await readFile(path.join(root, 'static/stimuli/photos', f))))));
const backend = await useFastestNodeBackend(values.backend as 'wasm' | 'cpu' | undefined);
const entry = modelEntry(values.model!);
let started = performance.now();
const model = await loadClassifier(entry, localModelSource(entry, values.models ?? defaultModelDir()));
const loadMs = performance.now() - started;
let layers = await featureLayers(model, images[0]!);
if (values.layers) layers = layers.filter((l) => values.layers!.split(',').includes(l.name));
const correlation = values.correlation as Correlation;
const ceilings = neuronCeilings(dataset, correlation);
console.log(`${entry.id} on ${backend}, synthetic demo: ${dataset.images} images, ${dataset.grid} x ${dataset.grid}, ${dataset.neurons} neurons, ${correlation}; model loaded in ${loadMs.toFixed(0)} ms`);
console.log('layer'.padEnd(28), 'map'.padEnd(12), 'features ms', 'fit ms', 'score');
let featureTotal = 0, fitTotal = 0;
for (const layer of layers) {
	started = performance.now();
	const f = await layerFeatures(model, images, layer, dataset.grid);
	const featureMs = performance.now() - started;
	started = performance.now();
	const s = scoreLayer(dataset, f, ceilings, { correlation });
	const fitMs = performance.now() - started;
	featureTotal += featureMs;
	fitTotal += fitMs;
	console.log(layer.name.padEnd(28), layer.shape.join('x').padEnd(12), featureMs.toFixed(0).padStart(11), fitMs.toFixed(0).padStart(6), s.score.toFixed(3));
}
model.dispose();
console.log(`${layers.length} layers: features ${(featureTotal / 1000).toFixed(1)} s, fits ${(fitTotal / 1000).toFixed(1)} s, total ${((featureTotal + fitTotal) / 1000).toFixed(1)} s`);
