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
 */
import Papa from 'papaparse';
import { isObserverKind, parseObserver, type ObserverKind } from '../stimuli/observer.js';
import { CATEGORIES, isCategory, NO_ANSWER_CSV, type Category, type Response } from '../stimuli/task.js';

export const TRIAL_COLUMNS = ['observer', 'kind', 'image_id', 'category', 'reveal', 'response', 'rt_ms'] as const;

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
	const unknown = header.filter((c) => !(TRIAL_COLUMNS as readonly string[]).includes(c));
	const missing = TRIAL_COLUMNS.filter((c) => !header.includes(c));
	if (unknown.length || missing.length) {
		throw new TrialInputError([
			...(unknown.length ? [`header: unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}`] : []),
			...(missing.length ? [`header: missing column(s) ${missing.join(', ')}`] : []),
			`expected the columns ${TRIAL_COLUMNS.join(',')}`
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

/** Writes trials in the shared CSV format (no answer as `none`, rt_ms empty when null). */
export function trialsToCsv(trials: readonly Trial[]): string {
	const cell = (t: Trial, c: (typeof TRIAL_COLUMNS)[number]) => (c === 'response' ? (t.response ?? NO_ANSWER_CSV) : (t[c] ?? ''));
	return Papa.unparse({ fields: [...TRIAL_COLUMNS], data: trials.map((t) => TRIAL_COLUMNS.map((c) => cell(t, c))) }, { newline: '\n' }) + '\n';
}
