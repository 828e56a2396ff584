import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../inference/classifier.js';
import { defaultModelDir } from '../inference/model-dir.js';
import { localModelSource, useFastestNodeBackend } from '../inference/node.js';
import { modelEntry } from '../inference/registry.js';
import { rgbFromPng } from '../stimuli/png.js';
import { featureLayers, layerFeatures } from './features.js';

const MODEL_DIR = defaultModelDir();
const missing = !existsSync(MODEL_DIR);
const photo = (name: string) => rgbFromPng(new Uint8Array(readFileSync(new URL(`../../static/stimuli/photos/${name}`, import.meta.url))));

describe.skipIf(missing)(`features of a real model${missing ? ` (skipped: no model folder at ${MODEL_DIR}; set MODEL_DIR)` : ''}`, () => {
	it('lists the spatial layers of mobilenet-v1-0.25 and pools their activations to the grid', async () => {
		await useFastestNodeBackend();
		const entry = modelEntry('mobilenet-v1-0.25');
		const model = await loadClassifier(entry, localModelSource(entry, MODEL_DIR));
		try {
			const images = [photo('bee.png'), photo('bison.png')];
			const layers = await featureLayers(model, images[0]!);
			// every layer but the input, the pooled vector, the 1 x 1 maps and the last reshape
			expect(layers[0]).toEqual({ name: 'conv1', kind: 'Conv2D', shape: [112, 112, 8] });
			expect(layers.at(-1)).toEqual({ name: 'conv_pw_13_relu', kind: 'Activation', shape: [7, 7, 256] });
			expect(layers.some((l) => ['input_1', 'global_average_pooling2d_1', 'conv_preds', 'reshape_2'].includes(l.name))).toBe(false);
			// a 14 x 14 map to a 2 x 2 grid: each cell the mean of a 7 x 7 block
			const layer = layers.find((l) => l.name === 'conv_pw_7_relu')!;
			const raw = await model.activations(images, layer.name);
			const pooled = await layerFeatures(model, images, layer, 2, 1);
			const C = 128;
			for (const [i, gy, gx, c] of [[0, 0, 0, 0], [1, 1, 0, 5], [0, 1, 1, 127]] as const) {
				let sum = 0;
				for (let y = 7 * gy; y < 7 * gy + 7; y++) for (let x = 7 * gx; x < 7 * gx + 7; x++) sum += raw.data[((i * 14 + y) * 14 + x) * C + c]!;
				expect(pooled.data[((i * 2 + gy) * 2 + gx) * C + c]).toBeCloseTo(sum / 49, 5);
			}
		} finally {
			model.dispose();
		}
	});
});
