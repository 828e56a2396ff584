/**
 * The models page's runs: each chosen model on the chosen stimuli, in the model worker, stored as
 * it goes (model_runs, model_results, importance_maps of source model:<id>). A run's settings are
 * stored with it in model_runs.config (levels, images, batch size, saliency, decision_rule, and
 * backend_choice: which backend ran and why, src/inference/backends.ts). A run that fails is
 * stored as failed with the error's sentence, so the history shows it and it can be deleted.
 */
import { ensureModel, finishModelRun, importImportanceMaps, recordModelResults, startModelRun, type StimulusSetSummary } from '$data/index.js';
import { tallyByLevel, type LevelTally } from '$analysis/accuracy.js';
import type { BackendChoice } from '$inference/backends.js';
import type { ModelEntry } from '$inference/registry.js';
import type { ModelTrial } from '$inference/run.js';
import { saliencyAtStimulus, saliencyParams } from '$inference/saliency.js';
import { modelUrl, runInWorker, workerJobs, WorkerRunError } from '$inference/worker-client.js';
import type { WorkerJob } from '$inference/worker-protocol.js';
import { isTestVisit } from '$lib/test-data.js';
import { platformClient } from '$lib/platform.js';
import { loadStimulusSet, mapToPng, stableUuid } from '$stimuli/index.js';
import { formatObserver, modelObserver } from '$stimuli/observer.js';
import { sampleStimuli, STIMULUS_SAMPLE_SEED } from '$stimuli/sample.js';
import { taskOf, type DecisionRule, type TaskId } from '$stimuli/task.js';

export interface RunSettings {
	levels: 'all' | 'full';
	/** 'auto' (a measured probe) or a backend by name */
	backend: string;
	saliency: boolean;
	batchSize: number;
	rule: DecisionRule;
	/** at most this many stimuli (null: all) */
	limit: number | null;
}

export interface RunSummary {
	model: string;
	runId: string;
	rule: DecisionRule;
	backend: string | null;
	choice: BackendChoice | null;
	outcome: 'running' | 'done' | 'cancelled' | 'failed';
	error: string | null;
	stored: number;
	byLevel: Map<number, LevelTally>;
	maps: number;
}

export interface RunProgressView {
	model: string;
	done: number;
	total: number;
	remainingMs: number | null;
	backend: string | null;
}

export class ModelRunner {
	running = $state(false);
	current = $state<RunProgressView | null>(null);
	summaries = $state<RunSummary[]>([]);
	problem = $state<string | null>(null);
	/** Counts finished runs, so the history reloads after each. */
	finished = $state(0);
	#cancel: (() => void) | null = null;

	cancel() {
		this.#cancel?.();
	}

	async run(models: readonly ModelEntry[], set: StimulusSetSummary, settings: RunSettings) {
		this.problem = null;
		this.running = true;
		this.summaries = [];
		try {
			const loaded = await loadStimulusSet(set.base_url);
			const full = loaded.manifest.levels.length - 1;
			let stimuli = loaded.manifest.stimuli.filter((s) => settings.levels === 'all' || s.level_index === full);
			if (settings.limit) stimuli = sampleStimuli(stimuli, settings.limit, STIMULUS_SAMPLE_SEED); // balanced across categories and levels, seeded
			const jobs = workerJobs(loaded, stimuli, location.origin);
			const task = taskOf(loaded.manifest).id;
			for (const entry of models) await this.#runOne(entry, set, jobs, task, full, settings);
		} catch (error) {
			this.problem = (error as Error).message;
		} finally {
			this.running = false;
			this.current = null;
			this.#cancel = null;
		}
	}

	async #runOne(entry: ModelEntry, set: StimulusSetSummary, jobs: WorkerJob[], task: TaskId, fullLevel: number, settings: RunSettings) {
		const client = platformClient();
		const runId = crypto.randomUUID();
		this.summaries = [...this.summaries, { model: entry.id, runId, rule: settings.rule, backend: null, choice: null, outcome: 'running', error: null, stored: 0, byLevel: new Map(), maps: 0 }];
		// mutate the reactive copy, so the page shows each change
		const summary = this.summaries[this.summaries.length - 1]!;
		this.current = { model: entry.id, done: 0, total: jobs.length, remainingMs: null, backend: null };
		let started: Promise<void> | null = null;
		const begin = (backend: string, choice: BackendChoice | null) =>
			(started ??= ensureModel(client, { id: entry.id, name: entry.name, family: entry.family, imagenet_top1: entry.imagenetTop1, source_url: entry.upstreamUrl ?? entry.upstream }).then(() =>
				startModelRun(client, {
					id: runId,
					modelId: entry.id,
					stimulusSetId: set.id,
					backend,
					config: { levels: settings.levels, images: jobs.length, limit: settings.limit, saliency: settings.saliency, batchSize: settings.batchSize, decision_rule: settings.rule, backend_requested: settings.backend, backend_choice: choice },
					isTest: isTestVisit()
				})
			));
		const handle = runInWorker(
			{ type: 'run', entry: $state.snapshot(entry) as ModelEntry, modelUrl: await modelUrl(entry, location.origin), backend: settings.backend, jobs, task, rule: settings.rule, batchSize: settings.batchSize, saliency: settings.saliency },
			{
				onBackend: (name, choice) => {
					this.current = this.current && { ...this.current, backend: name };
					summary.backend = name;
					summary.choice = choice;
					void begin(name, choice);
				},
				onProgress: (p) => (this.current = this.current && { ...this.current, done: p.done, total: p.total, remainingMs: p.remainingMs }),
				onBatch: async (trials: ModelTrial[]) => {
					await started;
					await recordModelResults(client, runId, await Promise.all(trials.map(async (t) => ({
						id: await stableUuid(runId, t.stimulus_id), stimulus_id: t.stimulus_id, response: t.response, p_animal: t.scores.animal,
						top5: t.top5.map((c) => ({ class: c.class, p: c.p }))
					}))));
					const maps = trials.filter((t) => t.saliency && t.level_index === fullLevel);
					if (maps.length) {
						// the map comes at the model's input resolution; stored at the stimulus' (saliency.ts)
						await importImportanceMaps(client, set.id, formatObserver(modelObserver(entry.id)), maps.map((t) => {
							const map = saliencyAtStimulus(t.saliency!);
							return { image_id: t.image_id, width: map.width, height: map.height, png: mapToPng(map), params: { ...saliencyParams(t.saliency!), run_id: runId } };
						}));
						summary.maps += maps.length;
					}
					summary.byLevel = tallyByLevel(trials, summary.byLevel);
					summary.stored += trials.length;
				}
			}
		);
		this.#cancel = handle.cancel;
		try {
			const { outcome } = await handle.finished;
			summary.outcome = outcome;
			await started;
			await finishModelRun(client, runId, outcome, summary.stored);
		} catch (error) {
			const message = `${entry.id}: ${(error as Error).message}`;
			summary.outcome = 'failed';
			summary.error = message;
			// failed before a backend was chosen, while one was in use (loading the model): stored as failed there
			if (!started && error instanceof WorkerRunError && error.backend) void begin(error.backend, null);
			if (started) await (started as Promise<void>).then(() => finishModelRun(client, runId, 'failed', summary.stored, message)).catch(() => undefined);
			throw new Error(message);
		} finally {
			this.finished++;
		}
	}
}
