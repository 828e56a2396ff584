/**
 * The spatial analysis of one model, as the command line writes it and the page shows it (#18
 * item 6): {"correlation", "ceiling": {"mean"}, "layers": {"<layer>": {"score", "sd",
 * "per_image"}}, "best_layer", "best_score"}, and beside them the appendix variant
 * (`appendix`: half the training images choose the layer) and the components asked. Numbers that
 * are undefined (no neuron with a positive ceiling) are null.
 */
import { finiteOrNull, percentile } from '../analysis/stats.js';
import { seededRandom } from '../stimuli/random.js';
import {
	bestLayer,
	chosenLayerVariant,
	DEFAULT_COMPONENTS,
	meanCeiling,
	neuronCeilings,
	scoreLayer,
	type Correlation,
	type FitOptions,
	type GridFeatures,
	type LayerScore,
	type Recordings
} from './spatial.js';

export interface LayerReport {
	score: number | null;
	sd: number | null;
	per_image: (number | null)[];
}

export interface SpatialReport {
	correlation: Correlation;
	ceiling: { mean: number | null };
	layers: Record<string, LayerReport>;
	best_layer: string | null;
	best_score: number | null;
	appendix: { score: number | null; sd: number | null; per_image: { layer: string | null; score: number | null }[] };
	components: number;
}

export const layerReport = (s: LayerScore): LayerReport => ({ score: finiteOrNull(s.score), sd: finiteOrNull(s.sd), per_image: s.per_image });

/** Assembles the report from per-layer scores (in layer order). */
export function spatialReport(scores: Record<string, LayerScore>, ceilings: readonly Float64Array[], images: number, options: FitOptions = {}): SpatialReport {
	const best = bestLayer(scores);
	const appendix = chosenLayerVariant(scores, images);
	return {
		correlation: options.correlation ?? 'spearman',
		ceiling: { mean: finiteOrNull(meanCeiling(ceilings)) },
		layers: Object.fromEntries(Object.entries(scores).map(([name, s]) => [name, layerReport(s)])),
		best_layer: best.layer,
		best_score: finiteOrNull(best.score),
		appendix: { score: finiteOrNull(appendix.score), sd: finiteOrNull(appendix.sd), per_image: appendix.per_image },
		components: options.components ?? DEFAULT_COMPONENTS
	};
}

/** Scores every layer (features loaded one at a time by `load`) and assembles the report. */
export async function scoreAllLayers(
	rec: Recordings,
	layerNames: readonly string[],
	load: (layer: string) => Promise<GridFeatures> | GridFeatures,
	options: FitOptions = {},
	onLayer?: (layer: string, index: number, score: LayerScore) => void
): Promise<SpatialReport> {
	const ceilings = neuronCeilings(rec, options.correlation ?? 'spearman');
	const scores: Record<string, LayerScore> = {};
	for (const [i, name] of layerNames.entries()) {
		scores[name] = scoreLayer(rec, await load(name), ceilings, options);
		onLayer?.(name, i, scores[name]);
	}
	return spatialReport(scores, ceilings, rec.images, options);
}

/**
 * The 95 % interval of a model's score for the accuracy-vs-predictivity plot (the paper's Fig. 3):
 * bootstrap over held-out images. Resample the best layer's per-image scores with replacement
 * `resamples` times (seeded), take each resample's mean; the interval is the 2.5th and 97.5th
 * percentiles of those means (linear interpolation, numpy's default).
 */
export function bootstrapInterval(perImage: readonly (number | null)[], resamples = 1000, seed = 'neural-bootstrap'): [number, number] | null {
	const v = perImage.filter((x): x is number => x !== null && Number.isFinite(x));
	if (v.length === 0) return null;
	const random = seededRandom(seed, v.length);
	const means = new Float64Array(resamples);
	for (let b = 0; b < resamples; b++) {
		let s = 0;
		for (let i = 0; i < v.length; i++) s += v[Math.floor(random() * v.length)]!;
		means[b] = s / v.length;
	}
	return [percentile(means, 2.5), percentile(means, 97.5)];
}
