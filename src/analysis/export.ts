/**
 * The platform's trial export: rows of the `decision_trials` view (people and models in one
 * shape) become the shared trial format. Rules, so every exported number can be traced:
 * - practice trials are left out (they are not part of the design);
 * - test data (sessions and runs made by automated tests) is left out unless asked for, and then
 *   its observers are test observers (`test:` text form, src/stimuli/observer.ts) so it can never
 *   pass for a person's results;
 * - one answer per observer, image and reveal level: a person's first (their naive view), a
 *   model's latest (its newest run of the same stimulus);
 * - rows come people first, then models, each by observer, reveal level and image.
 * `exportTrials` gives the shared trial format (what the analysis reads); `exportDetailedCsv`
 * the platform's CSV, those columns first and then what identifies each answer
 * (trials.ts, TRIAL_DETAIL_COLUMNS). `rawTrialsCsv` is the other file: every column stored per
 * trial, as stored.
 */
import Papa from 'papaparse';
import { formatObserver, type ObserverKind } from '../stimuli/observer.js';
import type { Category, Response } from '../stimuli/task.js';
import { detailedTrialsToCsv, type Trial, type TrialDetails } from './trials.js';

/** One row of the decision_trials view (only what the export reads; src/data's DecisionTrial is the whole row). */
export interface StoredDecisionTrial {
	observer_kind: ObserverKind;
	observer_id: string;
	image_id: string;
	category: Category;
	reveal: number;
	/** null: no answer in time. */
	response: Response;
	rt_ms: number | null;
	block: 'practice' | 'main';
	is_test: boolean;
	created_at: string;
	/** People only (null or absent for models): the session and the trial's place, the measured display, the platform. */
	session_id?: string | null;
	trial_index?: number | null;
	block_number?: number | null;
	duration_ms?: number | null;
	platform?: string | null;
	platform_id?: string | null;
}

/** The rows the export keeps, in its order (the rules above). */
function keptRows<R extends StoredDecisionTrial>(rows: readonly R[], options: { includeTest?: boolean }): R[] {
	const kept = new Map<string, R>();
	const ordered = [...rows].sort((a, b) => a.created_at.localeCompare(b.created_at));
	for (const row of ordered) {
		if (row.block !== 'main' || (row.is_test && !options.includeTest)) continue;
		const key = `${row.observer_kind}\u0000${row.observer_id}\u0000${row.image_id}\u0000${row.reveal}`;
		if (row.observer_kind === 'human' && kept.has(key)) continue; // keep a person's first answer
		kept.set(key, row); // and a model's latest
	}
	const byObserver = (a: StoredDecisionTrial, b: StoredDecisionTrial) =>
		a.observer_kind.localeCompare(b.observer_kind) || a.observer_id.localeCompare(b.observer_id) || a.reveal - b.reveal || a.image_id.localeCompare(b.image_id);
	return [...kept.values()].sort(byObserver);
}

const trialOf = (row: StoredDecisionTrial): Trial => ({
	observer: formatObserver({ kind: row.observer_kind, id: row.observer_id, test: row.is_test }),
	kind: row.observer_kind,
	image_id: row.image_id,
	category: row.category,
	reveal: row.reveal,
	response: row.response,
	rt_ms: row.rt_ms
});

const detailsOf = (row: StoredDecisionTrial): TrialDetails => ({
	session_id: row.session_id ?? null,
	trial_index: row.trial_index ?? null,
	block: row.block_number ?? null,
	too_slow: row.response === null,
	duration_ms: row.duration_ms ?? null,
	platform: row.platform ?? null,
	platform_id: row.platform_id ?? null
});

/** The shared trial format (trials.ts): what the analysis, the dashboard and `npm run analyze` read. */
export function exportTrials(rows: readonly StoredDecisionTrial[], options: { includeTest?: boolean } = {}): Trial[] {
	return keptRows(rows, options).map(trialOf);
}

/** The platform's trials CSV: the shared columns first, then TRIAL_DETAIL_COLUMNS; numbers at their precision. */
export function exportDetailedCsv(rows: readonly StoredDecisionTrial[], options: { includeTest?: boolean } = {}): string {
	return detailedTrialsToCsv(keptRows(rows, options).map((row) => ({ ...trialOf(row), ...detailsOf(row) })));
}

/**
 * Every stored trial as it is stored: one row per trial with the given columns, in order (the
 * caller passes the table's columns and anything joined to them), numbers unrounded, JSON values
 * (`data`, objects, arrays) as JSON text, null as an empty cell. Nothing is dropped or merged:
 * practice trials and repeats are there.
 */
export function rawTrialsCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
	const cell = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean));
	return Papa.unparse({ fields: [...columns], data: rows.map((row) => columns.map((c) => cell(row[c]))) }, { newline: '\n' }) + '\n';
}
