import { describe, expect, it } from 'vitest';
import { centeringShift, composeStimulus, importanceOrder, topKMask } from './reveal.js';
import { seededRandom } from './random.js';
import type { ImportanceMap } from './importance-map.js';

const map = (width: number, height: number, values: number[]): ImportanceMap => ({ width, height, data: Float64Array.from(values) });

describe('top-k pixels', () => {
	it('reveals exactly the k most important pixels', () => {
		const m = map(3, 2, [5, 1, 9, 3, 7, 2]);
		const order = importanceOrder(m, seededRandom('t'));
		expect(Array.from(order)).toEqual([2, 4, 0, 3, 5, 1]);
		expect(Array.from(topKMask(order, 3))).toEqual([1, 0, 1, 0, 1, 0]);
	});

	it('breaks ties in a seeded random order, only among the tied pixels', () => {
		const m = map(4, 2, [9, 5, 5, 5, 5, 0, 0, 5]); // five pixels tie at 5
		const pick = (seed: string) => Array.from(topKMask(importanceOrder(m, seededRandom(seed)), 3));
		const picks = new Set<string>();
		for (let s = 0; s < 20; s++) {
			const mask = pick(`seed-${s}`);
			expect(mask[0]).toBe(1); // the unique maximum always
			expect(mask[5]! + mask[6]!).toBe(0); // zeros never, while enough 5s exist
			expect(mask.reduce((a, b) => a + b, 0)).toBe(3);
			picks.add(mask.join(''));
		}
		expect(picks.size).toBeGreaterThan(1); // not always the top-left ones
		expect(pick('same')).toEqual(pick('same'));
	});

	it('nests: the pixels of a lower level are revealed at every higher level', () => {
		const random = seededRandom('nest');
		const m = map(16, 16, Array.from({ length: 256 }, () => Math.floor(random() * 4)));
		const order = importanceOrder(m, seededRandom('ties'));
		const small = topKMask(order, 20), large = topKMask(order, 100);
		small.forEach((v, i) => v && expect(large[i]).toBe(1));
	});
});

/** Brute force over every integer shift that keeps the pixels in frame: the independent check. */
function bestShiftByBruteForce(mask: Uint8Array, width: number, height: number) {
	const pixels = [...mask.keys()].filter((i) => mask[i]).map((i) => [i % width, Math.floor(i / width)] as const);
	const cx = pixels.reduce((a, p) => a + p[0], 0) / pixels.length, cy = pixels.reduce((a, p) => a + p[1], 0) / pixels.length;
	let best = { dx: 0, dy: 0, d: Infinity };
	for (let dy = -height; dy <= height; dy++) {
		for (let dx = -width; dx <= width; dx++) {
			if (pixels.some(([x, y]) => x + dx < 0 || x + dx >= width || y + dy < 0 || y + dy >= height)) continue;
			const d = Math.hypot(cx + dx - (width - 1) / 2, cy + dy - (height - 1) / 2);
			if (d < best.d - 1e-12) best = { dx, dy, d };
		}
	}
	return best;
}

describe('centering', () => {
	it('moves a corner block to the centre (worked by hand)', () => {
		const mask = new Uint8Array(64);
		[0, 1, 8, 9].forEach((i) => (mask[i] = 1)); // 2x2 block at the top-left of 8x8: centroid (0.5, 0.5)
		expect(centeringShift(mask, 8, 8)).toEqual({ dx: 3, dy: 3 }); // centre (3.5, 3.5)
	});

	it('stops at the frame', () => {
		const mask = new Uint8Array(64);
		[0, 7, 56].forEach((i) => (mask[i] = 1)); // touches left, right and bottom edges
		expect(centeringShift(mask, 8, 8)).toEqual({ dx: 0, dy: 0 });
		const wide = new Uint8Array(64);
		[0, 1, 7].forEach((i) => (wide[i] = 1)); // top row, x = 0, 1, 7: centroid (2.67, 0)
		// x wants +0.83 -> +1, but x = 7 is already at the right edge: 0; y wants 3.5 -> 4 (half up)
		expect(centeringShift(wide, 8, 8)).toEqual({ dx: 0, dy: 4 });
	});

	it('finds the best in-frame shift (checked by brute force on random masks)', () => {
		const random = seededRandom('centering');
		for (let trial = 0; trial < 40; trial++) {
			const width = 5 + Math.floor(random() * 8), height = 5 + Math.floor(random() * 8);
			const mask = new Uint8Array(width * height);
			const k = 1 + Math.floor(random() * 6);
			for (let i = 0; i < k; i++) mask[Math.floor(random() * mask.length)] = 1;
			const shift = centeringShift(mask, width, height);
			const best = bestShiftByBruteForce(mask, width, height);
			const distance = (s: { dx: number; dy: number }) => {
				const px = [...mask.keys()].filter((i) => mask[i]);
				const cx = px.reduce((a, i) => a + (i % width), 0) / px.length + s.dx;
				const cy = px.reduce((a, i) => a + Math.floor(i / width), 0) / px.length + s.dy;
				return Math.hypot(cx - (width - 1) / 2, cy - (height - 1) / 2);
			};
			expect(distance(shift)).toBeCloseTo(best.d, 9);
		}
	});
});

describe('composing a stimulus', () => {
	it('shows the revealed pixels at their shifted places over the background', () => {
		const width = 4, height = 4;
		const image = { width, height, data: Uint8Array.from({ length: 48 }, (_, i) => 200 + (i % 3)) };
		const background = { width, height, data: new Uint8Array(48).fill(7) };
		const mask = new Uint8Array(16);
		mask[0] = 1;
		mask[1] = 1;
		const { stimulus, shownMask } = composeStimulus(image, background, mask, { dx: 1, dy: 2 });
		expect([...shownMask.keys()].filter((i) => shownMask[i])).toEqual([9, 10]); // (1,2) and (2,2)
		expect(Array.from(stimulus.data.subarray(27, 33))).toEqual([200, 201, 202, 200, 201, 202]);
		expect(stimulus.data.filter((v) => v === 7).length).toBe(48 - 6);
		expect(() => composeStimulus(image, background, mask, { dx: 3, dy: 0 })).toThrow('out of the frame');
	});
});
