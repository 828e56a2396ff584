/**
 * The ClickMe maths on grids small enough to work out by hand (the workings are in the comments).
 */
import { describe, expect, it } from 'vitest';
import { aggregateClickme, DEFAULT_AGGREGATION, type StoredRound } from './aggregate.js';
import { clickMap, diskBlur, diskRows } from './maps.js';
import { paintedFraction, paintedMask } from './paint.js';
import { flagPlayers, leaveOneOut, splitHalfReliability, type ImagePlayers } from './reliability.js';
import { roundScore } from './score.js';

const grid = (rows: number[][]) => Float64Array.from(rows.flat());
const ROOT_THIRD = 2 / Math.sqrt(12); // the rho that recurs below: 2 / sqrt(4 x 3)

describe('painting', () => {
	it('a click paints the pixels whose centre lies within the radius: a plus sign for radius 1', () => {
		const mask = paintedMask(5, 5, [{ radius: 1, points: [[2.5, 2.5, 0]] }]);
		expect(Array.from(mask)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
		expect(paintedFraction(mask)).toBe(5 / 25);
	});

	it('a drag paints the capsule along its path', () => {
		const mask = paintedMask(5, 3, [{ radius: 0.5, points: [[0.5, 0.5, 0], [4.5, 0.5, 30]] }]);
		expect(Array.from(mask)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
	});
});

describe('maps from clicks', () => {
	it('builds disks from row half-widths: diameter 3 is a 3x3 square, diameter 5 has 21 pixels', () => {
		expect(diskRows(3)).toEqual({ radius: 1, halfWidths: [1, 1, 1], size: 9 });
		// r = 2.5: rows +-2 reach floor(sqrt(6.25 - 4)) = 1, rows +-1 and 0 reach 2: 3 + 5 + 5 + 5 + 3
		expect(diskRows(5)).toEqual({ radius: 2, halfWidths: [1, 2, 2, 2, 1], size: 21 });
	});

	it('smooths with the normalized disk, zero outside the image', () => {
		// every pixel of a 3x3 image has the centre in its 3x3 neighbourhood: 1/9 everywhere
		expect(Array.from(diskBlur(grid([[0, 0, 0], [0, 1, 0], [0, 0, 0]]), 3, 3, 3))).toEqual(Array(9).fill(1 / 9));
		// a corner pixel of a 4x4 image reaches 4 pixels of ones, the opposite corner none of the first
		const blurred = diskBlur(grid([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]), 4, 4, 3);
		expect(blurred[0]).toBeCloseTo(1 / 9, 15);
		expect(blurred[15]).toBe(0);
	});

	it('averages the players, then scales to 0..1', () => {
		// diameter 1 is the identity; mean of [1 1 0] and [0 1 0] is [.5 1 0]
		expect(Array.from(clickMap([grid([[1, 1, 0]]), grid([[0, 1, 0]])], 3, 1, 1).data)).toEqual([0.5, 1, 0]);
		expect(Array.from(clickMap([grid([[0, 0]])], 2, 1, 1).data)).toEqual([0, 0]);
	});
});

describe('reliability', () => {
	const image = (players: Record<string, number[]>): ImagePlayers => ({
		image_id: 'cat', width: 4, height: 1, players: new Map(Object.entries(players).map(([id, row]) => [id, grid([row])]))
	});

	it('split-half of two players is their rho: ranks 3.5 3.5 1.5 1.5 against 4 2 2 2 give 2 / sqrt(12)', () => {
		const two = image({ a: [1, 1, 0, 0], b: [1, 0, 0, 0] });
		expect(splitHalfReliability(two, { splits: 50, seed: 1, blurDiameter: 1 })).toBeCloseTo(ROOT_THIRD, 12);
		expect(splitHalfReliability(image({ a: [1, 1, 0, 0] }), { splits: 50, seed: 1, blurDiameter: 1 })).toBeNull();
	});

	it('split-half is seeded: the same seed gives the same value, and it lies within the possible splits', () => {
		const four = image({ a: [1, 1, 0, 0], b: [1, 0, 0, 0], c: [0, 1, 1, 0], d: [1, 1, 1, 0] });
		const once = splitHalfReliability(four, { splits: 50, seed: 7, blurDiameter: 1 });
		expect(splitHalfReliability(four, { splits: 50, seed: 7, blurDiameter: 1 })).toBe(once);
		expect(once!).toBeGreaterThan(-1);
		expect(once!).toBeLessThan(1);
	});

	it('leave-one-out and flags: the player painting elsewhere is flagged at 1 SD, nobody at 2 SD', () => {
		// a vs mean(b, c) = [.5 .5 .5 0]: rho = 2 / sqrt(12); so for b; c vs [1 1 0 0]: rho = -2 / sqrt(12)
		const three = image({ a: [1, 1, 0, 0], b: [1, 1, 0, 0], c: [0, 0, 1, 0] });
		const rhos = leaveOneOut(three, 1);
		expect(rhos.get('a')).toBeCloseTo(ROOT_THIRD, 12);
		expect(rhos.get('b')).toBeCloseTo(ROOT_THIRD, 12);
		expect(rhos.get('c')).toBeCloseTo(-ROOT_THIRD, 12);
		// scores .577 .577 -.577: mean .192, sample SD .667; 1 SD below the mean is -.474
		expect(flagPlayers([rhos], 1).filter((p) => p.flagged).map((p) => p.player_id)).toEqual(['c']);
		expect(flagPlayers([rhos], 2).some((p) => p.flagged)).toBe(false);
		expect(leaveOneOut(image({ a: [1, 0, 0, 0], b: [0, 1, 0, 0] }), 1).size).toBe(0);
	});
});

describe('aggregation from stored rounds', () => {
	const click = (x: number): StoredRound['strokes'][number] => ({ radius: 0.5, points: [[x + 0.5, 0.5, 0]] });
	const round = (id: string, player: string, strokes: StoredRound['strokes'], device: StoredRound['device'] = 'mouse'): StoredRound => ({ id, player_id: player, image_id: 'cat', device, strokes });
	const sizes = new Map([['cat', { width: 4, height: 1 }]]);
	const options = { ...DEFAULT_AGGREGATION, minPlayers: 2, blurDiameter: 1, minStrokes: 1, excludeTouch: true };

	it('excludes touch rounds and empty rounds with reasons, and maps the rest', () => {
		const result = aggregateClickme([
			round('r1', 'a', [click(0), click(1)]),
			round('r2', 'b', [click(0)]),
			round('r3', 'c', [click(3)], 'touch'),
			round('r4', 'd', [])
		], sizes, options);
		expect(result.exclusions).toEqual([
			{ round_id: 'r3', reason: 'painted on a touch screen (the study excludes touch devices)' },
			{ round_id: 'r4', reason: 'too few strokes (0 < 1)' }
		]);
		expect(result.maps).toHaveLength(1);
		expect(result.maps[0]!.n_players).toBe(2);
		expect(Array.from(result.maps[0]!.map.data)).toEqual([1, 0.5, 0, 0]); // mean of [1 1 0 0] and [1 0 0 0], scaled
		expect(result.maps[0]!.reliability).toBeCloseTo(ROOT_THIRD, 12);
		expect(result.ceiling).toBeCloseTo(ROOT_THIRD, 12);
	});

	it('leaves images below the minimum number of players without a map, saying so', () => {
		const result = aggregateClickme([round('r1', 'a', [click(0)])], sizes, options);
		expect(result.maps).toEqual([]);
		expect(result.skipped).toEqual([{ image_id: 'cat', players: 1, reason: '1 of the 2 players needed' }]);
		expect(result.ceiling).toBeNull();
	});

	it('excludes the rounds of flagged players before mapping', () => {
		const result = aggregateClickme([
			round('r1', 'a', [click(0), click(1)]),
			round('r2', 'b', [click(0), click(1)]),
			round('r3', 'c', [click(2)])
		], sizes, { ...options, leaveOneOutSd: 1 });
		expect(result.exclusions.map((e) => e.round_id)).toEqual(['r3']);
		expect(result.exclusions[0]!.reason).toMatch(/^the player's maps disagree with the others \(mean leave-one-out rho -0\.577\)$/);
		expect(result.maps[0]!.n_players).toBe(2);
	});

	it('refuses a round on an image the set does not have', () => {
		expect(() => aggregateClickme([{ ...round('r1', 'a', [click(0)]), image_id: 'dog' }], sizes, options)).toThrow('image "dog", which the set does not have');
	});
});

describe('score', () => {
	it('rewards little paint and a quick success', () => {
		expect(roundScore('recognized', 0.1, 5000, 20_000)).toBe(68); // 100 x .9 x .75 = 67.5
		expect(roundScore('recognized', 1, 0, 20_000)).toBe(1);
		expect(roundScore('timeout', 0.01, 20_000, 20_000)).toBe(0);
		expect(roundScore('skipped', 0.01, 100, 20_000)).toBe(0);
	});
});
