/**
 * Where a finished participant goes: MTurk's external-submit form, Prolific's completion
 * redirect, or nowhere (local mode). The completion code is always shown as well.
 */
import { sha256Hex } from '../stimuli/hash.js';
import type { Recruitment } from './recruitment.js';

/** MTurk hosts that may receive the external-submit form (production and sandbox). */
const MTURK_HOSTS = new Set(['www.mturk.com', 'workersandbox.mturk.com']);

export type CompletionTarget =
	| { kind: 'mturk'; action: string; fields: Record<string, string> }
	| { kind: 'prolific'; url: string }
	| { kind: 'none' };

/**
 * `prolificCode` is the study's Prolific completion code as complete_session returns it (the
 * participant's config never carries it), or null (then no redirect; the code is shown).
 */
export function completionTarget(recruitment: Recruitment, code: string, prolificCode: string | null): CompletionTarget {
	if (recruitment.platform === 'mturk' && !recruitment.preview) {
		let host = '';
		try {
			host = new URL(recruitment.turkSubmitTo ?? '').host;
		} catch {
			host = '';
		}
		if (!MTURK_HOSTS.has(host)) return { kind: 'none' };
		return { kind: 'mturk', action: `https://${host}/mturk/externalSubmit`, fields: { assignmentId: recruitment.assignmentId, completion_code: code } };
	}
	if (recruitment.platform === 'prolific' && prolificCode) {
		return { kind: 'prolific', url: `https://app.prolific.com/submissions/complete?cc=${encodeURIComponent(prolificCode)}` };
	}
	return { kind: 'none' };
}

/**
 * A code for when the server cannot be reached to complete the session: "L-" and the first 10
 * hex digits of sha256("<session id>:<trials the server confirmed>"), upper case. A researcher
 * recomputes it from the session id and the trials stored to check a participant's claim.
 */
export async function fallbackCompletionCode(sessionId: string, confirmedTrials: number): Promise<string> {
	const hex = await sha256Hex(new TextEncoder().encode(`${sessionId}:${confirmedTrials}`));
	return `L-${hex.slice(0, 10).toUpperCase()}`;
}
