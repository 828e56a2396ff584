/** Messages between the neural-predictivity page and its Web Worker (worker.ts). */
import type { ModelEntry } from '../../inference/registry.js';
import type { BrainScoreReport, BrainScoreResult, PresentationRecordings } from '../../neural/brainscore.js';
import type { SpatialReport } from '../../neural/report.js';
import type { Correlation, LayerScore, Recordings } from '../../neural/spatial.js';

interface AnalyseCommon {
	type: 'analyse';
	/** Names the dataset in the feature cache (its stored id). */
	datasetKey: string;
	images: { name: string; bytes: Uint8Array }[];
	models: { entry: ModelEntry; url: string }[];
	components: number;
	/** Layer names (or parts of names) to fit; null: every spatial layer. */
	layers: string[] | null;
}

/** The spatial fit (the 2023 paper): features pooled to the recordings' grid. */
export interface SpatialRequest extends AnalyseCommon {
	kind: 'spatial';
	rec: Recordings;
	correlation: Correlation;
}

/** The standard Brain-Score variant: features block-averaged to featureGrid x featureGrid and flattened. */
export interface PresentationRequest extends AnalyseCommon {
	kind: 'presentation';
	rec: PresentationRecordings;
	featureGrid: number;
}

export type AnalyseRequest = SpatialRequest | PresentationRequest;

export type NeuralRequest = AnalyseRequest | { type: 'cancel' };

/** Per image: the mean over neurons of the recorded map and of the best layer's prediction (G x G). */
export interface ImageMaps {
	recorded: Float64Array[];
	predicted: Float64Array[];
}

/** One model's results, by kind. */
export type ModelResult = { kind: 'spatial'; report: SpatialReport; maps: ImageMaps } | { kind: 'presentation'; report: BrainScoreReport };

export type NeuralMessage =
	| { type: 'backend'; backend: string }
	| { type: 'layers'; model: string; layers: string[] }
	| { type: 'layer'; model: string; layer: string; index: number; total: number; score: LayerScore | BrainScoreResult; cached: boolean; ms: number }
	| { type: 'model-done'; model: string; result: ModelResult }
	| { type: 'done' }
	| { type: 'cancelled' }
	| { type: 'error'; message: string };
