/**
 * A model run over stimuli: batched classification, optional saliency, progress with a time
 * estimate, cancellation. Results come in the trial shape people's answers have (observer =
 * "model:<id>"), so the analysis treats a model as just another observer.
 */
import type { ImportanceMap } from '../stimuli/importance-map.js';
import type { RgbImage } from '../stimuli/image.js';
import type { ClassScore } from './classes.js';
import type { Classifier } from './classifier.js';

export interface StimulusJob {
	stimulus_id: string;
	image_id: string;
	category: 'animal' | 'non_animal';
	reveal: number;
	level_index: number;
	imagenet_classes: number[];
	load(): Promise<RgbImage>;
}

export interface ModelTrial {
	stimulus_id: string;
	observer: string;
	kind: 'model';
	image_id: string;
	category: 'animal' | 'non_animal';
	reveal: number;
	level_index: number;
	response: 'animal' | 'non_animal';
	p_animal: number;
	top5: ClassScore[];
	correct: boolean;
	saliency: { map: ImportanceMap; target: number } | null;
}

export interface RunProgress {
	done: number;
	total: number;
	/** Estimated time left, ms (null until the first batch is done). */
	remainingMs: number | null;
}

export interface RunOptions {
	batchSize?: number;
	saliency?: boolean;
	signal?: AbortSignal;
	onProgress?: (progress: RunProgress) => void;
	/** Called with each batch's results as soon as they exist (e.g. to store them). */
	onBatch?: (trials: ModelTrial[]) => Promise<void> | void;
}

export class RunCancelled extends Error {
	constructor(readonly done: number) {
		super(`the run was cancelled after ${done} stimuli`);
	}
}

export async function runModel(classifier: Classifier, jobs: readonly StimulusJob[], options: RunOptions = {}): Promise<ModelTrial[]> {
	const batchSize = options.batchSize ?? 16;
	const observer = `model:${classifier.entry.id}`;
	const results: ModelTrial[] = [];
	const started = Date.now();
	options.onProgress?.({ done: 0, total: jobs.length, remainingMs: null });
	for (let i = 0; i < jobs.length; i += batchSize) {
		if (options.signal?.aborted) throw new RunCancelled(results.length);
		const batch = jobs.slice(i, i + batchSize);
		const images = await Promise.all(batch.map((job) => job.load()));
		const decisions = await classifier.classify(images);
		const trials: ModelTrial[] = [];
		for (const [j, job] of batch.entries()) {
			const decision = decisions[j]!;
			trials.push({
				stimulus_id: job.stimulus_id,
				observer,
				kind: 'model',
				image_id: job.image_id,
				category: job.category,
				reveal: job.reveal,
				level_index: job.level_index,
				response: decision.response,
				p_animal: decision.p_animal,
				top5: decision.top5,
				correct: decision.response === job.category,
				saliency: options.saliency ? await classifier.saliency(images[j]!, job.imagenet_classes) : null
			});
		}
		await options.onBatch?.(trials);
		results.push(...trials);
		const elapsed = Date.now() - started;
		options.onProgress?.({ done: results.length, total: jobs.length, remainingMs: (elapsed / results.length) * (jobs.length - results.length) });
	}
	return results;
}

