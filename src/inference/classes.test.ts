import { describe, expect, it } from 'vitest';
import classes from './imagenet-classes.json' with { type: 'json' };
import { DARKNET_TO_STANDARD, decide, IMAGENET_CLASSES, inTopK, softmax, toStandardOrder } from './classes.js';

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

describe('the animal decision', () => {
	it('softmax matches values worked out by hand', () => {
		// e^0, e^1, e^2 over their sum 1 + 2.71828 + 7.38906 = 11.10734
		const p = softmax([0, 1, 2]);
		expect(p[0]).toBeCloseTo(0.09003, 5);
		expect(p[1]).toBeCloseTo(0.24473, 5);
		expect(p[2]).toBeCloseTo(0.66524, 5);
	});

	it('P(animal) is the probability mass on classes 0..397; animal when above 0.5', () => {
		const probs = new Array(1000).fill(0);
		probs[397] = 0.3; // puffer: an animal
		probs[398] = 0.25; // abacus: not
		probs[10] = 0.2;
		probs[999] = 0.25;
		const d = decide(probs, { outputOrder: { kind: 'standard' }, outputs: 'probabilities' });
		expect(d.p_animal).toBeCloseTo(0.5, 12);
		expect(d.response).toBe('non_animal'); // exactly 0.5 is not "more than half"
		expect(d.top5.map((c) => c.class)).toEqual([397, 398, 999, 10, 0]);
		expect(inTopK(d, [10])).toBe(true);
		expect(inTopK(d, [10], 3)).toBe(false);
		probs[10] = 0.21;
		expect(decide(probs, { outputOrder: { kind: 'standard' }, outputs: 'probabilities' }).response).toBe('animal');
	});

	it('applies softmax to logits in the model\'s order', () => {
		const logits = new Array(1000).fill(0);
		logits[0] = 10; // Darknet output 0 is "kit fox", standard 278: an animal
		const d = decide(logits, { outputOrder: { kind: 'darknet' }, outputs: 'logits' });
		expect(d.top5[0]).toMatchObject({ class: 278, name: 'kit fox, Vulpes macrotis' });
		expect(d.p_animal).toBeGreaterThan(0.95);
	});
});
