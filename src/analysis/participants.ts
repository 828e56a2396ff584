/**
 * A study's participants table (`/dashboard/study/<slug>/participants`) and its CSV: one row per
 * session, for approving and bonusing on MTurk or Prolific. Pure: the page fetches the
 * `study_participants` view and the people's answers (src/data), this module builds the rows.
 *
 * The columns are one list, PARTICIPANT_COLUMNS: the table's headers, its sorting and the CSV's
 * columns all iterate it, and each column's description is the documentation of that column.
 * Adding a column: a field of ParticipantEntry, filled in
 * participantEntries, and one entry in PARTICIPANT_COLUMNS.
 *
 * - **status**: how the session stands (sessions.status): in progress, completed, declined (no
 *   consent), turned away (by the browser check; `reason` says why, e.g. `phone`,
 *   `small window 800x500`).
 * - **exclusion**: the analysis' participant check (src/analysis/decision.ts, the same rule as the
 *   results page: accuracy on fully revealed images at most DECISION_DEFAULTS.exclusionThreshold),
 *   on the person's main-block answers as exported (src/analysis/export.ts); empty when included
 *   or when the person has no fully revealed answer yet.
 * - **completion code**: the code complete_session issued (`server`); for a session without one
 *   that holds trials, the fallback code its participant holds if they finished with what was
 *   saved (`fallback`: `L-` + sha256("<session>:<trials>"), src/experiments/completion.ts),
 *   for the trials stored now. A code handed in later can be checked with codeIndex.
 */
import Papa from 'papaparse';
import { fallbackCompletionCode, possibleFallbackCodes } from '../experiments/completion.js';
import type { DecisionTrial, SessionStatus, StudyParticipantRow } from '../data/index.js';
import { parseObserver } from '../stimuli/observer.js';
import { DECISION_DEFAULTS, decisionReport } from './decision.js';
import { exportTrials } from './export.js';

/** The words the table and the CSV use for each session status. */
export const STATUS_LABELS: Record<SessionStatus, string> = {
	started: 'in progress',
	completed: 'completed',
	declined: 'declined',
	turned_away: 'turned away'
};

export interface ParticipantEntry {
	session_id: string;
	participant_id: string;
	platform: StudyParticipantRow['platform'];
	/** MTurk workerId or Prolific PID ('' in local mode). */
	platform_id: string;
	/** MTurk assignmentId (to approve or bonus), or ''. */
	assignment_id: string;
	/** Prolific SESSION_ID, or ''. */
	platform_session_id: string;
	status: string;
	reason: string;
	exclusion: string;
	is_test: boolean;
	started_at: string;
	ended_at: string;
	trials_saved: number;
	main_trials: number;
	completion_code: string;
	code_source: 'server' | 'fallback' | '';
	browser: string;
	screen: string;
	/** "2 window blurs, 1 fullscreen exit" during trials; empty when none. */
	interaction: string;
	/** Pixels per degree from the screen calibration ('' without one). */
	px_per_degree: number | '';
}

export interface ParticipantColumn {
	key: keyof ParticipantEntry;
	/** The table's header. */
	label: string;
	/** What the column holds (the documentation of the CSV's column). */
	description: string;
}

