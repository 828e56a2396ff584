/**
 * The trial's fields, in one ordered list: what a rapid-categorization trial records, where each
 * value comes from and where it is stored. Pure, no I/O. The TypeScript types of the trial are
 * derived from this list (`TrialRecord`, `StoredTrial`, the plugin's data), and so are the
 * plugin's `info.data`, its data-only simulation and the record the session sends.
 *
 * The database holds the same facts once, on its side:
 *  - `public.trials` (supabase/migrations core_schema, constraints renamed in trial_fields) has one
 *    column per `in: 'column'` field, in this order; its named check constraints are the only
 *    place for bounds (fixation < 60000 ms, 0 < refresh < 1000 ms, ...);
 *  - `public.trial_fields()` lists the fields `record_trials` accepts, derived from those columns:
 *    every column not set by the server. A contract test (src/standin/contract.test.ts) checks that
 *    it equals `TRIAL_INPUT_FIELDS` (name, kind, nullability, optional), in order, and that the
 *    table's columns equal `TRIAL_TABLE_COLUMNS`.
 *
 * Where a value comes from (`from`):
 *  - `session`: the experiment's session (src/experiments/session.ts): the trial's uuid and index;
 *  - `design`: the trial's design values (src/experiments/design.ts), given to the plugin in the
 *    timeline's `data` parameter, so jsPsych copies them into the trial's data;
 *  - `plugin`: measured or reported by the plugin (src/experiments/plugin-rapid-categorization.ts);
 *  - `jspsych`: added by jsPsych to every trial's data (`plugin_version` is the plugin's
 *    `info.version`);
 *  - `interaction`: counted from jsPsych's interaction data (window blur and focus, fullscreen
 *    enter and exit, each recorded with the index of the trial it happened in) by
 *    src/experiments/interaction.ts, and added to the trial's data by the session when it ends;
 *  - `server`: set by `record_trials`, never sent: the session, correctness (the database is the
 *    authority for the stored `correct`, see src/stimuli/task.ts) and the time of storing.
 *
 * Where it is stored (`in`): its own column of `trials`, or a key of the trial's `data` JSON
 * object (values that analysts rarely filter on: block number, level index, anticipations and
 * the plugin's version).
 *
 * "No answer" is `null` (src/stimuli/task.ts): `response`, `response_key` and `rt_ms` are null
 * together; there is no separate "too slow" flag (it is `response === null`).
 */
import { CATEGORIES } from '../stimuli/config.js';

export const BLOCKS = ['practice', 'main'] as const;
export type Block = (typeof BLOCKS)[number];

/** A field's value type: JSON kinds, named as the database's column types map to them. */
export interface FieldKinds {
	uuid: string;
	int: number;
	float: number;
	string: string;
	bool: boolean;
	json: Record<string, unknown>;
	/** ISO 8601 timestamp with time zone, as PostgREST returns timestamptz. */
	timestamp: string;
}
export type FieldKind = keyof FieldKinds;
export type FieldSource = 'session' | 'design' | 'plugin' | 'jspsych' | 'interaction' | 'server';

export interface TrialField {
	name: string;
	kind: FieldKind;
	/** null is allowed (and a missing value is stored as null). */
	nullable: boolean;
	/** Only some values are allowed (the table's constraint says so too). */
	values?: readonly string[];
	/** A non-null field the client may leave out: the column has a default. */
	optional?: true;
	from: FieldSource;
	in: 'column' | 'data';
	description: string;
}

