/**
 * What players and annotators see and do, without the DOM: taking strokes back (undo, clear),
 * brush sizes per stroke, the object's name in plain words, and where annotation resumes.
 */
import { describe, expect, it } from 'vitest';
import { ANNOTATION_BRUSHES, annotationOrder, DEFAULT_ANNOTATION_BRUSH } from './annotation.js';
import { CLICKME_DEFAULTS } from './config.js';
import { objectName, plainClassName } from './object-name.js';
import { paintedMask } from './paint.js';
import { PaintedRound } from './round.js';

/** A round on a 5 x 5 grid with one click per stroke, at the given pixel centres. */
function clicks(round: PaintedRound, ...points: [number, number][]) {
	points.forEach(([x, y], t) => {
		round.begin(x, y, t);
		round.end();
	});
}

describe('undo and clear', () => {
	it('undo takes back the last stroke: the mask is repainted from the strokes left', () => {
		const round = new PaintedRound(5, 5, 1);
		clicks(round, [1.5, 1.5], [3.5, 3.5]);
		// two plus signs of 5 pixels, not touching: 10 pixels
		expect(round.paintedFraction()).toBe(10 / 25);
		const taken = round.undo();
		expect(taken?.points).toEqual([[3.5, 3.5, 1]]);
		expect(round.strokes).toHaveLength(1);
		expect(Array.from(round.mask)).toEqual(Array.from(paintedMask(5, 5, round.strokes)));
		expect(round.paintedFraction()).toBe(5 / 25);
	});

	it('undo keeps pixels a remaining stroke also painted', () => {
		const round = new PaintedRound(5, 5, 1);
		clicks(round, [2.5, 2.5], [2.5, 2.5]);
		round.undo();
		expect(round.paintedFraction()).toBe(5 / 25);
	});

	it('undo with nothing painted, or in the middle of a stroke, takes nothing back', () => {
		const round = new PaintedRound(5, 5, 1);
		expect(round.undo()).toBeNull();
		clicks(round, [1.5, 1.5]);
		round.begin(3.5, 3.5, 5);
		expect(round.undo()).toBeNull();
		expect(round.end()?.points).toEqual([[3.5, 3.5, 5]]);
		expect(round.strokes).toHaveLength(2);
	});

	it('clear takes back every stroke', () => {
		const round = new PaintedRound(5, 5, 1);
		clicks(round, [1.5, 1.5], [3.5, 3.5]);
		round.clear();
		expect(round.strokes).toHaveLength(0);
		expect(round.paintedFraction()).toBe(0);
		expect(round.undo()).toBeNull();
	});

	it('each stroke keeps the brush radius it was begun with', () => {
		const round = new PaintedRound(5, 5, 1);
		clicks(round, [2.5, 2.5]);
		round.radius = 0.5; // only the pixel under the point
		clicks(round, [0.5, 0.5]);
		expect(round.strokes.map((s) => s.radius)).toEqual([1, 0.5]);
		expect(round.paintedFraction()).toBe(6 / 25);
		round.undo();
		round.undo();
		expect(round.paintedFraction()).toBe(0);
	});
});

describe('brush sizes', () => {
	it('the default annotation brush is the game brush, and sizes grow', () => {
		expect(ANNOTATION_BRUSHES[DEFAULT_ANNOTATION_BRUSH].radiusAt256).toBe(CLICKME_DEFAULTS.brushRadius);
		const radii = ANNOTATION_BRUSHES.map((b) => b.radiusAt256);
		expect([...radii].sort((a, b) => a - b)).toEqual(radii);
	});
});

describe('the object in plain words', () => {
	const names = ['tabby, tabby cat', 'tiger cat', 'Egyptian cat', 'Komodo dragon, Komodo lizard, ', 'ox', 'sorrel', 'macaw'];

	it('a class is named by its first synonym', () => {
		expect(plainClassName('tabby, tabby cat')).toBe('tabby');
		expect(plainClassName('Komodo dragon, Komodo lizard, ')).toBe('Komodo dragon');
		expect(plainClassName('macaw')).toBe('macaw');
	});

	it('a photo is named by its classes joined with "or", repeats left out', () => {
		expect(objectName({ category: 'animal', imagenet_classes: [4] }, names)).toBe('ox');
		expect(objectName({ category: 'animal', imagenet_classes: [0, 1, 2] }, names)).toBe('tabby, tiger cat or Egyptian cat');
		expect(objectName({ category: 'animal', imagenet_classes: [1, 1] }, names)).toBe('tiger cat');
	});

	it('more than three classes end with "or N more"', () => {
		expect(objectName({ category: 'animal', imagenet_classes: [0, 1, 2, 3, 4] }, names)).toBe('tabby, tiger cat, Egyptian cat or 2 more');
	});

	it('a photo without classes is named by its category', () => {
		expect(objectName({ category: 'non_animal', imagenet_classes: [] }, names)).toBe('non animal');
	});

	it('uses the ImageNet class list by default', () => {
		expect(objectName({ category: 'animal', imagenet_classes: [281] })).toBe('tabby');
		expect(objectName({ category: 'non_animal', imagenet_classes: [817] })).toBe('sports car');
	});
});

describe('where annotation resumes', () => {
	const images = ['a', 'b', 'c', 'd', 'e'];

	it('first the images neither annotated nor skipped, in the set\'s order', () => {
		expect(annotationOrder(images, { annotated: [], skipped: [] })).toEqual(images);
		expect(annotationOrder(images, { annotated: ['a', 'b'], skipped: [] })).toEqual(['c', 'd', 'e']);
	});

	it('then the skipped ones; annotated images never come back', () => {
		expect(annotationOrder(images, { annotated: ['a', 'c'], skipped: ['b'] })).toEqual(['d', 'e', 'b']);
		expect(annotationOrder(images, { annotated: images, skipped: [] })).toEqual([]);
	});

	it('an image both skipped and annotated counts as annotated', () => {
		expect(annotationOrder(images, { annotated: ['b'], skipped: ['b'] })).toEqual(['a', 'c', 'd', 'e']);
	});
});