/** The columns of the table and the CSV, in order. */
export const PARTICIPANT_COLUMNS: readonly ParticipantColumn[] = [
	{ key: 'platform', label: 'Platform', description: 'mturk, prolific or local' },
	{ key: 'platform_id', label: 'Platform id', description: 'MTurk workerId or Prolific PROLIFIC_PID (empty in local mode)' },
	{ key: 'assignment_id', label: 'Assignment', description: 'MTurk assignmentId of the latest visit (needed to approve and bonus), empty elsewhere' },
	{ key: 'platform_session_id', label: 'Prolific session', description: 'Prolific SESSION_ID of the latest visit, empty elsewhere' },
	{ key: 'status', label: 'Status', description: 'in progress, completed, declined (did not consent) or turned away (by the browser check)' },
	{ key: 'reason', label: 'Why', description: 'why the session was turned away (phone; small window WIDTHxHEIGHT) or declined; empty otherwise' },
	{ key: 'exclusion', label: 'Excluded', description: `why the analysis excludes the person (accuracy on fully revealed images at most ${DECISION_DEFAULTS.exclusionThreshold}); empty when included or not yet known` },
	{ key: 'started_at', label: 'Started', description: 'when the session started (ISO 8601, UTC)' },
	{ key: 'ended_at', label: 'Ended', description: 'when it completed, was declined or turned away (ISO 8601, UTC); empty while in progress' },
	{ key: 'trials_saved', label: 'Trials saved', description: 'trials the server holds now, practice included' },
	{ key: 'main_trials', label: 'Main trials', description: 'of which in the main blocks' },
	{ key: 'completion_code', label: 'Completion code', description: 'the code the server issued; or, without one, the fallback code (L-...) a participant who finished with what was saved holds for the trials stored now' },
	{ key: 'code_source', label: 'Code from', description: 'server (issued by complete_session, always valid) or fallback (recomputed from the session id and the trials stored)' },
	{ key: 'browser', label: 'Browser', description: 'browser, version and operating system, from the browser check' },
	{ key: 'screen', label: 'Screen', description: 'screen size and pixel ratio, window size at the browser check, refresh rate' },
	{ key: 'interaction', label: 'Interaction flags', description: 'how often the window lost focus (blur) and the participant left fullscreen during trials, from jsPsych\'s interaction data; empty when never' },
	{ key: 'px_per_degree', label: 'px per degree', description: 'pixels per degree of visual angle from the screen calibration (virtual chinrest), when the study asked for one' },
	{ key: 'is_test', label: 'Test', description: 'true for sessions made by automated runs (never human data)' },
	{ key: 'session_id', label: 'Session', description: 'the session id (the fallback code derives from it)' },
	{ key: 'participant_id', label: 'Participant', description: 'the participant id, the person\'s observer id in the results (human:<id>)' }
];

/** Why each person is excluded, by participant id, from their answers (the decision_trials view's rows). */
export function exclusionsByParticipant(trials: readonly DecisionTrial[]): Map<string, string> {
	const people = exportTrials(trials.filter((t) => t.observer_kind === 'human'), { includeTest: true });
	const excluded = new Map<string, string>();
	if (people.length === 0) return excluded;
	// no bootstrap: only the exclusion check is read
	for (const e of decisionReport(people, { bootstrap: 0 }).humans.excluded) excluded.set(parseObserver(e.id, 'human').id, e.reason);
	return excluded;
}

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

/** "chrome 120 (linux)" from the browser check's findings. */
export function browserOf(info: Record<string, unknown>): string {
	const name = [text(info.browser), text(info.browser_version)].filter(Boolean).join(' ');
	const os = text(info.os);
	return name && os ? `${name} (${os})` : name || os;
}

/** "screen 1920x1080 @2x, window 1280x800, 60 Hz" from what the browser reported. */
export function screenOf(info: Record<string, unknown>): string {
	const parts: string[] = [];
	const screen = typeof info.screen === 'object' && info.screen !== null ? (info.screen as Record<string, unknown>) : {};
	if (text(screen.width) && text(screen.height)) parts.push(`screen ${text(screen.width)}x${text(screen.height)}${text(screen.dpr) ? ` @${text(screen.dpr)}x` : ''}`);
	if (text(info.width) && text(info.height)) parts.push(`window ${text(info.width)}x${text(info.height)}`);
	if (typeof info.vsync_rate === 'number') parts.push(`${Math.round(info.vsync_rate)} Hz`);
	return parts.join(', ');
}

/** "2 window blurs, 1 fullscreen exit": the interaction flags in words, empty when there are none. */
export function interactionFlags(blurs: number, exits: number): string {
	const count = (n: number, what: string) => (n > 0 ? [`${n} ${what}${n === 1 ? '' : 's'}`] : []);
	return [...count(blurs, 'window blur'), ...count(exits, 'fullscreen exit')].join(', ');
}

