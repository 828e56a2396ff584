/**
 * The trial format every observer shares (a model is just another observer): one row per
 * answer, as CSV with the header `observer,kind,image_id,category,reveal,response,rt_ms`.
 * The platform's export, the models command line and hand-written files all use it.
 *
 * - `observer`: the observer's text form (`[test:]<kind>:<id>`, src/stimuli/observer.ts) in what
 *   the platform writes; a hand-written file may name observers freely (`p1`), and the `kind`
 *   column says who they are. A text form whose kind disagrees with the kind column is an error.
 * - `response`: a category, or no answer in time, which is null in memory and the text `none`
 *   (`NO_ANSWER_CSV`) in the file only (src/stimuli/task.ts).
 *
 * The platform's export adds, after these columns, what identifies and qualifies each answer
 * (`TRIAL_DETAIL_COLUMNS`: session, trial index, block, too slow, measured duration, platform
 * and the participant's id there). A reader takes them or leaves them: the analysis reads only
 * `TRIAL_COLUMNS`. Times are written to the precision they were measured at (`CSV_PRECISION`),
 * so float noise such as `369.8000000000029` never reaches the file.
 */
import Papa from 'papaparse';
import { isObserverKind, parseObserver, type ObserverKind } from '../stimuli/observer.js';
import { CATEGORIES, isCategory, NO_ANSWER_CSV, type Category, type Response } from '../stimuli/task.js';

export const TRIAL_COLUMNS = ['observer', 'kind', 'image_id', 'category', 'reveal', 'response', 'rt_ms'] as const;

/**
 * The platform export's columns after TRIAL_COLUMNS (empty for models, which have no session):
 * - `session_id`: the session the answer was given in;
 * - `trial_index`: its position in the participant's trial list, 0-based, practice first;
 * - `block`: the main block's number, 1..blocks (src/data/trial-fields.ts, block_number);
 * - `too_slow`: `true` when no answer came within the response window (response `none`), else `false`;
 * - `duration_ms`: the stimulus display as measured (offset - onset of the animation frames), ms;
 * - `platform`: mturk, prolific or local; `platform_id`: the participant's id there (MTurk worker
 *   id, Prolific PID; empty for local).
 */
export const TRIAL_DETAIL_COLUMNS = ['session_id', 'trial_index', 'block', 'too_slow', 'duration_ms', 'platform', 'platform_id'] as const;

/** What TRIAL_DETAIL_COLUMNS hold (null: empty in the CSV). */
export interface TrialDetails {
	session_id: string | null;
	trial_index: number | null;
	block: number | null;
	too_slow: boolean;
	duration_ms: number | null;
	platform: string | null;
	platform_id: string | null;
}

/**
 * The precision each measured time is written at (a step: the value is rounded to a multiple of
 * it): `rt_ms`, `duration_ms` to 0.1 ms, the resolution of the clocks they come from
 * (performance.now() and requestAnimationFrame timestamps are coarsened to 100 us in browsers
 * without cross-origin isolation, 1 ms in some; a time measured in whole ms stays whole), so
 * float noise such as 369.8000000000029 (a difference of two timestamps) is not written.
 * `reveal` is written as stored: it is the set's level (often log-spaced, 0.016681005372000592),
 * the identity of a condition, and the analysis of the file must find the levels the dashboard
 * found.
 */
export const CSV_PRECISION = { rt_ms: 0.1, duration_ms: 0.1 } as const;

/** x rounded to a multiple of step, without float noise (369.8000000000029 at 0.1 -> 369.8). */
export function roundTo(x: number, step: number): number {
	const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
	return Number((Math.round(x / step) * step).toFixed(decimals));
}

export interface Trial {
	/** The key of the observer's answers in every report (see above). */
	observer: string;
	kind: ObserverKind;
	image_id: string;
	category: Category;
	/** Proportion of the image's pixels revealed, in (0, 1]. */
	reveal: number;
	/** null: no answer in time (the analysis drops it or counts it wrong: decision.ts, TIMEOUT_RULES). */
	response: Response;
	/** ms from stimulus onset; null when there was no answer or the observer is a model. */
	rt_ms: number | null;
}

/** Bad input: every problem found, each naming its row (line 1 is the header). */
export class TrialInputError extends Error {
	constructor(readonly problems: string[]) {
		const shown = problems.slice(0, 20);
		const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
		super(`the trials are not valid:\n  ${shown.join('\n  ')}${more}`);
	}
}

const CATEGORY_TEXT = CATEGORIES.join(' or ');

