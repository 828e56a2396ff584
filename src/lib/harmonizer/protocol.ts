/** Messages between /models/harmonize and its Web Worker (harmonize-worker.ts). */
import type { FeatureMap, HumanFeatureMap } from '../../analysis/features.js';
import type { ModelEntry } from '../../inference/registry.js';
import type { EvaluationSummary, Provenance } from '../../harmonizer/model.js';
import type { HarmonizeSettings, StepReport } from '../../harmonizer/train.js';
import type { Category } from '../../stimuli/task.js';

/** One image of the set: where the worker fetches it (checked against the manifest's sha256), its labels and map. */
export interface ImageJob {
	image_id: string;
	url: string;
	sha256: string;
	classes: number[];
	category: Category;
	map: HumanFeatureMap | null;
}

export type HarmonizeRequest =
	| {
			type: 'start';
			entry: ModelEntry;
			modelUrl: string;
			backend: string;
			images: ImageJob[];
			settings: HarmonizeSettings;
			evaluateEvery: number;
			/** What the provenance names: the set and the map source. */
			mapSet: string;
			mapSource: string;
	  }
	| { type: 'stop' }
	| { type: 'save'; entry: ModelEntry };

/** Held-out images, before or after: the numbers and each image's saliency and Spearman. */
export interface HeldOutResult {
	after: number;
	summary: EvaluationSummary;
	/** featureReport's per-image scores (src/analysis/features.ts) and the evaluation's saliency map. */
	perImage: Record<string, { spearman: number | null; iou: number | null; dice: number | null; saliency: FeatureMap }>;
}

/** Clean-image accuracy (src/harmonizer/model.ts cleanAccuracy) and on which photos: the page measures the held-out images. */
export interface Accuracy {
	top1: number;
	animal: number;
	photos: number;
}

export type HarmonizeMessage =
	| { type: 'ready'; backend: string; backendReason: string; train: number; trainWithMaps: number; heldOut: string[] }
	| { type: 'step'; report: StepReport; of: number }
	| { type: 'evaluation'; result: HeldOutResult }
	| { type: 'done'; stopped: boolean; before: HeldOutResult; after: HeldOutResult; accuracyBefore: Accuracy; accuracyAfter: Accuracy; provenance: Provenance }
	| { type: 'saved'; entry: ModelEntry }
	| { type: 'error'; message: string };
