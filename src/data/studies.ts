/**
 * A researcher's study settings (issue 15): read one study, save its title, description, config
 * and status, hide (delete) and restore it, duplicate it, and the size of its stimulus set for the
 * design checks. The settings themselves are checked in src/experiments/config.ts before they
 * are sent; the database's constraints are the last word, and their errors come back here as
 * sentences (explainStudyError), never as raw constraint errors.
 */
import { DataError, query, rpc, type PlatformClient } from './client.js';
import type { StudyStatus } from './contracts.js';
import { STUDY_COLUMNS, type StudySummary } from './researchers.js';
import { explainStudyError } from './study-errors.js';

/** One of the caller's studies by short name (hidden ones too), or null. */
export async function getMyStudy(client: PlatformClient, slug: string): Promise<StudySummary | null> {
	const rows = await query<StudySummary[]>(client.from('studies').select(STUDY_COLUMNS).eq('slug', slug).limit(1));
	return rows[0] ?? null;
}

export interface StudyChanges {
	title?: string;
	description?: string;
	/** The whole config (src/experiments/config.ts StudyConfig), checked before it is sent. */
	config?: object;
	status?: StudyStatus;
	hidden_at?: string | null;
}

/** Saves changes to one of the caller's studies; another's study is refused (the update touches no row). */
export async function updateStudy(client: PlatformClient, studyId: string, changes: StudyChanges): Promise<StudySummary> {
	const rows = await explainStudyError(client, { slug: '', title: changes.title },
		query<StudySummary[]>(client.from('studies').update(changes).eq('id', studyId).select(STUDY_COLUMNS)));
	const row = rows[0];
	if (!row) throw new DataError('Only the researcher who owns a study can change it.', '42501', 403);
	return row;
}

export const setStudyStatus = (client: PlatformClient, studyId: string, status: StudyStatus) => updateStudy(client, studyId, { status });

/** Deletes a study from view: its data stay, participants no longer find it, and restoreStudy undoes it. */
export const hideStudy = (client: PlatformClient, studyId: string) => updateStudy(client, studyId, { hidden_at: new Date().toISOString() });
export const restoreStudy = (client: PlatformClient, studyId: string) => updateStudy(client, studyId, { hidden_at: null });

/** A draft copy of one of the caller's studies (same set, description and config) under a new short name and title. */
export function duplicateStudy(client: PlatformClient, studyId: string, slug: string, title: string): Promise<StudySummary> {
	return explainStudyError(client, { slug, title }, rpc<StudySummary>(client, 'duplicate_study', { p_study_id: studyId, p_slug: slug, p_title: title }));
}

/** What the design checks need of a stimulus set: its number of images and of reveal levels. */
export async function stimulusSetSize(client: PlatformClient, setId: string): Promise<{ images: number; levels: number }> {
	const [set, images] = await Promise.all([
		query<{ levels: number[] }>(client.from('stimulus_sets').select('levels').eq('id', setId).single()),
		client.from('images').select('image_id', { count: 'exact', head: true }).eq('set_id', setId)
	]);
	if (images.error) throw new DataError(images.error.message, images.error.code ?? null, images.status);
	return { images: images.count ?? 0, levels: set.levels.length };
}
