/**
 * The tables and views the client reads with `select('*')`, each with the runtime list of the
 * columns its TypeScript row type declares. The compiler checks each list against its row type
 * (every key, no other), and a contract test (src/standin/contract.test.ts) checks it against the
 * database's `information_schema.columns`, so a column added on one side only fails a test.
 * A relation whose row type changes gets its list changed here, in its one entry.
 */
import type { StudyParticipantRow } from './participants.js';
import type { StudyProgress } from './researchers.js';
import type { StudySession } from './results.js';
import type { DecisionTrial } from './contracts.js';
import { TRIAL_TABLE_COLUMNS } from './trial-fields.js';

/** `list`, checked to hold exactly the keys of `Row` (a compile error names what is missing). */
function columnsOf<Row>() {
	return <const C extends readonly (keyof Row & string)[]>(
		list: C & ([Exclude<keyof Row, C[number]>] extends [never] ? unknown : { missing: Exclude<keyof Row, C[number]> })
	): readonly string[] => list;
}

export const READ_RELATIONS: Record<string, readonly string[]> = {
	/** StoredTrial and TRIAL_TABLE_COLUMNS both come from the trial's field list. */
	trials: TRIAL_TABLE_COLUMNS,
	decision_trials: columnsOf<DecisionTrial>()([
		'study_id', 'set_id', 'observer_kind', 'observer_id', 'image_id', 'category', 'reveal', 'response', 'correct', 'rt_ms',
		'block', 'is_test', 'created_at', 'session_id', 'duration_ms', 'frames', 'refresh_ms',
		'trial_id', 'trial_index', 'block_number', 'platform', 'platform_id'
	]),
	study_sessions: columnsOf<StudySession>()([
		'study_id', 'session_id', 'observer_kind', 'observer_id', 'platform', 'status', 'is_test', 'started_at', 'completed_at', 'main_trials'
	]),
	study_progress: columnsOf<StudyProgress>()(['study_id', 'slug', 'sessions', 'completed', 'test_sessions', 'trials']),
	study_participants: columnsOf<StudyParticipantRow>()([
		'study_id', 'session_id', 'participant_id', 'platform', 'worker_id', 'assignment_id', 'hit_id', 'platform_study_id',
		'platform_session_id', 'status', 'status_reason', 'is_test', 'started_at', 'ended_at', 'trials_saved', 'main_trials',
		'completion_code', 'client_info', 'window_blurs', 'fullscreen_exits', 'px_per_degree'
	])
};
