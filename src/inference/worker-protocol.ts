/** Messages between a page and the model worker. */
import type { DecisionRule, TaskId } from '../stimuli/task.js';
import type { BackendChoice, BackendStatus } from './backends.js';
import type { ModelEntry } from './registry.js';
import type { ModelTrial, RunProgress, StimulusJob } from './run.js';

/** A stimulus for the worker: a run job without the loader, plus where to fetch it and its sha256. */
export type WorkerJob = Omit<StimulusJob, 'load'> & { url: string; sha256: string };

export type WorkerRequest =
	| {
			type: 'run';
			entry: ModelEntry;
			modelUrl: string;
			backend: string;
			jobs: WorkerJob[];
			/** The stimulus set's task (`taskOf(manifest).id`): how predictions become answers. */
			task: TaskId;
			/** How predictions become answers (default top-1, the paper's rule). */
			rule?: DecisionRule;
			batchSize: number;
			saliency: boolean;
			/** Run the first job once, unrecorded, before starting (for benchmarks: first calls compile shaders and kernels). */
			warmUp?: boolean;
		}
	| { type: 'cancel' }
	/** Which backends this worker can run (the page's list shows what the runs really have). */
	| { type: 'backends' };

export type WorkerMessage =
	/** The backend chosen, and why (a measured probe, or by hand). */
	| { type: 'backend'; backend: string; choice: BackendChoice }
	| { type: 'backends'; statuses: BackendStatus[] }
	| { type: 'ready' }
	| ({ type: 'progress'; tensors: number } & RunProgress)
	| { type: 'batch'; trials: ModelTrial[] }
	| { type: 'done'; backend: string }
	| { type: 'cancelled'; done: number }
	/** `backend`: the backend in use when it failed (null before any was set up). */
	| { type: 'error'; message: string; backend: string | null };
