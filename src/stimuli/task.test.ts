import { describe, expect, it } from 'vitest';
import { checkManifest, MANIFEST_FORMAT } from './manifest.js';
import { CATEGORIES, classRange, decideTask, DEFAULT_DECISION_RULE, DEFAULT_TASK_ID, isCorrect, taskOf, TASKS, type Task } from './task.js';

/** A probability vector over the 1000 standard classes with the given masses (the rest 0). */
function probabilities(masses: Record<number, number>): Float64Array {
	const p = new Float64Array(1000);
	for (const [i, mass] of Object.entries(masses)) p[Number(i)] = mass;
	return p;
}

describe('the task registry', () => {
	it('every task lists valid, non-empty, non-overlapping class indices for each of its categories', () => {
		for (const task of Object.values(TASKS) as Task[]) {
			const seen = new Set<number>();
			for (const category of task.categories) {
				const indices = task.decisionMapping.classes[category]!;
				expect(indices.length, `${task.id}: ${category}`).toBeGreaterThan(0);
				for (const i of indices) {
					expect(Number.isInteger(i) && i >= 0 && i <= 999, `${task.id}: ${category} has ${i}`).toBe(true);
					expect(seen.has(i), `${task.id}: class ${i} in two categories`).toBe(false);
					seen.add(i);
				}
			}
		}
	});

	it('the default task is animal vs non-animal: classes 0..397 against 398..999, summed', () => {
		const task = TASKS[DEFAULT_TASK_ID];
		expect(task.categories).toEqual(CATEGORIES);
		expect(task.decisionMapping.classes.animal).toEqual(classRange(0, 397));
		expect(task.decisionMapping.classes.non_animal).toEqual(classRange(398, 999));
		expect(taskOf({})).toBe(task);
		expect(taskOf({ task: 'animal-vs-non-animal' })).toBe(task);
		expect(() => taskOf({ task: 'no-such-task' })).toThrow('unknown task "no-such-task" (known: animal-vs-non-animal)');
	});

	it('animal vs non-animal, summed rule: P(animal) = sum over 0..397, animal only when P(animal) > 0.5', () => {
		const task = TASKS['animal-vs-non-animal'];
		const even = decideTask(task, probabilities({ 0: 0.2, 397: 0.3, 398: 0.25, 999: 0.25 }), 'summed');
		expect(even.scores.animal).toBeCloseTo(0.5, 12);
		expect(even.scores.non_animal).toBeCloseTo(0.5, 12);
		expect(even.response).toBe('non_animal'); // exactly half is not more than half
		const animal = decideTask(task, probabilities({ 0: 0.21, 397: 0.3, 398: 0.24, 999: 0.25 }), 'summed');
		expect(animal.scores.animal).toBeCloseTo(0.51, 12);
		expect(animal.response).toBe('animal');
		expect(() => decideTask(task, new Float64Array(1001))).toThrow('a decision mapping takes the 1000 ImageNet-1k probabilities, got 1001');
	});

	it("the paper's rule (the default) answers with the most probable class's category, where the summed rule disagrees", () => {
		const task = TASKS['animal-vs-non-animal'];
		expect(DEFAULT_DECISION_RULE).toBe('top-1');
		// many weak animal classes outweigh one strong non-animal class: summed says animal, top-1 non_animal
		const spread = probabilities({ ...Object.fromEntries(classRange(0, 59).map((i) => [i, 0.01])), 500: 0.3, 600: 0.1 });
		expect(decideTask(task, spread).scores.animal).toBeCloseTo(0.6, 12);
		expect(decideTask(task, spread, 'summed').response).toBe('animal');
		expect(decideTask(task, spread).response).toBe('non_animal'); // argmax is class 500 (0.3)
		// one strong animal class against spread non-animal mass: top-1 says animal, summed non_animal
		const strong = probabilities({ 7: 0.4, ...Object.fromEntries(classRange(400, 459).map((i) => [i, 0.01])) });
		expect(decideTask(task, strong).response).toBe('animal');
		expect(decideTask(task, strong, 'summed').response).toBe('non_animal'); // P(animal) = 0.4
		// a tie of the top classes goes to the lower class index (numpy's argmax)
		expect(decideTask(task, probabilities({ 397: 0.5, 398: 0.5 })).response).toBe('animal');
		expect(decideTask(task, probabilities({ 398: 0.5, 999: 0.5 })).response).toBe('non_animal');
	});

	it('a new task is a new mapping: a made-up three-way split (dogs, cats, the rest) by argmax', () => {
		// ImageNet's dogs are standard 151..268 and its domestic cats 281..285
		const dogsCatsRest: Task<'dog' | 'cat' | 'other'> = {
			id: 'dogs-cats-rest',
			label: 'dog, cat or other',
			categories: ['dog', 'cat', 'other'],
			decisionMapping: {
				classes: { dog: classRange(151, 268), cat: classRange(281, 285), other: [...classRange(0, 150), ...classRange(269, 280), ...classRange(286, 999)] },
				aggregate: 'sum'
			}
		};
		const d = decideTask(dogsCatsRest, probabilities({ 151: 0.2, 200: 0.15, 281: 0.3, 500: 0.35 }), 'summed');
		expect(d.scores).toEqual({ dog: 0.35, cat: 0.3, other: 0.35 });
		expect(d.response).toBe('dog'); // a tie goes to the earlier category
		expect(decideTask(dogsCatsRest, probabilities({ 151: 0.2, 281: 0.45, 500: 0.35 }), 'summed').response).toBe('cat');
		expect(decideTask(dogsCatsRest, probabilities({ 151: 0.2, 200: 0.15, 281: 0.3, 500: 0.35 })).response).toBe('other'); // top-1: class 500
		expect(isCorrect(d.response, 'dog')).toBe(true);
		expect(isCorrect<'dog' | 'cat' | 'other'>(null, 'dog')).toBe(false);

		// the same split with model-vs-human's mean aggregation: a category's mean probability
		const mean = decideTask({ ...dogsCatsRest, decisionMapping: { ...dogsCatsRest.decisionMapping, aggregate: 'mean' } }, probabilities({ 151: 0.2, 200: 0.15, 281: 0.3, 500: 0.35 }), 'summed');
		expect(mean.scores.dog).toBeCloseTo(0.35 / 118, 12);
		expect(mean.scores.cat).toBeCloseTo(0.3 / 5, 12);
		expect(mean.scores.other).toBeCloseTo(0.35 / 877, 12);
		expect(mean.response).toBe('cat');
	});
});

describe('a stimulus set names its task', () => {
	const manifest = (extra: object) => ({
		format: MANIFEST_FORMAT, name: 't', seed: 1, levels: [1], map_source: 'uploaded', seeding: '',
		images: [{ image_id: 'a', category: 'animal' }], stimuli: [{ image_id: 'a', reveal: 1, file: 'a.png' }], ...extra
	});

	it('without a task, the default one; an unknown task or a category outside the task is refused', () => {
		expect(taskOf(checkManifest(manifest({}))).id).toBe('animal-vs-non-animal');
		expect(taskOf(checkManifest(manifest({ task: 'animal-vs-non-animal' }))).id).toBe('animal-vs-non-animal');
		expect(() => checkManifest(manifest({ task: 'dogs-cats-rest' }))).toThrow('manifest task must be one of animal-vs-non-animal (got "dogs-cats-rest")');
		expect(() => checkManifest(manifest({ images: [{ image_id: 'a', category: 'plant' }] }))).toThrow('image a: category must be animal or non_animal');
	});
});
