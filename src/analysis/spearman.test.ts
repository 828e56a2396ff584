import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, sortOrder, spearman } from './spearman.js';

describe('Spearman rank correlation (worked by hand)', () => {
	it('gives tied values the mean of the ranks they span', () => {
		expect([...averageRanks([10, 20, 20, 30])]).toEqual([1, 2.5, 2.5, 4]);
		expect([...averageRanks([0, 0, 0, 5, 0])]).toEqual([2.5, 2.5, 2.5, 5, 2.5]);
	});

	it('is Pearson on average ranks: a = 1..5, b = 5 6 7 8 7 gives 8 / sqrt(95)', () => {
		// ranks of b: 1 2 3.5 5 3.5; deviations from 3: -2 -1 .5 2 .5 against -2 -1 0 1 2
		// sum of products 8, sums of squares 10 and 9.5
		expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
	});

	it('is 1 for any increasing relation, -1 for a decreasing one, NaN for a constant input', () => {
		expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12);
		expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
		expect(spearman([1, 2, 3], [7, 7, 7])).toBeNaN();
		expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(0.9933992677987828, 12);
	});

	it('refuses inputs of different lengths', () => {
		expect(() => spearman([1, 2], [1, 2, 3])).toThrow('differ in length');
	});

	it('sorts doubles by their bits exactly as a comparison sort does: negatives, -0, tiny, huge, infinite', () => {
		const values = [3, -1, 0, -0, 1e-300, -1e-300, Infinity, -Infinity, 2.5, -2.5, 1e300, 3, 0.1 + 0.2, 0.3];
		const expected = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
		expect([...sortOrder(values)]).toEqual(expected);
		// 50,000 random values with many ties (the shape of a blurred map): ranks equal a plain comparison ranking
		let seed = 7;
		const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
		const big = Array.from({ length: 50_000 }, (_, i) => (i % 5 === 0 ? 0 : Math.round(random() * 1000) / 7 - 40));
		const ranks = averageRanks(big);
		const sorted = [...big].sort((a, b) => a - b);
		const firstAt = new Map<number, number>(), lastAt = new Map<number, number>();
		sorted.forEach((v, k) => { if (!firstAt.has(v)) firstAt.set(v, k + 1); lastAt.set(v, k + 1); });
		expect(big.every((v, i) => ranks[i] === (firstAt.get(v)! + lastAt.get(v)!) / 2)).toBe(true);
		expect(() => averageRanks([1, Number.NaN])).toThrow('NaN');
	});
});