export const TRIAL_FIELDS = [
	{ name: 'id', kind: 'uuid', nullable: false, from: 'session', in: 'column', description: 'Client-generated uuid, derived from (session, trial_index): sending the trial again is a duplicate, not a new row.' },
	{ name: 'session_id', kind: 'uuid', nullable: false, from: 'server', in: 'column', description: 'The session the trial belongs to (record_trials takes it from its argument).' },
	{ name: 'trial_index', kind: 'int', nullable: false, from: 'session', in: 'column', description: 'Position in the participant\'s trial list, 0-based, practice first.' },
	{ name: 'block', kind: 'string', values: BLOCKS, nullable: false, from: 'design', in: 'column', description: 'practice (fully revealed, with feedback) or main.' },
	{ name: 'stimulus_id', kind: 'uuid', nullable: false, from: 'plugin', in: 'column', description: 'Database id of the stimulus shown.' },
	{ name: 'response', kind: 'string', values: CATEGORIES, nullable: true, from: 'plugin', in: 'column', description: 'The answer: a category, or null when no answer came within the response window.' },
	{ name: 'response_key', kind: 'string', nullable: true, from: 'plugin', in: 'column', description: 'The key pressed, or null.' },
	{ name: 'correct', kind: 'bool', nullable: false, from: 'server', in: 'column', description: 'Whether the response equals the image\'s category (no answer is wrong); computed by record_trials.' },
	{ name: 'rt_ms', kind: 'float', nullable: true, from: 'plugin', in: 'column', description: 'Reaction time from the measured stimulus onset, ms; null without an answer.' },
	{ name: 'fixation_ms', kind: 'float', nullable: false, from: 'plugin', in: 'column', description: 'Fixation duration asked for, ms (drawn per trial by the design).' },
	{ name: 'onset_ms', kind: 'float', nullable: true, from: 'plugin', in: 'column', description: 'rAF timestamp (performance.now clock, ms) of the first frame with the stimulus.' },
	{ name: 'offset_ms', kind: 'float', nullable: true, from: 'plugin', in: 'column', description: 'rAF timestamp of the first frame without it.' },
	{ name: 'duration_ms', kind: 'float', nullable: true, from: 'plugin', in: 'column', description: 'offset_ms - onset_ms, ms.' },
	{ name: 'frames', kind: 'int', nullable: true, from: 'plugin', in: 'column', description: 'Animation frames during which the stimulus was shown.' },
	{ name: 'refresh_ms', kind: 'float', nullable: true, from: 'plugin', in: 'column', description: 'Median interval between animation frames during the trial, ms.' },
	{ name: 'data', kind: 'json', nullable: false, optional: true, from: 'session', in: 'column', description: 'JSON object with the fields stored `in: data` below.' },
	{ name: 'block_number', kind: 'int', nullable: false, from: 'design', in: 'data', description: '0 for practice, 1..blocks for the main blocks.' },
	{ name: 'level_index', kind: 'int', nullable: false, from: 'design', in: 'data', description: 'Index of the stimulus\' reveal level in the set\'s levels.' },
	{ name: 'anticipations', kind: 'int', nullable: false, from: 'plugin', in: 'data', description: 'Keys of the answer set pressed before stimulus onset (ignored).' },
	{ name: 'plugin_version', kind: 'string', nullable: false, from: 'jspsych', in: 'data', description: 'The plugin\'s info.version, so a change of the plugin shows in the data.' },
	{ name: 'created_at', kind: 'timestamp', nullable: false, from: 'server', in: 'column', description: 'When the server stored the trial.' },
	{ name: 'window_blurs', kind: 'int', nullable: true, from: 'interaction', in: 'column', description: 'Times the window lost focus during the trial (another tab or program); null for trials stored before it was counted.' },
	{ name: 'fullscreen_exits', kind: 'int', nullable: true, from: 'interaction', in: 'column', description: 'Times the page left full screen during the trial; null for trials stored before it was counted.' }
] as const satisfies readonly TrialField[];

type Field = (typeof TRIAL_FIELDS)[number];
type Fields<Where> = Extract<Field, Where>;
type FieldName<Where = unknown> = Fields<Where>['name'];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript type of one field's value. */
export type FieldValue<F extends TrialField> =
	| (F extends { values: readonly (infer V)[] } ? V : FieldKinds[F['kind']])
	| (F['nullable'] extends true ? null : never);

