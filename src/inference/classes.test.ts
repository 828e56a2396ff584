import { describe, expect, it } from 'vitest';
import { TASKS } from '../stimuli/task.js';
import classes from './imagenet-classes.json' with { type: 'json' };
import { DARKNET_TO_STANDARD, decide, IMAGENET_CLASSES, inTopK, OUTPUT_ORDERS, predict, softmax, toStandardOrder } from './classes.js';

const animalTask = TASKS['animal-vs-non-animal'];

describe('mapping outputs to the standard ImageNet-1k order', () => {
	it('the Darknet permutation is a bijection of 1000 classes', () => {
		expect([...DARKNET_TO_STANDARD].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
	});

	it('agrees with Darknet\'s own class names (an independent check of the permutation)', () => {
		const agree = classes.darknet_names.filter((name, i) => IMAGENET_CLASSES[DARKNET_TO_STANDARD[i]!]!.toLowerCase().includes(name.toLowerCase())).length;
		expect(agree).toBeGreaterThanOrEqual(995);
		expect(IMAGENET_CLASSES[DARKNET_TO_STANDARD[0]!]).toBe('kit fox, Vulpes macrotis'); // Darknet's first output
		expect(IMAGENET_CLASSES[0]).toBe('tench, Tinca tinca');
		expect(IMAGENET_CLASSES[397]).toBe('puffer, pufferfish, blowfish, globefish'); // the last animal
		expect(IMAGENET_CLASSES[398]).toBe('abacus');
	});

	it('reorders Darknet outputs and drops a background class', () => {
		const raw = Array.from({ length: 1000 }, (_, i) => i);
		const ordered = toStandardOrder(raw, { outputOrder: { kind: 'darknet' } });
		expect(ordered[DARKNET_TO_STANDARD[7]!]).toBe(7);
		const withBackground = [99, ...raw];
		expect(Array.from(toStandardOrder(withBackground, { outputOrder: { kind: 'background-first' } }))).toEqual(raw);
		expect(() => toStandardOrder([1, 2], { outputOrder: { kind: 'standard' } })).toThrow('expected 1000 outputs, got 2');
	});
});

describe('one adapter per output order', () => {
	it('standard: 1000 outputs, each class where it is', () => {
		const adapter = OUTPUT_ORDERS.standard;
		expect(adapter.outputs).toBe(1000);
		expect([0, 397, 999].map((s) => adapter.modelIndex(s))).toEqual([0, 397, 999]);
		const raw = new Array(1000).fill(0);
		raw[417] = 5; // balloon
		expect(predict(raw, { outputOrder: { kind: 'standard' }, outputs: 'logits' }).top5[0]).toMatchObject({ class: 417, name: 'balloon' });
	});

	it('darknet: the argmax of a Darknet-order vector lands where the permutation says', () => {
		const adapter = OUTPUT_ORDERS.darknet;
		expect(adapter.outputs).toBe(1000);
		// Darknet's output 3 is the standard class DARKNET_TO_STANDARD[3]; modelIndex is its inverse
		const standard = DARKNET_TO_STANDARD[3]!;
		expect(adapter.modelIndex(standard)).toBe(3);
		for (let s = 0; s < 1000; s += 37) expect(DARKNET_TO_STANDARD[adapter.modelIndex(s)]).toBe(s);
		const raw = new Array(1000).fill(0);
		raw[3] = 8;
		const prediction = predict(raw, { outputOrder: { kind: 'darknet' }, outputs: 'logits' });
		expect(prediction.top5[0]!.class).toBe(standard);
		expect(prediction.top5[0]!.name).toBe(IMAGENET_CLASSES[standard]);
		expect(() => toStandardOrder(new Array(1001).fill(0), { outputOrder: { kind: 'darknet' } })).toThrow('expected 1000 outputs, got 1001');
	});

	it('background-first: 1001 outputs, the background at 0 dropped and the rest shifted by one', () => {
		const adapter = OUTPUT_ORDERS['background-first'];
		expect(adapter.outputs).toBe(1001);
		expect([0, 999].map((s) => adapter.modelIndex(s))).toEqual([1, 1000]);
		// probabilities with most mass on the background: dropped, the rest renormalized
		const raw = new Array(1001).fill(0);
		raw[0] = 0.6;
		raw[1] = 0.3; // standard class 0, tench
		raw[400] = 0.1; // standard class 399
		const prediction = predict(raw, { outputOrder: { kind: 'background-first' }, outputs: 'probabilities' });
		expect(prediction.top5.slice(0, 2).map((c) => c.class)).toEqual([0, 399]);
		expect(prediction.probabilities[0]).toBeCloseTo(0.75, 12); // 0.3 / (0.3 + 0.1)
		expect(prediction.probabilities[399]).toBeCloseTo(0.25, 12);
		expect(() => toStandardOrder(new Array(1000).fill(0), { outputOrder: { kind: 'background-first' } })).toThrow('expected 1001 outputs (background first), got 1000');
	});
});

describe('the animal decision', () => {
	it('softmax matches values worked out by hand', () => {
		// e^0, e^1, e^2 over their sum 1 + 2.71828 + 7.38906 = 11.10734
		const p = softmax([0, 1, 2]);
		expect(p[0]).toBeCloseTo(0.09003, 5);
		expect(p[1]).toBeCloseTo(0.24473, 5);
		expect(p[2]).toBeCloseTo(0.66524, 5);
	});

	it('P(animal) is the probability mass on classes 0..397; the summed rule says animal when above 0.5', () => {
		const probs = new Array(1000).fill(0);
		probs[397] = 0.3; // puffer: an animal
		probs[398] = 0.25; // abacus: not
		probs[10] = 0.2;
		probs[999] = 0.25;
		const d = decide(predict(probs, { outputOrder: { kind: 'standard' }, outputs: 'probabilities' }), animalTask, 'summed');
		expect(d.scores.animal).toBeCloseTo(0.5, 12);
		expect(d.response).toBe('non_animal'); // exactly 0.5 is not "more than half"
		expect(d.top5.map((c) => c.class)).toEqual([397, 398, 999, 10, 0]);
		expect(inTopK(d, [10])).toBe(true);
		expect(inTopK(d, [10], 3)).toBe(false);
		probs[10] = 0.21;
		expect(decide(predict(probs, { outputOrder: { kind: 'standard' }, outputs: 'probabilities' }), animalTask, 'summed').response).toBe('animal');
		probs[10] = 0.2;
		// the paper's rule (default): the most probable class, 397 (puffer), is an animal
		expect(decide(predict(probs, { outputOrder: { kind: 'standard' }, outputs: 'probabilities' }), animalTask).response).toBe('animal');
	});

	it('applies softmax to logits in the model\'s order', () => {
		const logits = new Array(1000).fill(0);
		logits[0] = 10; // Darknet output 0 is "kit fox", standard 278: an animal
		const d = decide(predict(logits, { outputOrder: { kind: 'darknet' }, outputs: 'logits' }), animalTask);
		expect(d.top5[0]).toMatchObject({ class: 278, name: 'kit fox, Vulpes macrotis' });
		expect(d.scores.animal).toBeGreaterThan(0.95);
	});
});
