/** What a study's results page reads (the analyst views, under the caller's row-level security). */
import { allRows, query, type PlatformClient } from './client.js';
import type { DecisionTrial, Platform, SessionStatus } from './contracts.js';
import type { StoredTrial } from './trial-fields.js';
import type { ObserverKind } from '../stimuli/observer.js';

/** Rows stored at or after this time (ISO 8601), or every row when absent. */
export type Since = string | undefined;

/**
 * What a study's analysis reads: its people's answers, and every model's answers on the study's
 * stimulus set (a model's decisions do not depend on the study that asked for them). With
 * `since`, only the rows stored at or after that time (the live refresh's incremental fetch;
 * rows are keyed by `trial_id`, so a row fetched twice is merged, not doubled).
 */
export async function studyDecisionTrials(client: PlatformClient, study: { id: string; stimulus_set_id: string }, since: { people?: Since; models?: Since } = {}): Promise<DecisionTrial[]> {
	const [people, models] = await Promise.all([studyPeopleTrials(client, study.id, since.people), setModelTrials(client, study.stimulus_set_id, since.models)]);
	return [...people, ...models];
}

/** A study's people's answers (the participants table reads them for the exclusion check), optionally only those stored since a time. */
export function studyPeopleTrials(client: PlatformClient, studyId: string, since?: Since): Promise<DecisionTrial[]> {
	return allRows<DecisionTrial>((from, to) => {
		const rows = client.from('decision_trials').select('*').eq('study_id', studyId).eq('observer_kind', 'human');
		return (since ? rows.gte('created_at', since) : rows).order('created_at').order('trial_id').range(from, to);
	});
}

/**
 * The answers of some sessions of a study (what a full read of a large study uses: row-level
 * security is checked on every row a request considers, so a request narrowed to a few sessions
 * costs what its rows cost, where a page of the whole study costs the whole study).
 */
export function sessionsPeopleTrials(client: PlatformClient, studyId: string, sessionIds: readonly string[]): Promise<DecisionTrial[]> {
	return allRows<DecisionTrial>((from, to) =>
		client.from('decision_trials').select('*').eq('study_id', studyId).eq('observer_kind', 'human').in('session_id', sessionIds).order('created_at').order('trial_id').range(from, to)
	);
}

/** Every model's answers on a stimulus set, optionally only those stored since a time. */
export function setModelTrials(client: PlatformClient, setId: string, since?: Since): Promise<DecisionTrial[]> {
	return allRows<DecisionTrial>((from, to) => {
		const rows = client.from('decision_trials').select('*').eq('set_id', setId).eq('observer_kind', 'model');
		return (since ? rows.gte('created_at', since) : rows).order('created_at').order('trial_id').range(from, to);
	});
}

/** Sessions per request when trials are read by session: the ids go in the URL. */
const SESSIONS_PER_REQUEST = 50;

/** Every stored column of every trial of these sessions (public.trials as the owner reads it), for the raw export. */
export async function storedTrialsOf(client: PlatformClient, sessionIds: readonly string[]): Promise<StoredTrial[]> {
	const rows: StoredTrial[] = [];
	for (let i = 0; i < sessionIds.length; i += SESSIONS_PER_REQUEST) {
		const ids = sessionIds.slice(i, i + SESSIONS_PER_REQUEST);
		rows.push(...(await allRows<StoredTrial>((from, to) => client.from('trials').select('*').in('session_id', ids).order('session_id').order('trial_index').range(from, to))));
	}
	return rows;
}

export interface StudySession {
	study_id: string;
	session_id: string;
	/** The observer its answers carry (src/stimuli/observer.ts): a person, by participant id. */
	observer_kind: ObserverKind;
	observer_id: string;
	platform: Platform;
	status: SessionStatus;
	is_test: boolean;
	started_at: string;
	completed_at: string | null;
	main_trials: number;
}

/** One row per session of a study, for the live overview. */
export function studySessions(client: PlatformClient, studyId: string): Promise<StudySession[]> {
	return allRows<StudySession>((from, to) => client.from('study_sessions').select('*').eq('study_id', studyId).order('started_at').range(from, to));
}

export interface ModelInfo {
	id: string;
	name: string;
	family: string;
	imagenet_top1: number | null;
}

/** Every model the platform knows (name, family, published ImageNet top-1). */
export function listModels(client: PlatformClient): Promise<ModelInfo[]> {
	return query<ModelInfo[]>(client.from('models').select('id, name, family, imagenet_top1').order('id'));
}

/** How many maps each source (clickme, model:<id>, ...) has for a set. */
export async function mapSourcesOf(client: PlatformClient, setId: string): Promise<Record<string, number>> {
	const rows = await allRows<{ source: string }>((from, to) => client.from('importance_maps').select('source').eq('set_id', setId).order('id').range(from, to));
	const counts: Record<string, number> = {};
	for (const r of rows) counts[r.source] = (counts[r.source] ?? 0) + 1;
	return counts;
}

/** The fully revealed stimulus file of each image of a set (relative to the set's base_url). */
export async function fullRevealFiles(client: PlatformClient, setId: string): Promise<Record<string, string>> {
	const rows = await allRows<{ image_id: string; file: string }>((from, to) => client.from('stimuli').select('image_id, file').eq('set_id', setId).eq('reveal', 1).order('image_id').range(from, to));
	return Object.fromEntries(rows.map((r) => [r.image_id, r.file]));
}
