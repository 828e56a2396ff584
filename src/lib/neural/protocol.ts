/** Messages between the neural-predictivity page and its Web Worker (worker.ts). */
import type { ModelEntry } from '../../inference/registry.js';
import type { SpatialReport } from '../../neural/report.js';
import type { Correlation, LayerScore } from '../../neural/spatial.js';

export interface AnalyseRequest {
	type: 'analyse';
	/** Names the dataset in the worker's feature cache (its id, or a hash of its files). */
	datasetKey: string;
	rec: { images: number; grid: number; neurons: number; data: Float32Array | Float64Array };
	images: { name: string; bytes: Uint8Array }[];
	models: { entry: ModelEntry; url: string }[];
	correlation: Correlation;
	components: number;
	/** Layer names (or parts of names) to fit; null: every spatial layer. */
	layers: string[] | null;
}

export type NeuralRequest = AnalyseRequest | { type: 'cancel' };

/** Per image: the mean over neurons of the recorded map and of the best layer's prediction (G x G). */
export interface ImageMaps {
	recorded: Float64Array[];
	predicted: Float64Array[];
}

export type NeuralMessage =
	| { type: 'backend'; backend: string }
	| { type: 'layers'; model: string; layers: string[] }
	| { type: 'layer'; model: string; layer: string; index: number; total: number; score: LayerScore; cached: boolean; ms: number }
	| { type: 'model-done'; model: string; report: SpatialReport; maps: ImageMaps }
	| { type: 'done' }
	| { type: 'cancelled' }
	| { type: 'error'; message: string };
