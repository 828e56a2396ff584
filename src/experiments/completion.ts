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

/** What a person turned away (phone, small window, declined consent) is asked to do on their platform. */
export interface ScreenOut {
	/** The instruction, in plain words. */
	instruction: string;
	/** The study's Prolific screen-out code (end_session hands it to Prolific sessions), or null. */
	code: string | null;
	/** Prolific's completion URL carrying the screen-out code, or null. */
	url: string | null;
}

/**
 * The hand-back for someone who cannot take part: on Prolific, return the study with the study's
 * screen-out code when it has one (Prolific's completion URL with `cc=<code>`), else return the
 * study; on MTurk, return the HIT; in local mode, nothing to hand back.
 */
export function screenOut(recruitment: Recruitment, screenoutCode: string | null): ScreenOut {
	if (recruitment.platform === 'prolific' && screenoutCode) {
		return {
			instruction: 'Please return the study on Prolific with this screen-out code, so that Prolific records why you could not take part:',
			code: screenoutCode,
			url: `https://app.prolific.com/submissions/complete?cc=${encodeURIComponent(screenoutCode)}`
		};
	}
	if (recruitment.platform === 'prolific') {
		return { instruction: 'Please return the study on Prolific ("Return submission"), so that your place goes to someone else.', code: null, url: null };
	}
	if (recruitment.platform === 'mturk') {
		return { instruction: 'Please return the HIT on MTurk, so that your place goes to someone else.', code: null, url: null };
	}
	return { instruction: 'You can close this page.', code: null, url: null };
}

/**
 * Every fallback code a session's participant can hold, index n the code for n confirmed trials,
 * n from 0 to the trials the server holds now: a browser confirms only trials the server stored,
 * and the count may have grown after the participant left (a queue still sending). A handed-in
 * code is valid for the session when it is one of these.
 */
export async function possibleFallbackCodes(sessionId: string, trialsStored: number): Promise<string[]> {
	return Promise.all(Array.from({ length: Math.max(0, trialsStored) + 1 }, (_, n) => fallbackCompletionCode(sessionId, n)));
}
