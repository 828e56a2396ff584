/**
 * What a participant's browser calls: anonymous sign-in and the participant API functions; and
 * what the study owner's participants table reads (the study_participants view).
 */
import { allRows, fail, query, rpc, type PlatformClient } from './client.js';
import type { Completion, Platform, PublicStudy, SessionAssignment, SessionEnd, SessionStartRequest, SessionStatus, ScreenCalibration, TrialOutcome, TrialRecord } from './contracts.js';

/** Signs in anonymously unless a session already exists; returns the user id. */
export async function ensureParticipantSignedIn(client: PlatformClient): Promise<string> {
	const { data: current } = await client.auth.getSession();
	if (current.session) return current.session.user.id;
	const { data, error } = await client.auth.signInAnonymously();
	if (error || !data.user) fail(error ?? { message: 'anonymous sign-in returned no user' });
	return data.user.id;
}

export function getStudy(client: PlatformClient, slug: string): Promise<PublicStudy> {
	return rpc<PublicStudy>(client, 'get_study', { p_slug: slug });
}

export function startSession(client: PlatformClient, request: SessionStartRequest): Promise<SessionAssignment> {
	return rpc<SessionAssignment>(client, 'start_session', {
		p_session_id: request.sessionId,
		p_study_slug: request.studySlug,
		p_platform: request.platform,
		p_worker_id: request.workerId ?? null,
		p_assignment_id: request.assignmentId ?? null,
		p_hit_id: request.hitId ?? null,
		p_platform_study_id: request.platformStudyId ?? null,
		p_platform_session_id: request.platformSessionId ?? null,
		p_client_info: request.clientInfo ?? {},
		p_is_test: request.isTest ?? false
	});
}

/** Sends trials; each comes back stored, duplicate (already there) or rejected with a reason. */
export function recordTrials(client: PlatformClient, sessionId: string, trials: TrialRecord[]): Promise<TrialOutcome[]> {
	return rpc<TrialOutcome[]>(client, 'record_trials', { p_session_id: sessionId, p_trials: trials });
}

/** Stores the screen calibration of the caller's own unfinished session (again: the last one counts). */
export function recordCalibration(client: PlatformClient, sessionId: string, calibration: ScreenCalibration): Promise<ScreenCalibration> {
	return rpc<ScreenCalibration>(client, 'record_calibration', {
		p_session_id: sessionId,
		p_px_per_mm: calibration.px_per_mm,
		p_viewing_distance_mm: calibration.viewing_distance_mm,
		p_px_per_degree: calibration.px_per_degree
	});
}

export function completeSession(client: PlatformClient, sessionId: string): Promise<Completion> {
	return rpc<Completion>(client, 'complete_session', { p_session_id: sessionId });
}

/** The ids of the trials the server holds for the caller's session (to resume or confirm). */
export async function savedTrialIds(client: PlatformClient, sessionId: string): Promise<string[]> {
	const rows = await query<{ id: string }[]>(client.from('trials').select('id').eq('session_id', sessionId).order('trial_index'));
	return rows.map((row) => row.id);
}

/**
 * Records that the caller's own session ended without completion: `declined` (no consent) or
 * `turned_away` with the reason (e.g. `phone`, `small window 800x500`). A Prolific session gets
 * the study's screen-out code back. A completed session cannot be marked (PT409 already_completed).
 */
export function endSession(client: PlatformClient, sessionId: string, status: SessionEnd['status'], reason: string | null): Promise<SessionEnd> {
	return rpc<SessionEnd>(client, 'end_session', { p_session_id: sessionId, p_status: status, p_reason: reason });
}

/** One row of the `study_participants` view: one session of a study, for its owner's participants table. */
export interface StudyParticipantRow {
	study_id: string;
	session_id: string;
	participant_id: string;
	platform: Platform;
	/** MTurk workerId or Prolific PID; null in local mode. */
	worker_id: string | null;
	assignment_id: string | null;
	hit_id: string | null;
	platform_study_id: string | null;
	platform_session_id: string | null;
	status: SessionStatus;
	/** Why the session was declined or turned away (null otherwise). */
	status_reason: string | null;
	is_test: boolean;
	started_at: string;
	/** When it completed, was declined or turned away; null while in progress. */
	ended_at: string | null;
	/** Trials the server holds now (practice and main). */
	trials_saved: number;
	main_trials: number;
	completion_code: string | null;
	/** What the browser check measured and the browser reported (session.ts). */
	client_info: Record<string, unknown>;
	/** Times the window lost focus, and fullscreen exits, during the session's trials (jsPsych's interaction data). */
	window_blurs: number;
	fullscreen_exits: number;
	/** The screen calibration's pixels per degree of visual angle (null without one). */
	px_per_degree: number | null;
}

/** Every session of a study, oldest first (the owner's; nobody else reads any). */
export function studyParticipants(client: PlatformClient, studyId: string): Promise<StudyParticipantRow[]> {
	return allRows<StudyParticipantRow>((from, to) =>
		client.from('study_participants').select('*').eq('study_id', studyId).order('started_at').order('session_id').range(from, to)
	);
}
