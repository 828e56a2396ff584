/**
 * From a model's raw outputs to standard ImageNet-1k classes and the animal decision - its own
 * checked step, as in model-vs-human:
 *   1. reorder to the standard order (Darknet permutation, or drop a background class);
 *   2. softmax if the outputs are logits;
 *   3. P(animal) = sum of the probabilities of standard indices 0..397 (the animal classes, as
 *      in the Harmonization study); the decision is "animal" when P(animal) > 0.5.
 */
import classes from './imagenet-classes.json' with { type: 'json' };
import type { ModelEntry } from './registry.js';

export const IMAGENET_CLASSES: readonly string[] = classes.standard;
export const DARKNET_TO_STANDARD: readonly number[] = classes.darknet_to_standard;
/** Standard indices 0..397 are animals, 398..999 are not. */
export const LAST_ANIMAL_CLASS = 397;

/** Values in standard order, from one image's raw outputs. */
export function toStandardOrder(raw: ArrayLike<number>, entry: Pick<ModelEntry, 'outputOrder'>): Float64Array {
	const out = new Float64Array(1000);
	switch (entry.outputOrder.kind) {
		case 'standard':
			if (raw.length !== 1000) throw new Error(`expected 1000 outputs, got ${raw.length}`);
			for (let i = 0; i < 1000; i++) out[i] = raw[i]!;
			break;
		case 'darknet':
			if (raw.length !== 1000) throw new Error(`expected 1000 outputs, got ${raw.length}`);
			for (let i = 0; i < 1000; i++) out[DARKNET_TO_STANDARD[i]!] = raw[i]!;
			break;
		case 'background-first':
			if (raw.length !== 1001) throw new Error(`expected 1001 outputs (background first), got ${raw.length}`);
			for (let i = 0; i < 1000; i++) out[i] = raw[i + 1]!;
			break;
	}
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

export interface Decision {
	/** Standard-order probabilities (sum 1). */
	probabilities: Float64Array;
	top5: ClassScore[];
	/** Sum of the probabilities of classes 0..397. */
	p_animal: number;
	response: 'animal' | 'non_animal';
}

export function decide(raw: ArrayLike<number>, entry: Pick<ModelEntry, 'outputOrder' | 'outputs'>): Decision {
	const ordered = toStandardOrder(raw, entry);
	let probabilities = entry.outputs === 'logits' ? softmax(ordered) : ordered;
	if (entry.outputs === 'probabilities') {
		// renormalize: a dropped background class (or rounding) leaves the sum a little off 1
		const sum = probabilities.reduce((a, b) => a + b, 0);
		probabilities = probabilities.map((p) => p / sum);
	}
	let pAnimal = 0;
	for (let i = 0; i <= LAST_ANIMAL_CLASS; i++) pAnimal += probabilities[i]!;
	const top5 = [...probabilities.keys()]
		.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b)
		.slice(0, 5)
		.map((i) => ({ class: i, name: IMAGENET_CLASSES[i]!, p: probabilities[i]! }));
	return { probabilities, top5, p_animal: pAnimal, response: pAnimal > 0.5 ? 'animal' : 'non_animal' };
}

/** Whether any of the targets is among the top k (ClickMe's success rule). */
export function inTopK(decision: Decision, targets: readonly number[], k = 5): boolean {
	return decision.top5.slice(0, k).some((c) => targets.includes(c.class));
}