/** An object with exactly the given fields, each of its type. */
export type FieldRow<F extends TrialField> = Simplify<{ [G in F as G['name']]: FieldValue<G> }>;

/** The keys of a trial's `data` JSON object. */
export type TrialData = FieldRow<Fields<{ in: 'data' }>>;

type Input = Fields<{ in: 'column'; from: Exclude<FieldSource, 'server'> }>;
type WithData<Row> = Simplify<{ [K in keyof Row]: K extends 'data' ? TrialData : Row[K] }>;

/**
 * One trial as the experiment sends it to `record_trials` (times in ms): every column the server
 * does not set. Nullable fields (and `data`, which has a default) may be left out.
 */
export type TrialRecord = WithData<
	FieldRow<Exclude<Input, { nullable: true } | { optional: true }>> & Partial<FieldRow<Extract<Input, { nullable: true } | { optional: true }>>>
>;

/** One row of `public.trials` as a researcher reads it. */
export type StoredTrial = WithData<FieldRow<Fields<{ in: 'column' }>>>;

/** What the plugin reports about one trial (its jsPsych data, before jsPsych adds its own). */
export type PluginTrialData = FieldRow<Fields<{ from: 'plugin' }>>;

/** The trial's design values, given to the plugin in the timeline's `data` parameter. */
export type DesignTrialData = FieldRow<Fields<{ from: 'design' }>>;

/** The trial's interaction counts (src/experiments/interaction.ts), added to its data when it ends. */
export type InteractionTrialData = FieldRow<Fields<{ from: 'interaction' }>>;

/** A trial's jsPsych data as `on_finish` receives it: design values, measurements, plugin version. */
export type JsPsychTrialData = FieldRow<Fields<{ from: 'design' | 'plugin' | 'jspsych' }>>;

/** A trial's data once the session added its interaction counts: what trialRecord() sends. */
export type MeasuredTrial = JsPsychTrialData & InteractionTrialData;

const names = <Where>(keep: (field: TrialField) => boolean) => TRIAL_FIELDS.filter(keep).map((f) => f.name) as FieldName<Where>[];

/** The columns of `public.trials`, in table order. */
export const TRIAL_TABLE_COLUMNS = names<{ in: 'column' }>((f) => f.in === 'column');

/** The fields `record_trials` accepts, in table order: what `public.trial_fields()` returns. */
export const TRIAL_INPUT_FIELDS = TRIAL_FIELDS.filter((f) => f.in === 'column' && f.from !== 'server').map((f) => ({
	name: f.name,
	kind: f.kind,
	nullable: f.nullable,
	optional: f.nullable || ('optional' in f && f.optional === true)
}));

/** The fields a source provides, in list order. */
export function fieldsFrom<S extends FieldSource>(source: S): Fields<{ from: S }>[] {
	return TRIAL_FIELDS.filter((f): f is Fields<{ from: S }> => f.from === source);
}

/** The design values of a planned trial, for the timeline's `data` parameter. */
export function designData(planned: DesignTrialData): DesignTrialData {
	return Object.fromEntries(fieldsFrom('design').map((f) => [f.name, planned[f.name]])) as DesignTrialData;
}

/**
 * The trial as `record_trials` takes it: the session's id and index, then every field the
 * design, the plugin, jsPsych and the interaction counts provided, each in its column or in `data`. A value the trial's
 * data lacks is sent as null.
 */
export function trialRecord(ids: Pick<TrialRecord, 'id' | 'trial_index'>, measured: MeasuredTrial): TrialRecord {
	const record: Record<string, unknown> = { ...ids };
	const data: Record<string, unknown> = {};
	for (const field of TRIAL_FIELDS) {
		if (field.name === 'data') record.data = data; // in its place in the list: keys in table order
		if (field.from === 'session' || field.from === 'server') continue;
		(field.in === 'data' ? data : record)[field.name] = measured[field.name] ?? null;
	}
	return record as TrialRecord;
}
