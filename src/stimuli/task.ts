/**
 * The observer's task, in one place: the answers it allows, what "no answer" is, and when an
 * answer is correct. The experiment, the models, the database and the analysis all follow this.
 *
 * - An answer is one of the stimulus set's categories (`CATEGORIES`, today animal / non_animal).
 * - No answer within the response window is `null` in memory, in JSON and in the database; only
 *   the trial CSV writes it as the text `none` (`NO_ANSWER_CSV`), since CSV has no null.
 * - An answer is correct when it equals the image's category; no answer counts as wrong. The
 *   database computes the same rule where answers are stored (`record_trials` for people, a
 *   trigger for models) and exposes it as `decision_trials.correct`; a contract test checks that
 *   the two agree.
 */
import { CATEGORIES, type Category } from './config.js';

export { CATEGORIES, type Category };

/** An observer's answer to one trial: a category, or null for no answer in time. */
export type Response = Category | null;

/** How the trial CSV writes "no answer". */
export const NO_ANSWER_CSV = 'none';

export function isCategory(value: unknown): value is Category {
	return (CATEGORIES as readonly unknown[]).includes(value);
}

/** Correct when the answer equals the category; no answer (null) is wrong. */
export function isCorrect(response: Response, category: Category): boolean {
	return response !== null && response === category;
}
