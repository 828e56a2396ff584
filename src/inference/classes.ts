/**
 * From a model's raw outputs to probabilities over the standard ImageNet-1k classes - its own
 * checked step, as in model-vs-human:
 *   1. reorder to the standard order with the adapter of the model's output order
 *      (`OUTPUT_ORDERS`: standard, Darknet's permutation, or a background class first);
 *   2. softmax if the outputs are logits (renormalized if they are probabilities);
 *   3. the top 5 classes.
 * The task's answer (e.g. animal or not) is a separate step: the stimulus set's task maps these
 * probabilities onto its categories (`decideTask` in src/stimuli/task.ts).
 */
import { decideTask, type DecisionRule, type Task, type TaskDecision } from '../stimuli/task.js';
import classes from './imagenet-classes.json' with { type: 'json' };
import type { ModelEntry, OutputOrder } from './registry.js';

export const IMAGENET_CLASSES: readonly string[] = classes.standard;
export const DARKNET_TO_STANDARD: readonly number[] = classes.darknet_to_standard;
const STANDARD_TO_DARKNET: readonly number[] = DARKNET_TO_STANDARD.reduce<number[]>((inverse, standard, darknet) => ((inverse[standard] = darknet), inverse), []);

/** What the platform knows of one output order: the only place that tells the kinds apart. */
export interface OutputAdapter {
	/** How many values the model outputs per image. */
	outputs: number;
	/** Said after "expected N outputs" when the count is wrong. */
	note: string;
	/** Where standard class `standard` (0..999) sits in the model's output. */
	modelIndex(standard: number): number;
}

export const OUTPUT_ORDERS: { readonly [K in OutputOrder['kind']]: OutputAdapter } = {
	standard: { outputs: 1000, note: '', modelIndex: (standard) => standard },
	darknet: { outputs: 1000, note: '', modelIndex: (standard) => STANDARD_TO_DARKNET[standard]! },
	'background-first': { outputs: 1001, note: ' (background first)', modelIndex: (standard) => standard + 1 }
};

export function outputAdapter(entry: Pick<ModelEntry, 'outputOrder'>): OutputAdapter {
	return OUTPUT_ORDERS[entry.outputOrder.kind];
}

/** Values in standard order, from one image's raw outputs: out[s] = raw[modelIndex(s)]. */
export function toStandardOrder(raw: ArrayLike<number>, entry: Pick<ModelEntry, 'outputOrder'>): Float64Array {
	const adapter = outputAdapter(entry);
	if (raw.length !== adapter.outputs) throw new Error(`expected ${adapter.outputs} outputs${adapter.note}, got ${raw.length}`);
	const out = new Float64Array(1000);
	for (let s = 0; s < 1000; s++) out[s] = raw[adapter.modelIndex(s)]!;
	return out;
}

/** softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x) */
export function softmax(logits: ArrayLike<number>): Float64Array {
	let max = -Infinity;
	for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
	const out = new Float64Array(logits.length);
	let sum = 0;
	for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
	for (let i = 0; i < out.length; i++) out[i]! /= sum;
	return out;
}

export interface ClassScore {
	class: number;
	name: string;
	p: number;
}

/** What a model says of one image, before any task. */
export interface Prediction {
	/** Standard-order probabilities (sum 1). */
	probabilities: Float64Array;
	top5: ClassScore[];
}

/** A prediction and the task's answer drawn from it. */
export type Decision<C extends string> = Prediction & TaskDecision<C>;

export function predict(raw: ArrayLike<number>, entry: Pick<ModelEntry, 'outputOrder' | 'outputs'>): Prediction {
	const ordered = toStandardOrder(raw, entry);
	let probabilities = entry.outputs === 'logits' ? softmax(ordered) : ordered;
	if (entry.outputs === 'probabilities') {
		// renormalize: a dropped background class (or rounding) leaves the sum a little off 1
		const sum = probabilities.reduce((a, b) => a + b, 0);
		probabilities = probabilities.map((p) => p / sum);
	}
	const top5 = [...probabilities.keys()]
		.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b)
		.slice(0, 5)
		.map((i) => ({ class: i, name: IMAGENET_CLASSES[i]!, p: probabilities[i]! }));
	return { probabilities, top5 };
}

/** The prediction and the task's answer (the task's decision mapping on the probabilities). */
export function decide<C extends string>(prediction: Prediction, task: Pick<Task<C>, 'categories' | 'decisionMapping'>, rule?: DecisionRule): Decision<C> {
	return { ...prediction, ...decideTask(task, prediction.probabilities, rule) };
}

/** Whether any of the targets is among the top k (ClickMe's success rule). */
export function inTopK(prediction: Prediction, targets: readonly number[], k = 5): boolean {
	return prediction.top5.slice(0, k).some((c) => targets.includes(c.class));
}
