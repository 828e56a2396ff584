import { describe, expect, it } from 'vitest';
import { centerBiasMap } from './importance-map.js';
import { prepareMap, preparePhoto, resizeWeights, squareCropBox } from './prepare.js';

const rgb = (width: number, height: number, value: (x: number, y: number, c: number) => number) => ({
	width, height, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => value(Math.floor(i / 3) % width, Math.floor(i / 3 / width), i % 3))
});

describe('bringing a photo to the set\'s square', () => {
	it('crops the centre square', () => {
		expect(squareCropBox(640, 480)).toEqual({ x: 80, y: 0, side: 480 });
		expect(squareCropBox(300, 401)).toEqual({ x: 0, y: 50, side: 300 });
		expect(squareCropBox(5, 5)).toEqual({ x: 0, y: 0, side: 5 });
	});

	it('resize weights sum to 1: box averages when shrinking, linear when enlarging, identity at the same size', () => {
		for (const [src, dst] of [[10, 4], [4, 10], [7, 7], [480, 256]] as const) {
			for (const { weight } of resizeWeights(src, dst)) expect(weight.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
		}
		expect(resizeWeights(4, 2)).toEqual([{ index: [0, 1], weight: [0.5, 0.5] }, { index: [2, 3], weight: [0.5, 0.5] }]);
		expect(resizeWeights(3, 3).map((w) => w.index)).toEqual([[0], [1], [2]]);
	});

	it('a square photo of the set\'s size is left as it is', () => {
		const photo = rgb(8, 8, (x, y) => x * 10 + y);
		expect(preparePhoto(photo, 8)).toBe(photo);
	});

	it('a wide photo loses its sides: the centre square, averaged down', () => {
		// left and right quarters black, centre white: the 8 x 4 crop to 4 x 4 keeps only white
		const photo = rgb(8, 4, (x) => (x >= 2 && x < 6 ? 255 : 0));
		const out = preparePhoto(photo, 2);
		expect([out.width, out.height]).toEqual([2, 2]);
		expect([...out.data]).toEqual(Array(12).fill(255));
		const halves = preparePhoto(rgb(4, 4, (x) => (x < 2 ? 0 : 200)), 2);
		expect([...halves.data.filter((_, i) => i % 3 === 0)]).toEqual([0, 200, 0, 200]);
	});

	it('a map of the photo\'s size is cropped and resized with it; an N x N map is kept; others are refused', () => {
		const full = centerBiasMap(8, 4);
		const prepared = prepareMap(full, { width: 8, height: 4 }, 2);
		expect([prepared.width, prepared.height, prepared.data.length]).toEqual([2, 2, 4]);
		expect(Math.min(...prepared.data)).toBeGreaterThan(0);
		const square = centerBiasMap(2, 2);
		expect(prepareMap(square, { width: 8, height: 4 }, 2)).toBe(square);
		expect(() => prepareMap(centerBiasMap(3, 3), { width: 8, height: 4 }, 2)).toThrow("map is 3 x 3: it must be the photo's size (8 x 4) or the set's (2 x 2)");
	});
});
