/**
 * Features of a registered model for the spatial fit (#18 item 2): every stimulus image through
 * the model with the registry's preprocessing (`Classifier.activations`, src/inference/classifier.ts,
 * which preprocesses as `classify` does), each layer's activation map pooled to the recordings'
 * G x G grid (pool.ts). Used by the command line (`npm run neural -- features`) and the page's
 * worker alike.
 *
 * Which layers: every layer whose output is a spatial map larger than 1 x 1 (`featureLayers`):
 * the input layer (pixels, not the model) and dense or 1 x 1 outputs (no positions to fit) are
 * left out. Layers whose shape the model does not declare (graph models) are probed with the
 * first image.
 */
import type { Activations, LayerInfo } from '../inference/classifier.js';
import type { RgbImage } from '../stimuli/image.js';
import { poolBatch, spatialShape } from './pool.js';
import type { GridFeatures } from './spatial.js';

/** What features need of a loaded model: `Classifier`'s layer access. */
export interface LayerSource {
	layers(): LayerInfo[];
	activations(images: readonly RgbImage[], layer: string): Promise<Activations>;
}

export interface FeatureLayer {
	name: string;
	kind: string;
	/** [h, w, c] of one image's map. */
	shape: [number, number, number];
}

const usable = (shape: [number, number, number] | null): shape is [number, number, number] => shape !== null && shape[0] * shape[1] > 1;

/** The layers the fit uses, in the model's order (see the header). */
export async function featureLayers(model: LayerSource, probe: RgbImage): Promise<FeatureLayer[]> {
	const out: FeatureLayer[] = [];
	for (const l of model.layers()) {
		if (l.kind === 'InputLayer' || l.kind === 'Placeholder') continue;
		let shape = l.shape ? spatialShape(l.shape) : null;
		if (l.shape === null) {
			try {
				shape = spatialShape((await model.activations([probe], l.name)).shape.slice(1));
			} catch {
				shape = null;
			}
		}
		if (usable(shape)) out.push({ name: l.name, kind: l.kind, shape });
	}
	return out;
}

/** One layer's features for all images, pooled to G x G: F[image, gy, gx, channel] (float32). */
export async function layerFeatures(model: LayerSource, images: readonly RgbImage[], layer: FeatureLayer, grid: number, batch = 8): Promise<GridFeatures> {
	const [, , c] = layer.shape;
	const data = new Float32Array(images.length * grid * grid * c);
	for (let start = 0; start < images.length; start += batch) {
		const part = images.slice(start, start + batch);
		const a = await model.activations(part, layer.name);
		if (a.shape.length !== 4) throw new Error(`layer ${layer.name} gave activations of shape [${a.shape.join(', ')}], not a spatial map`);
		data.set(poolBatch(a.data, a.shape, grid), start * grid * grid * c);
	}
	return { images: images.length, grid, channels: c, data };
}

/**
 * Features for the standard Brain-Score variant (brainscore.ts): one vector per image. Brain-Score's
 * model tools (brainscore_vision/model_helpers/activations: `flatten`, then `LayerPCA`) flatten a
 * layer's whole output (channels x height x width) and, when that has more than 1000 units,
 * project it onto 1000 principal components fitted on 1000 ImageNet validation images. Without
 * ImageNet here we reduce the map instead by block-averaging it to a P x P grid (pool.ts, the
 * spatial fit's pooling) and flattening [gy, gx, channel]: P = 1 is global average pooling (each
 * channel's mean), larger P keeps coarse positions (P x P x C features). PLS (25 components,
 * centred) then maps them to the neuroids as in Brain-Score.
 */
export const flatFeatures = (f: GridFeatures): { channels: number; data: Float32Array | Float64Array } => ({ channels: f.grid * f.grid * f.channels, data: f.data });
