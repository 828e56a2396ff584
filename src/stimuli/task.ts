/**
 * The observer's task, in one place: the answers it allows, how a model's 1000 ImageNet
 * probabilities become one of those answers, what "no answer" is, and when an answer is correct.
 * The experiment, the models, the database and the analysis all follow this.
 *
 * - A task is an entry of `TASKS`: its categories and its decision mapping. A stimulus set names
 *   its task in the manifest (`task`); a set without one has the default task, animal vs
 *   non-animal (`DEFAULT_TASK_ID`). Another split of the ImageNet classes is a new entry here,
 *   nothing else in the model code changes.
 * - A decision mapping (model-vs-human's `DecisionMapping` per dataset) turns the probabilities
 *   p_0..p_999 in the standard ImageNet-1k order into one score per category, then an answer:
 *     score_c = aggregate of p_i over the standard indices i listed for category c
 *               ('sum': sum_i p_i, the probability of the category; 'mean': the mean of those p_i,
 *               model-vs-human's default for its 16 categories);
 *     answer  = the category with the highest score (ties: the earlier category), unless the
 *               mapping states its own rule (`decide`).
 *   Animal vs non-animal follows the Harmonization study: P(animal) = sum of p_i over standard
 *   indices 0..397 (the animal classes), P(non_animal) = sum over 398..999, and the answer is
 *   animal when P(animal) > 0.5 (exactly 0.5 is non_animal).
 * - An answer is one of the task's categories. The database stores the default task's answers
 *   only: its category and response columns accept animal / non_animal (`CATEGORIES`, in
 *   config.ts), and model_results.p_animal holds the animal score.
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
export function isCorrect<C extends string = Category>(response: C | null, category: C): boolean {
	return response !== null && response === category;
}

/** From 1000 standard-order ImageNet probabilities to one score per category, then an answer. */
export interface DecisionMapping<C extends string> {
	/** The standard ImageNet-1k indices (0..999) whose probabilities count towards each category. */
	classes: { readonly [K in C]: readonly number[] };
	/** How a category's probabilities become its score: their sum or their mean. */
	aggregate: 'sum' | 'mean';
	/** The answer from the scores; without it, the highest score (ties: the earlier category). */
	decide?: (scores: Readonly<Record<C, number>>) => C;
}

export interface Task<C extends string = string> {
	id: string;
	/** How pages and reports name the task. */
	label: string;
	/** The answers, in the order pages show them. */
	categories: readonly C[];
	decisionMapping: DecisionMapping<C>;
}

/** The standard ImageNet-1k indices first..last. */
export function classRange(first: number, last: number): number[] {
	return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Standard indices 0..397 are the animal classes, 398..999 are not (Harmonization). */
const LAST_ANIMAL_CLASS = 397;

/** The tasks a stimulus set can name, by id. */
export const TASKS = {
	'animal-vs-non-animal': {
		id: 'animal-vs-non-animal',
		label: 'animal or not',
		categories: CATEGORIES,
		decisionMapping: {
			classes: { animal: classRange(0, LAST_ANIMAL_CLASS), non_animal: classRange(LAST_ANIMAL_CLASS + 1, 999) },
			aggregate: 'sum',
			decide: (scores) => (scores.animal > 0.5 ? 'animal' : 'non_animal')
		}
	}
} as const satisfies Record<string, Task<Category>>;

export type TaskId = keyof typeof TASKS;
/** The task of a stimulus set that names none. */
export const DEFAULT_TASK_ID: TaskId = 'animal-vs-non-animal';
export type DefaultTask = (typeof TASKS)[typeof DEFAULT_TASK_ID];

export function isTaskId(value: unknown): value is TaskId {
	return typeof value === 'string' && Object.hasOwn(TASKS, value);
}

/** The task a stimulus set (its manifest) names, or the default task when it names none. */
export function taskOf(set: { task?: string }): (typeof TASKS)[TaskId] {
	const id = set.task ?? DEFAULT_TASK_ID;
	if (!isTaskId(id)) throw new Error(`unknown task "${id}" (known: ${Object.keys(TASKS).join(', ')})`);
	return TASKS[id];
}

export interface TaskDecision<C extends string> {
	/** One score per category (for 'sum', the probability of the category). */
	scores: Record<C, number>;
	response: C;
}

/** Applies a task's decision mapping to the 1000 probabilities of one image, in standard order. */
export function decideTask<C extends string>(task: Pick<Task<C>, 'categories' | 'decisionMapping'>, probabilities: ArrayLike<number>): TaskDecision<C> {
	if (probabilities.length !== 1000) throw new Error(`a decision mapping takes the 1000 ImageNet-1k probabilities, got ${probabilities.length}`);
	const { classes, aggregate, decide } = task.decisionMapping;
	const scores = {} as Record<C, number>;
	for (const category of task.categories) {
		const indices = classes[category];
		let sum = 0;
		for (const i of indices) sum += probabilities[i]!;
		scores[category] = aggregate === 'mean' ? sum / indices.length : sum;
	}
	const response = decide ? decide(scores) : task.categories.reduce((best, c) => (scores[c] > scores[best] ? c : best));
	return { scores, response };
}
