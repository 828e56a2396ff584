/**
 * The raw trials export: every column `public.trials` stores (src/data/trial-fields.ts, in table
 * order; `data` as JSON), after what makes a row readable on its own: the participant, whether it
 * is test data, the platform and the participant's id there (from the session), and the image,
 * its category and the proportion revealed (from the stimulus, through decision_trials). Values
 * are as stored (unrounded); practice trials and repeats are all there.
 */
import { TRIAL_TABLE_COLUMNS, type DecisionTrial, type StoredTrial, type StudySession } from '../../data/index.js';

export const RAW_LEADING_COLUMNS = ['participant_id', 'is_test', 'platform', 'platform_id', 'image_id', 'category', 'reveal'] as const;
export const RAW_COLUMNS: readonly string[] = [...RAW_LEADING_COLUMNS, ...TRIAL_TABLE_COLUMNS];

/** One row per stored trial, keyed by RAW_COLUMNS (a trial not among `answers` keeps its stored columns and empty image fields). */
export function rawTrialRows(stored: readonly StoredTrial[], answers: readonly DecisionTrial[], sessions: readonly StudySession[]): Record<string, unknown>[] {
	const answer = new Map(answers.filter((a) => a.observer_kind === 'human').map((a) => [a.trial_id, a]));
	const session = new Map(sessions.map((s) => [s.session_id, s]));
	return stored.map((trial) => {
		const a = answer.get(trial.id), s = session.get(trial.session_id);
		return {
			participant_id: s?.observer_id ?? a?.observer_id ?? null,
			is_test: s?.is_test ?? a?.is_test ?? null,
			platform: s?.platform ?? a?.platform ?? null,
			platform_id: a?.platform_id ?? null,
			image_id: a?.image_id ?? null,
			category: a?.category ?? null,
			reveal: a?.reveal ?? null,
			...trial
		};
	});
}