/** Checks one row's fields; returns the trial or the reasons it is not one. */
function checkRow(row: Record<string, string>): Trial | string[] {
	const problems: string[] = [];
	const observer = (row.observer ?? '').trim();
	const imageId = (row.image_id ?? '').trim();
	if (!observer) problems.push('observer is empty');
	if (!imageId) problems.push('image_id is empty');
	if (!isObserverKind(row.kind)) problems.push(`kind must be human or model, got "${row.kind}"`);
	else if ((parseObserver(observer)?.kind ?? row.kind) !== row.kind) problems.push(`observer ${observer} is not of kind ${row.kind}`);
	if (!isCategory(row.category)) problems.push(`category must be ${CATEGORY_TEXT}, got "${row.category}"`);
	if (!isCategory(row.response) && row.response !== NO_ANSWER_CSV) problems.push(`response must be ${CATEGORIES.join(', ')} or ${NO_ANSWER_CSV}, got "${row.response}"`);
	const reveal = Number(row.reveal);
	if (row.reveal?.trim() === '' || !Number.isFinite(reveal) || reveal <= 0 || reveal > 1) problems.push(`reveal must be a number in (0, 1], got "${row.reveal}"`);
	const rtText = (row.rt_ms ?? '').trim();
	const rt = rtText === '' ? null : Number(rtText);
	if (rt !== null && (!Number.isFinite(rt) || rt < 0)) problems.push(`rt_ms must be empty or a number >= 0, got "${row.rt_ms}"`);
	if (problems.length) return problems;
	const response = row.response === NO_ANSWER_CSV ? null : (row.response as Category);
	return { observer, kind: row.kind as ObserverKind, image_id: imageId, category: row.category as Category, reveal, response, rt_ms: rt };
}

/**
 * Parses and checks a trial CSV. Columns may come in any order; unknown or missing columns, bad
 * values and a second answer of one observer to the same image at the same reveal level are
 * errors that name the row. Throws TrialInputError listing every problem.
 */
export function parseTrialsCsv(text: string): Trial[] {
	const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
	const header = parsed.meta.fields ?? [];
	const known: readonly string[] = [...TRIAL_COLUMNS, ...TRIAL_DETAIL_COLUMNS];
	const unknown = header.filter((c) => !known.includes(c));
	const missing = TRIAL_COLUMNS.filter((c) => !header.includes(c));
	if (unknown.length || missing.length) {
		throw new TrialInputError([
			...(unknown.length ? [`header: unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}`] : []),
			...(missing.length ? [`header: missing column(s) ${missing.join(', ')}`] : []),
			`expected the columns ${TRIAL_COLUMNS.join(',')} (optionally followed by ${TRIAL_DETAIL_COLUMNS.join(',')})`
		]);
	}
	const problems = parsed.errors.map((e) => `row ${(e.row ?? 0) + 2}: ${e.message}`);
	const trials: Trial[] = [];
	const seen = new Map<string, number>();
	parsed.data.forEach((row, i) => {
		const line = i + 2;
		const checked = checkRow(row);
		if (Array.isArray(checked)) {
			problems.push(`row ${line}: ${checked.join('; ')}`);
			return;
		}
		const key = `${checked.observer}\u0000${checked.image_id}\u0000${checked.reveal}`;
		const first = seen.get(key);
		if (first !== undefined) {
			problems.push(`row ${line}: ${checked.observer} already answered ${checked.image_id} at reveal ${checked.reveal} (row ${first})`);
			return;
		}
		seen.set(key, line);
		trials.push(checked);
	});
	if (problems.length) throw new TrialInputError(problems);
	if (trials.length === 0) throw new TrialInputError(['the file has a header but no trials']);
	return trials;
}

const rounded = (x: number | null, step: number) => (x === null ? '' : roundTo(x, step));

/** One trial's cells of the shared columns. */
function trialCells(t: Trial): (string | number)[] {
	return [t.observer, t.kind, t.image_id, t.category, t.reveal, t.response ?? NO_ANSWER_CSV, rounded(t.rt_ms, CSV_PRECISION.rt_ms)];
}

/** One trial's cells of the detail columns. */
function detailCells(d: TrialDetails): (string | number)[] {
	return [d.session_id ?? '', d.trial_index ?? '', d.block ?? '', String(d.too_slow), rounded(d.duration_ms, CSV_PRECISION.duration_ms), d.platform ?? '', d.platform_id ?? ''];
}

/** Writes trials in the shared CSV format (no answer as `none`, rt_ms empty when null, numbers at CSV_PRECISION). */
export function trialsToCsv(trials: readonly Trial[]): string {
	return Papa.unparse({ fields: [...TRIAL_COLUMNS], data: trials.map(trialCells) }, { newline: '\n' }) + '\n';
}

/** The shared columns, then TRIAL_DETAIL_COLUMNS: what the platform exports. */
export function detailedTrialsToCsv(trials: readonly (Trial & TrialDetails)[]): string {
	return Papa.unparse({ fields: [...TRIAL_COLUMNS, ...TRIAL_DETAIL_COLUMNS], data: trials.map((t) => [...trialCells(t), ...detailCells(t)]) }, { newline: '\n' }) + '\n';
}
