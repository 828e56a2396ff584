/** "At most N stimuli" (sample.ts): balanced across categories and levels, seeded, in the set's order. */
import { describe, expect, it } from 'vitest';
import { sampleStimuli } from './sample.js';

type S = { id: string; category: string; level_index: number };
/** `images` images per category, each at every level. */
const set = (categories: string[], levels: number, images: number): S[] =>
	categories.flatMap((category) => Array.from({ length: images }, (_, i) => Array.from({ length: levels }, (_, l) => ({ id: `${category}-${i}-${l}`, category, level_index: l }))).flat());
const tally = (sample: S[], key: (s: S) => string | number) => {
	const counts = new Map<string | number, number>();
	for (const s of sample) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
	return counts;
};
const spread = (counts: Map<unknown, number>) => Math.max(...counts.values()) - Math.min(...counts.values());

describe('sampleStimuli', () => {
	const stimuli = set(['animal', 'non_animal'], 10, 5); // 100 stimuli, 20 cells of 5

	it('takes one of each category, at two different levels, when asked for two', () => {
		const two = sampleStimuli(stimuli, 2, 1);
		expect(two.map((s) => s.category).sort()).toEqual(['animal', 'non_animal']);
		expect(new Set(two.map((s) => s.level_index)).size).toBe(2);
	});

	it('fills every (category, level) cell once before any twice, and balances both margins', () => {
		// 20 = one per cell
		const twenty = sampleStimuli(stimuli, 20, 1);
		expect([...tally(twenty, (s) => `${s.category}/${s.level_index}`).values()]).toEqual(Array(20).fill(1));
		for (const n of [3, 7, 13, 25, 37, 61, 99]) {
			const sample = sampleStimuli(stimuli, n, 3);
			expect(sample).toHaveLength(n);
			expect(new Set(sample).size).toBe(n); // no stimulus twice
			const cells = tally(sample, (s) => `${s.category}/${s.level_index}`);
			expect(Math.max(...cells.values()) - (cells.size === 20 ? Math.min(...cells.values()) : 0), `cells, n ${n}`).toBeLessThanOrEqual(1);
			expect(spread(tally(sample, (s) => s.category)), `categories, n ${n}`).toBeLessThanOrEqual(1);
			if (n >= 10) expect(spread(tally(sample, (s) => s.level_index)), `levels, n ${n}`).toBeLessThanOrEqual(1);
		}
	});

	it('is the same for the same seed, differs for another, and keeps the set\'s order', () => {
		const a = sampleStimuli(stimuli, 15, 'x');
		expect(sampleStimuli(stimuli, 15, 'x')).toEqual(a);
		expect(sampleStimuli(stimuli, 15, 'y')).not.toEqual(a);
		expect(a).toEqual(stimuli.filter((s) => a.includes(s)));
	});

	it('passes over a cell that has run out, and takes everything when N covers the set', () => {
		// 2 non-animal stimuli and 8 animal ones at one level: 6 = both non-animal + 4 animal
		const lopsided = [...set(['animal'], 1, 8), ...set(['non_animal'], 1, 2)];
		expect(tally(sampleStimuli(lopsided, 6, 1), (s) => s.category)).toEqual(new Map([['animal', 4], ['non_animal', 2]]));
		expect(sampleStimuli(stimuli, 100, 1)).toEqual(stimuli);
		expect(sampleStimuli(stimuli, 500, 1)).toEqual(stimuli);
	});

	it('refuses a number that is not a whole number of at least 1', () => {
		expect(() => sampleStimuli(stimuli, 0)).toThrow('the number of stimuli must be a whole number of at least 1, got 0');
	});
});
