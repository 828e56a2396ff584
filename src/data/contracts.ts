/**
 * The data contracts between the browser, the database and the analysis: plain types, no I/O.
 * The database (supabase/migrations) is the source of truth; these mirror what its API
 * functions accept and return.
 */

import type { ObserverKind } from '../stimuli/observer.js';
import type { Category } from '../stimuli/task.js';
import type { Block } from './trial-fields.js';

export type Platform = 'mturk' | 'prolific' | 'local';
/** public.study_status: draft (only its owner tries it), live, paused (no new participants for now), closed. */
export type StudyStatus = 'draft' | 'live' | 'paused' | 'closed';
/** How a session stands (the enum public.session_status): in progress, completed, no consent, refused by the browser check. */
export type SessionStatus = 'started' | 'completed' | 'declined' | 'turned_away';
/** The task's answers: one definition, in src/stimuli (config.ts, task.ts). */
export type { Category };

/** The trial's fields, types and record: one list in trial-fields.ts. */
export type { Block, TrialRecord } from './trial-fields.js';

/** What `record_trials` says about each trial, in input order. */
export interface TrialOutcome {
	id: string;
	status: 'stored' | 'duplicate' | 'rejected';
	reason: string | null;
}

export interface SessionStartRequest {
	sessionId: string;
	studySlug: string;
	platform: Platform;
	workerId?: string | null;
	assignmentId?: string | null;
	hitId?: string | null;
	platformStudyId?: string | null;
	platformSessionId?: string | null;
	clientInfo?: Record<string, unknown>;
	/** Sessions run by automated tests are marked and never shown as human data. */
	isTest?: boolean;
}

export interface SessionAssignment {
	session_id: string;
	participant_id: string;
	/** j in "participant j sees image i at level (i + j) mod L". */
	latin_row: number;
	key_animal: string;
	key_non_animal: string;
	/** Seed of this participant's trial order. */
	order_seed: number;
	/** A declined or turned-away session comes back `started` (the person goes on). */
	status: SessionStatus;
	completion_code: string | null;
	resumed: boolean;
	/** Trials stored when the session completed (null until then). */
	trials_saved: number | null;
	/** A completed Prolific session's study code, for the redirect on a revisit (null otherwise). */
	prolific_completion_code: string | null;
}

/** What `end_session` returns: the status as stored and, for a Prolific session, the study's screen-out code. */
export interface SessionEnd {
	status: 'declined' | 'turned_away';
	status_reason: string | null;
	screenout_code: string | null;
}

/** What `complete_session` returns (it refuses, PT409 hint trials_missing, until the planned trials are stored). */
export interface Completion {
	completion_code: string;
	trials_saved: number;
	/** The study's Prolific completion code, for Prolific sessions only (get_study never returns it). */
	prolific_completion_code: string | null;
}

export interface PublicStudy {
	id: string;
	slug: string;
	title: string;
	description: string;
	status: StudyStatus;
	/** The participant's part of the config: no secrets (src/experiments/config.ts SECRET_CONFIG_KEYS). */
	config: Record<string, unknown>;
	stimulus_set: { id: string; slug: string; base_url: string; levels: number[] };
}

/**
 * A session's screen calibration (virtual chinrest), as record_calibration takes it and the
 * `sessions` table stores it (src/experiments/calibration.ts says how it is measured).
 */
export interface ScreenCalibration {
	/** CSS pixels per millimetre on the participant's screen. */
	px_per_mm: number;
	/** Viewing distance from the blind-spot measurement, mm. */
	viewing_distance_mm: number;
	/** CSS pixels per degree of visual angle at the centre of the screen. */
	px_per_degree: number;
}

/**
 * One row of the `decision_trials` view: one answer of any observer (person or model), and where
 * it came from. The observer is in parts (src/stimuli/observer.ts: kind, id, and is_test).
 */
export interface DecisionTrial {
	study_id: string | null;
	set_id: string;
	observer_kind: ObserverKind;
	/** The participant's uuid, or the model's registry id. */
	observer_id: string;
	image_id: string;
	category: Category;
	/** Proportion of the image revealed, in (0, 1]. */
	reveal: number;
	/** null: no answer in time. */
	response: Category | null;
	/** Computed by the database where the answer is stored (src/stimuli/task.ts states the rule). */
	correct: boolean;
	/** ms from stimulus onset; null without an answer and for models. */
	rt_ms: number | null;
	block: Block;
	is_test: boolean;
	created_at: string;
	/** People only: the session, and the stimulus display as measured (ms, frames, ms per frame). */
	session_id: string | null;
	duration_ms: number | null;
	frames: number | null;
	refresh_ms: number | null;
	/** The stored row's id (trials.id, or model_results.id for a model): the key an incremental refresh merges by. */
	trial_id: string;
	/** People only: position in the participant's trial list, 0-based, practice first. */
	trial_index: number | null;
	/** People only: 0 for practice, 1..blocks for the main blocks (the trial's data.block_number). */
	block_number: number | null;
	/** People only: the session's recruiting platform, and the participant's id there (null for local). */
	platform: Platform | null;
	platform_id: string | null;
}

/** What the ClickMe game sends through its queue, in order (a round before its strokes and end). */
export type ClickmeItem =
	| {
			kind: 'round';
			id: string;
			set_id: string;
			image_id: string;
			mode: 'game' | 'annotation';
			/** The sitting the round belongs to (null for annotation). */
			game_id: string | null;
			model_id: string | null;
			/** px, in image coordinates. */
			brush_radius: number;
			time_limit_ms: number | null;
			device: 'mouse' | 'touch' | 'pen';
			is_test: boolean;
	  }
	| {
			kind: 'stroke';
			id: string;
			round_id: string;
			stroke_index: number;
			/** px, in image coordinates. */
			radius: number;
			/** [x px, y px, ms since the round started] */
			points: [number, number, number][];
	  }
	| {
			kind: 'end';
			id: string;
			round_id: string;
			outcome: 'recognized' | 'timeout' | 'skipped' | 'annotated';
			score: number | null;
			revealed_fraction: number;
	  };
