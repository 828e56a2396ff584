/**
 * The observer's task, in one place: the answers it allows, how a model's 1000 ImageNet
 * probabilities become one of those answers, what "no answer" is, and when an answer is correct.
 * The experiment, the models, the database and the analysis all follow this.
 *
 * - A task is an entry of `TASKS`: its categories and its decision mapping. A stimulus set names
 *   its task in the manifest (`task`); a set without one has the default task, animal vs
 *   non-animal (`DEFAULT_TASK_ID`). Another split of the ImageNet classes is a new entry here,
 *   nothing else in the model code changes.
 * - A decision mapping (model-vs-human's `DecisionMapping` per dataset) lists, for each category,
 *   the standard ImageNet-1k indices it covers; the animal task's are 0..397 (animals) and
 *   398..999, as in the Harmonization study. The answer comes by a decision rule
 *   (`DECISION_RULES`, an option recorded with each model run):
 *     top-1 (default, the paper's): the category of the most probable single class;
 *     summed: score_c = aggregate of p_i over c's indices ('sum': the probability of the
 *             category; 'mean': model-vs-human's default for its 16 categories), then the
 *             highest score (ties: the earlier category) or the mapping's own rule (`decide`):
 *             for animals, "animal" when P(animal) > 0.5 (exactly 0.5 is non_animal).
 *   The scores are computed either way (model_results.p_animal stores P(animal)).
 * - An answer is one of the task's categories. The database stores the default task's answers
 *   only: its category and response columns accept animal / non_animal (`CATEGORIES`, in
 *   config.ts), and model_results.p_animal holds the animal score.
 * - No answer within the response window is `null` in memory, in JSON and in the database; only
 *   the trial CSV writes it as the text `none` (`NO_ANSWER_CSV`), since CSV has no null.
 * - An answer is correct when it equals the image's category; no answer is never correct. The
 *   database computes the same rule where answers are stored (`record_trials` for people, a
 *   trigger for models) and exposes it as `decision_trials.correct`; a contract test checks that
 *   the two agree. Whether a trial with no answer counts at all is the analysis' option
 *   (`timeouts`: dropped by default, or counted wrong; src/analysis/decision.ts).
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

/**
 * How a model's probabilities become its answer (issue #14, item 2): an open choice, so it is an
 * option, stored with every model run (`model_runs.config.decision_rule`) and shown with results.
 * - `top-1` (default): the category of the single most probable class among the task's classes.
 *   The Harmonization paper (Fel et al. 2022, Methods, psychophysics): a model answers "animal"
 *   when its most probable of the 1000 classes is an animal (standard indices 0..397).
 * - `summed`: the task's decision mapping on summed (or averaged) probabilities, as
 *   model-vs-human's DecisionMapping aggregates per category; for animal vs non-animal,
 *   P(animal) = sum over 0..397 and "animal" when P(animal) > 0.5.
 * On masked stimuli the two disagree at low reveal, so the choice moves model accuracy.
 */
export const DECISION_RULES = {
	'top-1': { label: 'most probable class', formula: "the category of argmax_i p_i over the task's classes", source: 'Fel et al. 2022 (Harmonization), Methods' },
	summed: { label: 'summed probability', formula: "score_c = sum (or mean) of p_i over c's classes; the task's rule on the scores (animal: P(animal) > 0.5)", source: 'bethgelab/model-vs-human, DecisionMapping (aggregation per category)' }
} as const;
export type DecisionRule = keyof typeof DECISION_RULES;
export const DEFAULT_DECISION_RULE: DecisionRule = 'top-1';

export function isDecisionRule(value: unknown): value is DecisionRule {
	return typeof value === 'string' && Object.hasOwn(DECISION_RULES, value);
}

export interface TaskDecision<C extends string> {
	/** One score per category (for 'sum', the probability of the category), whatever the rule. */
	scores: Record<C, number>;
	response: C;
}

/**
 * Applies a task to the 1000 probabilities of one image, in standard order: the scores by its
 * decision mapping, and the answer by `rule` (see DECISION_RULES; top-1 ties go to the lower
 * class index, as numpy's argmax).
 */
export function decideTask<C extends string>(
	task: Pick<Task<C>, 'categories' | 'decisionMapping'>,
	probabilities: ArrayLike<number>,
	rule: DecisionRule = DEFAULT_DECISION_RULE
): TaskDecision<C> {
	if (probabilities.length !== 1000) throw new Error(`a decision mapping takes the 1000 ImageNet-1k probabilities, got ${probabilities.length}`);
	const { classes, aggregate, decide } = task.decisionMapping;
	const scores = {} as Record<C, number>;
	let top: { category: C; index: number; p: number } | null = null;
	for (const category of task.categories) {
		const indices = classes[category];
		let sum = 0;
		for (const i of indices) {
			const p = probabilities[i]!;
			sum += p;
			if (!top || p > top.p || (p === top.p && i < top.index)) top = { category, index: i, p };
		}
		scores[category] = aggregate === 'mean' ? sum / indices.length : sum;
	}
	if (rule === 'top-1') return { scores, response: top!.category };
	const response = decide ? decide(scores) : task.categories.reduce((best, c) => (scores[c] > scores[best] ? c : best));
	return { scores, response };
}
