/**
 * Where a participant came from, read from the study URL's query parameters:
 *   MTurk:    workerId, assignmentId, hitId, turkSubmitTo
 *             (assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE means the worker is previewing the HIT)
 *   Prolific: PROLIFIC_PID, STUDY_ID, SESSION_ID
 *   neither:  local mode, for trying a study without a platform
 * Pure: no DOM, no network.
 */

export type Recruitment =
	| { platform: 'mturk'; preview: true; assignmentId: string; hitId: string | null }
	| { platform: 'mturk'; preview: false; workerId: string; assignmentId: string; hitId: string | null; turkSubmitTo: string | null }
	| { platform: 'prolific'; workerId: string; studyId: string | null; sessionId: string | null }
	| { platform: 'local' };

export const MTURK_PREVIEW_ASSIGNMENT = 'ASSIGNMENT_ID_NOT_AVAILABLE';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class RecruitmentError extends Error {}

export function recruitmentFromUrl(query: URLSearchParams): Recruitment {
	const assignmentId = query.get('assignmentId');
	if (assignmentId !== null) {
		const hitId = query.get('hitId');
		if (assignmentId === MTURK_PREVIEW_ASSIGNMENT) return { platform: 'mturk', preview: true, assignmentId, hitId };
		const workerId = query.get('workerId');
		if (!workerId || !ID_PATTERN.test(workerId)) {
			throw new RecruitmentError(`This MTurk link has no valid workerId (got "${workerId ?? ''}"). Please return the HIT and open it again from MTurk.`);
		}
		return { platform: 'mturk', preview: false, workerId, assignmentId, hitId, turkSubmitTo: query.get('turkSubmitTo') };
	}
	const prolificId = query.get('PROLIFIC_PID');
	if (prolificId !== null) {
		if (!ID_PATTERN.test(prolificId)) {
			throw new RecruitmentError(`This Prolific link has no valid PROLIFIC_PID (got "${prolificId}"). Please open the study again from Prolific.`);
		}
		return { platform: 'prolific', workerId: prolificId, studyId: query.get('STUDY_ID'), sessionId: query.get('SESSION_ID') };
	}
	return { platform: 'local' };
}
