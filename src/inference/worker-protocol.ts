/** Messages between a page and the model worker. */
import type { ModelEntry } from './registry.js';
import type { ModelTrial, RunProgress } from './run.js';

export interface WorkerJob {
	stimulus_id: string;
	image_id: string;
	category: 'animal' | 'non_animal';
	reveal: number;
	level_index: number;
	imagenet_classes: number[];
	/** Absolute URL of the stimulus file, and its sha256 from the manifest. */
	url: string;
	sha256: string;
}

export type WorkerRequest =
	| { type: 'run'; entry: ModelEntry; modelUrl: string; backend: string; jobs: WorkerJob[]; batchSize: number; saliency: boolean }
	| { type: 'cancel' };

export type WorkerMessage =
	| { type: 'backend'; backend: string }
	| ({ type: 'progress'; tensors: number } & RunProgress)
	| { type: 'batch'; trials: ModelTrial[] }
	| { type: 'done'; backend: string }
	| { type: 'cancelled'; done: number }
	| { type: 'error'; message: string };
