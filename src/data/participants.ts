/** What a participant's browser calls: anonymous sign-in and the participant API functions. */
import { fail, query, rpc, type PlatformClient } from './client.js';
import type { Completion, PublicStudy, ScreenCalibration, SessionAssignment, SessionStartRequest, TrialOutcome, TrialRecord } from './contracts.js';

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
