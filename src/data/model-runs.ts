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

export async function finishModelRun(client: PlatformClient, runId: string, outcome: 'done' | 'cancelled' | 'failed', stimuli: number): Promise<void> {
	await query(client.from('model_runs').update({ status: outcome, n_stimuli: stimuli, finished_at: new Date().toISOString() }).eq('id', runId));
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
