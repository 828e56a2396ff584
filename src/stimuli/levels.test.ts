import { describe, expect, it } from 'vitest';
import { revealLevels, revealedPixelCount, revealPercent, revealTicks } from './levels.js';

describe('reveal levels', () => {
	it('are log-spaced from 1 % to 100 % (values worked out by hand: 10^(-2 + 2i/9))', () => {
		const expected = [0.01, 0.016681, 0.027826, 0.046416, 0.077426, 0.129155, 0.215443, 0.359381, 0.599484, 1];
		const levels = revealLevels();
		expect(levels).toHaveLength(10);
		levels.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 6));
		expect(levels[9]).toBe(1);
		expect(revealLevels(3)).toEqual([0.01, 0.1, 1]);
	});

	it('give the same pixel count k = round(p H W) for every image of a size', () => {
		expect(revealedPixelCount(0.01, 256, 256)).toBe(655); // 655.36
		expect(revealedPixelCount(0.016681005372000592, 256, 256)).toBe(1093); // 1093.2
		expect(revealedPixelCount(1, 256, 256)).toBe(65536);
		expect(revealedPixelCount(0.001, 10, 10)).toBe(1); // never zero
	});

	it('refuse impossible settings with the valid range', () => {
		expect(() => revealLevels(1)).toThrow('at least 2');
		expect(() => revealedPixelCount(0, 4, 4)).toThrow('must be in (0, 1]');
		expect(() => revealedPixelCount(1.5, 4, 4)).toThrow('must be in (0, 1]');
	});

	it('reads reveal levels in percent, with 1-2-5 ticks from the smallest level up', () => {
		expect([0.016681, 0.1, 0.005, 1].map(revealPercent)).toEqual(['1.7 %', '10 %', '0.5 %', '100 %']);
		expect(revealTicks(0.01)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
		expect(revealTicks(0.016681)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]); // the tick just below the smallest level
		expect(revealTicks(0.3)).toEqual([0.2, 0.5, 1]);
	});
});