/** The table's rows, in the order of the view's rows. */
export async function participantEntries(rows: readonly StudyParticipantRow[], exclusions: ReadonlyMap<string, string>): Promise<ParticipantEntry[]> {
	return Promise.all(
		rows.map(async (row) => {
			const fallback = !row.completion_code && row.trials_saved > 0 ? await fallbackCompletionCode(row.session_id, row.trials_saved) : '';
			return {
				session_id: row.session_id,
				participant_id: row.participant_id,
				platform: row.platform,
				platform_id: row.worker_id ?? '',
				assignment_id: row.assignment_id ?? '',
				platform_session_id: row.platform_session_id ?? '',
				status: STATUS_LABELS[row.status] ?? row.status,
				reason: row.status_reason ?? (row.status === 'declined' ? 'did not consent' : ''),
				exclusion: exclusions.get(row.participant_id) ?? '',
				is_test: row.is_test,
				started_at: row.started_at,
				ended_at: row.ended_at ?? '',
				trials_saved: row.trials_saved,
				main_trials: row.main_trials,
				completion_code: row.completion_code ?? fallback,
				code_source: row.completion_code ? 'server' : fallback ? 'fallback' : '',
				browser: browserOf(row.client_info ?? {}),
				screen: screenOf(row.client_info ?? {}),
				interaction: interactionFlags(row.window_blurs ?? 0, row.fullscreen_exits ?? 0),
				px_per_degree: row.px_per_degree ?? ''
			} satisfies ParticipantEntry;
		})
	);
}

/** Rows sorted by a column, ascending or descending; numbers as numbers, empty values last. */
export function sortEntries(entries: readonly ParticipantEntry[], key: keyof ParticipantEntry, direction: 'asc' | 'desc'): ParticipantEntry[] {
	const sign = direction === 'asc' ? 1 : -1;
	return [...entries].sort((a, b) => {
		const x = a[key];
		const y = b[key];
		if (x === y) return 0;
		if (x === '') return 1;
		if (y === '') return -1;
		if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
		return sign * String(x).localeCompare(String(y));
	});
}

/** The CSV: a header of the columns' keys, then one line per row; cells that a spreadsheet would run as a formula are escaped. */
export function participantsCsv(entries: readonly ParticipantEntry[]): string {
	return (
		Papa.unparse(
			{ fields: PARTICIPANT_COLUMNS.map((c) => c.key), data: entries.map((e) => PARTICIPANT_COLUMNS.map((c) => e[c.key])) },
			{ newline: '\n', escapeFormulae: true }
		) + '\n'
	);
}

/** What a handed-in completion code is: a session's server code, its fallback code for n of its trials, or unknown. */
export type CodeCheck =
	| { code: string; kind: 'server'; session_id: string; platform_id: string }
	| { code: string; kind: 'fallback'; session_id: string; platform_id: string; trials: number; trials_saved: number }
	| { code: string; kind: 'unknown' };

/**
 * Checks handed-in codes (as MTurk's or Prolific's results list them) against the study's
 * sessions. A fallback code is valid for a session when it is one of the session's
 * possibleFallbackCodes (src/experiments/completion.ts states the rule).
 */
export async function checkCodes(codes: readonly string[], entries: readonly ParticipantEntry[]): Promise<CodeCheck[]> {
	const wanted = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter(Boolean))];
	const index = new Map<string, CodeCheck>();
	for (const e of entries) if (e.code_source === 'server') index.set(e.completion_code.toUpperCase(), { code: e.completion_code, kind: 'server', session_id: e.session_id, platform_id: e.platform_id });
	if (wanted.some((c) => c.startsWith('L-'))) {
		for (const e of entries) {
			(await possibleFallbackCodes(e.session_id, e.trials_saved)).forEach((code, n) => {
				if (!index.has(code)) index.set(code, { code, kind: 'fallback', session_id: e.session_id, platform_id: e.platform_id, trials: n, trials_saved: e.trials_saved });
			});
		}
	}
	return wanted.map((code) => index.get(code) ?? { code, kind: 'unknown' });
}
