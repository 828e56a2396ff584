/** Model runs: the shared model list, a run's start and end, and its answers. */
import { allRows, query, type PlatformClient } from './client.js';
import type { Category } from '../stimuli/task.js';

export interface ModelRow {
	id: string;
	name: string;
	family: string;
	imagenet_top1: number | null;
	source_url: string;
}

/** Adds the model to the shared list unless it is there already. */
export async function ensureModel(client: PlatformClient, model: ModelRow): Promise<void> {
	const { data: session } = await client.auth.getSession();
	await query(
		client
			.from('models')
			.upsert({ ...model, imagenet_top1: Number.isFinite(model.imagenet_top1) ? model.imagenet_top1 : null, added_by: session.session?.user.id }, { onConflict: 'id', ignoreDuplicates: true })
	);
}

export interface NewModelRun {
	id: string;
	modelId: string;
	stimulusSetId: string;
	studyId?: string | null;
	/** The backend it ran on, or 'imported' for results computed elsewhere. */
	backend: string;
	config?: Record<string, unknown>;
	isTest?: boolean;
}

export async function startModelRun(client: PlatformClient, run: NewModelRun): Promise<void> {
	await query(
		client.from('model_runs').insert({
			id: run.id,
			model_id: run.modelId,
			stimulus_set_id: run.stimulusSetId,
			study_id: run.studyId ?? null,
			backend: run.backend,
			config: run.config ?? {},
			is_test: run.isTest ?? false
		})
	);
}

export interface ModelResultRow {
	id: string;
	stimulus_id: string;
	response: Category;
	/** The model's animal score; null for results imported without scores. */
	p_animal: number | null;
	top5: { class: number; p: number }[];
}

/** Stores results of a run; a repeated id is skipped (idempotent). */
export async function recordModelResults(client: PlatformClient, runId: string, results: ModelResultRow[]): Promise<void> {
	if (results.length === 0) return;
	await query(client.from('model_results').upsert(results.map((r) => ({ ...r, run_id: runId })), { onConflict: 'id', ignoreDuplicates: true }));
}

/** Ends a run; a failed one says why (`error`, the sentence the page showed; at most 2000 characters, as the table holds). */
export async function finishModelRun(client: PlatformClient, runId: string, outcome: 'done' | 'cancelled' | 'failed', stimuli: number, error?: string): Promise<void> {
	const why = outcome === 'failed' && error ? { error: error.slice(0, 2000) } : {};
	await query(client.from('model_runs').update({ status: outcome, n_stimuli: stimuli, finished_at: new Date().toISOString(), ...why }).eq('id', runId));
}

export interface ModelRunSummary {
	id: string;
	model_id: string;
	status: 'running' | 'done' | 'cancelled' | 'failed';
	is_test: boolean;
	/** What the run was asked for (levels, saliency, batch size, decision_rule). */
	config: Record<string, unknown>;
	started_at: string;
}

/** The runs on a stimulus set that the caller may read (their own, under row-level security). */
export function modelRunsOf(client: PlatformClient, setId: string): Promise<ModelRunSummary[]> {
	return allRows<ModelRunSummary>((from, to) =>
		client.from('model_runs').select('id, model_id, status, is_test, config, started_at').eq('stimulus_set_id', setId).order('started_at').range(from, to)
	);
}

/** A set's stimuli with their image's category: what imported answers are matched against. */
export async function setStimuli(client: PlatformClient, setId: string): Promise<{ id: string; image_id: string; reveal: number; category: Category }[]> {
	const [stimuli, images] = await Promise.all([
		allRows<{ id: string; image_id: string; reveal: number }>((from, to) => client.from('stimuli').select('id, image_id, reveal').eq('set_id', setId).order('id').range(from, to)),
		allRows<{ image_id: string; category: Category }>((from, to) => client.from('images').select('image_id, category').eq('set_id', setId).order('image_id').range(from, to))
	]);
	const category = new Map(images.map((i) => [i.image_id, i.category]));
	return stimuli.map((s) => ({ ...s, category: category.get(s.image_id)! }));
}

/** A past run as the models page's history shows it: its settings (config: levels, images, batch size, saliency, decision_rule, backend_choice) and how it ended. */
export interface ModelRunRecord {
	id: string;
	model_id: string;
	stimulus_set_id: string;
	backend: string;
	status: ModelRunSummary['status'];
	n_stimuli: number;
	config: Record<string, unknown>;
	is_test: boolean;
	started_at: string;
	finished_at: string | null;
	/** Why a failed run failed; null otherwise. */
	error: string | null;
}

/** The caller's own runs (row-level security), newest first. */
export function modelRunHistory(client: PlatformClient): Promise<ModelRunRecord[]> {
	return allRows<ModelRunRecord>((from, to) =>
		client
			.from('model_runs')
			.select('id, model_id, stimulus_set_id, backend, status, n_stimuli, config, is_test, started_at, finished_at, error')
			.order('started_at', { ascending: false })
			.order('id')
			.range(from, to)
	);
}

/** A run that may not be deleted: only its owner deletes it, and only when it failed. */
export class RunNotDeletedError extends Error {}

/** Deletes a failed run of the caller's, with its results and the saliency maps it stored (supabase/migrations/20261201040000_model_run_history.sql). */
export async function deleteFailedModelRun(client: PlatformClient, runId: string): Promise<void> {
	const deleted = await query<{ id: string }[]>(client.from('model_runs').delete().eq('id', runId).eq('status', 'failed').select('id'));
	if (deleted.length === 0) throw new RunNotDeletedError(`run ${runId} was not deleted: only a failed run of your own can be deleted (finished and cancelled runs are data the analysis reads)`);
}
