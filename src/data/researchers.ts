/** What a researcher's dashboard calls: sign-in and their own studies. */
import { fail, query, type PlatformClient } from './client.js';
import type { StudyStatus } from './contracts.js';
import { explainStudyError } from './study-errors.js';

export async function signInResearcher(client: PlatformClient, email: string, password: string): Promise<string> {
	const { data, error } = await client.auth.signInWithPassword({ email, password });
	if (error || !data.user) fail(error ?? { message: 'sign-in returned no user' });
	return data.user.id;
}

export async function signOut(client: PlatformClient): Promise<void> {
	const { error } = await client.auth.signOut();
	if (error) fail(error);
}

/** The signed-in researcher's email, or null when nobody (or only a participant) is signed in. */
export async function currentResearcherEmail(client: PlatformClient): Promise<string | null> {
	const { data } = await client.auth.getSession();
	const user = data.session?.user;
	return user && !user.is_anonymous ? (user.email ?? null) : null;
}

export interface StudySummary {
	id: string;
	slug: string;
	title: string;
	description: string;
	status: StudyStatus;
	stimulus_set_id: string;
	config: Record<string, unknown>;
	created_at: string;
	/** When the researcher deleted (hid) the study; null while shown. Its data stay. */
	hidden_at: string | null;
}

export const STUDY_COLUMNS = 'id, slug, title, description, status, stimulus_set_id, config, created_at, hidden_at';

/** The signed-in researcher's studies, newest first, hidden (deleted) ones included: the dashboard lists those apart. */
export function listMyStudies(client: PlatformClient): Promise<StudySummary[]> {
	return query<StudySummary[]>(client.from('studies').select(STUDY_COLUMNS).order('created_at', { ascending: false }));
}

export interface NewStudy {
	slug: string;
	title: string;
	description?: string;
	stimulusSetId: string;
	config?: Record<string, unknown>;
	status?: StudyStatus;
}

/** A new study; a taken or malformed short name or title is refused with a sentence (explainStudyError). */
export function createStudy(client: PlatformClient, study: NewStudy): Promise<StudySummary> {
	return explainStudyError(client, study, query<StudySummary>(
		client
			.from('studies')
			.insert({
				slug: study.slug,
				title: study.title,
				description: study.description ?? '',
				stimulus_set_id: study.stimulusSetId,
				config: study.config ?? {},
				status: study.status ?? 'draft'
			})
			.select(STUDY_COLUMNS)
			.single()
	));
}

export interface StudyProgress {
	study_id: string;
	slug: string;
	sessions: number;
	completed: number;
	test_sessions: number;
	trials: number;
}

/** Sessions, completions and trials per study of the signed-in researcher. */
export function studyProgress(client: PlatformClient): Promise<StudyProgress[]> {
	return query<StudyProgress[]>(client.from('study_progress').select('*'));
}
