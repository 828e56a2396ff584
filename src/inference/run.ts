/**
 * A model run over stimuli: batched classification, optional saliency, progress with a time
 * estimate, cancellation. Each prediction becomes an answer by the stimulus set's task (its
 * decision mapping, src/stimuli/task.ts), and its correctness by the task's rule (`isCorrect`).
 * Results come in the trial shape people's answers have (observer = "model:<id>"), so the
 * analysis treats a model as just another observer.
 */
import type { RgbImage } from '../stimuli/image.js';
import { isCorrect, type Category, type DecisionRule, type Task } from '../stimuli/task.js';
import { decide, type ClassScore } from './classes.js';
import type { Classifier } from './classifier.js';
import type { Saliency } from './saliency.js';
import { formatObserver, modelObserver } from '../stimuli/observer.js';

export interface StimulusJob<C extends string = Category> {
	stimulus_id: string;
	image_id: string;
	category: C;
	reveal: number;
	level_index: number;
	imagenet_classes: number[];
	load(): Promise<RgbImage>;
}

export interface ModelTrial<C extends string = Category> {
	stimulus_id: string;
	observer: string;
	kind: 'model';
	image_id: string;
	category: C;
	reveal: number;
	level_index: number;
	response: C;
	/** The task's score of each category (for animal vs non-animal: P(animal), P(non_animal)). */
	scores: Record<C, number>;
	top5: ClassScore[];
	correct: boolean;
	/** At the model's input resolution; `saliencyAtStimulus` (saliency.ts) brings it to the stimulus. */
	saliency: Saliency | null;
}

export interface RunProgress {
	done: number;
	total: number;
	/** Estimated time left, ms (null until the first batch is done). */
	remainingMs: number | null;
}

export interface RunOptions<C extends string = Category> {
	/** The stimulus set's task (`taskOf(manifest)`): its decision mapping gives the answers. */
	task: Pick<Task<C>, 'categories' | 'decisionMapping'>;
	/** How probabilities become the answer (src/stimuli/task.ts DECISION_RULES); default top-1, the paper's. */
	rule?: DecisionRule;
	batchSize?: number;
	saliency?: boolean;
	signal?: AbortSignal;
	onProgress?: (progress: RunProgress) => void;
	/** Called with each batch's results as soon as they exist (e.g. to store them). */
	onBatch?: (trials: ModelTrial<C>[]) => Promise<void> | void;
}

export class RunCancelled extends Error {
	constructor(readonly done: number) {
		super(`the run was cancelled after ${done} stimuli`);
	}
}

export async function runModel<C extends string>(classifier: Classifier, jobs: readonly StimulusJob<C>[], options: RunOptions<C>): Promise<ModelTrial<C>[]> {
	const batchSize = options.batchSize ?? 16;
	const observer = formatObserver(modelObserver(classifier.entry.id));
	const results: ModelTrial<C>[] = [];
	const started = Date.now();
	options.onProgress?.({ done: 0, total: jobs.length, remainingMs: null });
	for (let i = 0; i < jobs.length; i += batchSize) {
		if (options.signal?.aborted) throw new RunCancelled(results.length);
		const batch = jobs.slice(i, i + batchSize);
		const images = await Promise.all(batch.map((job) => job.load()));
		const predictions = await classifier.classify(images);
		const trials: ModelTrial<C>[] = [];
		for (const [j, job] of batch.entries()) {
			const decision = decide(predictions[j]!, options.task, options.rule);
			trials.push({
				stimulus_id: job.stimulus_id,
				observer,
				kind: 'model',
				image_id: job.image_id,
				category: job.category,
				reveal: job.reveal,
				level_index: job.level_index,
				response: decision.response,
				scores: decision.scores,
				top5: decision.top5,
				correct: isCorrect(decision.response, job.category),
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

