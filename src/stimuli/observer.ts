/**
 * Who answers the task: an observer is a person or a model (a model is just another observer),
 * in one structure `{kind, id, test}`, with ONE text form, made by `formatObserver` and read by
 * `parseObserver` and nowhere else:
 *
 *   [test:]<kind>:<id>      e.g. human:7f0c...  model:mobilenet-v1-0.25  test:model:mobilenet-v1-0.25
 *
 * - `kind`: `human` (id: the participant's uuid) or `model` (id: the model registry's id);
 * - `test`: the answers come from an automated test (a simulated session or a test run), never
 *   human results; the text form starts with `test:` so a test observer can never pass for a
 *   person in a CSV or a report.
 *
 * The database returns the parts in separate columns (`decision_trials.observer_kind`,
 * `observer_id`, `is_test`); the trial CSV, the reports' keys and a model's map source
 * (`importance_maps.source = 'model:<id>'`) use the text form.
 */

export const OBSERVER_KINDS = ['human', 'model'] as const;
export type ObserverKind = (typeof OBSERVER_KINDS)[number];

export interface Observer {
	kind: ObserverKind;
	id: string;
	/** Made by an automated test, never human results. */
	test: boolean;
}

/** What the text form of a test observer starts with. */
export const TEST_OBSERVER_PREFIX = 'test:';

const TEXT_FORM = /^(test:)?(human|model):(.+)$/;

export function isObserverKind(value: unknown): value is ObserverKind {
	return (OBSERVER_KINDS as readonly unknown[]).includes(value);
}

/** The observer's text form: `[test:]<kind>:<id>`. */
export function formatObserver(observer: Observer): string {
	if (!observer.id) throw new Error(`an observer needs an id (kind ${observer.kind})`);
	return `${observer.test ? TEST_OBSERVER_PREFIX : ''}${observer.kind}:${observer.id}`;
}

/**
 * The structure behind a text form. A hand-written trial file may name its observers freely
 * (`p1`), its kind column saying who they are: given that `kind`, a name that is not a text form
 * is read as `{kind, id: name, test: false}`; without it, such a name gives null.
 */
export function parseObserver(text: string): Observer | null;
export function parseObserver(text: string, kind: ObserverKind): Observer;
export function parseObserver(text: string, kind?: ObserverKind): Observer | null {
	const match = TEXT_FORM.exec(text);
	if (match) return { kind: match[2] as ObserverKind, id: match[3]!, test: match[1] !== undefined };
	return kind ? { kind, id: text, test: false } : null;
}

/** A model's observer (a model run's answers, or the source of its saliency maps). */
export const modelObserver = (id: string, test = false): Observer => ({ kind: 'model', id, test });
