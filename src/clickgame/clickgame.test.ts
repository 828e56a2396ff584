/**
 * The ClickMe maths on grids small enough to work out by hand (the workings are in the comments).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { humanAsCompared, type MapComparison } from '../analysis/features.js';
import { spearman } from '../analysis/spearman.js';
import { seededRandom } from '../stimuli/random.js';
import { aggregateClickme, DEFAULT_AGGREGATION, minPlayersProblem, type StoredRound } from './aggregate.js';
import { blurSizeFor, circleKernelRows, clickCounts, clickMap, clickmeBlur } from './maps.js';
import { paintedFraction, paintedMask } from './paint.js';
import { flagPlayers, leaveOneOut, splitHalfReliability, type ImagePlayers } from './reliability.js';
import { roundScore } from './score.js';

const grid = (rows: number[][]) => Float64Array.from(rows.flat());
const ROOT_THIRD = 2 / Math.sqrt(12); // the rho that recurs below: 2 / sqrt(4 x 3)
const AS_GIVEN: MapComparison = { preprocessing: 'as-given' };

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

describe('maps from clicks (human_clickme_data_processing@e6f9a76)', () => {
	it('counts recorded points per pixel, as create_clickmap_fast: floor of x and y, outside dropped, at most 255', () => {
		const strokes = [
			{ radius: 11, points: [[1.2, 2.7, 0], [1.9, 2.1, 16]] as [number, number, number][] }, // both in pixel (1, 2)
			{ radius: 11, points: [[-0.1, 0, 0], [5, 0, 1], [4.99, 0, 2]] as [number, number, number][] } // (4, 0) only
		];
		const counts = clickCounts(5, 3, strokes);
		expect(counts[2 * 5 + 1]).toBe(2);
		expect(counts[4]).toBe(1);
		expect(counts.reduce((a, b) => a + b, 0)).toBe(3); // the brush radius plays no part
		expect(clickCounts(1, 1, [{ radius: 1, points: Array.from({ length: 300 }, () => [0.5, 0.5, 0] as [number, number, number]) }])[0]).toBe(255);
	});

	it('circle kernel cells, as circle_kernel: (x - c)^2 + (y - c)^2 <= c^2 with c = (size - 1) / 2', () => {
		expect(circleKernelRows(1)).toEqual({ reach: 0, halfWidths: [0], cells: 1 });
		expect(circleKernelRows(3)).toEqual({ reach: 1, halfWidths: [0, 1, 0], cells: 5 }); // a plus sign
		expect(circleKernelRows(5)).toEqual({ reach: 2, halfWidths: [0, 1, 2, 1, 0], cells: 13 }); // 1 + 3 + 5 + 3 + 1
		expect(circleKernelRows(21).cells).toBe(317); // lattice points within radius 10 (Gauss circle problem)
	});

	it('kernel size: 21 at 256 px, scaled by the short side with numpy rounding, made odd', () => {
		expect(blurSizeFor(256, 256, 21)).toBe(21);
		expect(blurSizeFor(512, 384, 21)).toBe(33); // 21 x 384 / 256 = 31.5 -> 32 (half to even) -> 33
		expect(blurSizeFor(128, 300, 21)).toBe(11); // 10.5 -> 10 -> 11
		expect(blurSizeFor(300, 200, 21)).toBe(17); // 16.41 -> 16 -> 17
	});

	it('blurs twice with the plus-shaped kernel of size 3 (worked by hand), zero outside the image', () => {
		// one click at the centre of 5 x 5. First blur: 1/5 on the plus. Second: centre 5 x 1/25 = 1/5,
		// its 4 neighbours and 4 diagonals 2/25 (two plus cells with 1/5), two steps out 1/25; total 1
		const centre = new Float64Array(25);
		centre[12] = 1;
		const twice = clickmeBlur(centre, 5, 5, 3);
		const expected = [
			[0, 0, 1, 0, 0],
			[0, 2, 2, 2, 0],
			[1, 2, 5, 2, 1],
			[0, 2, 2, 2, 0],
			[0, 0, 1, 0, 0]
		].flat().map((v) => v / 25);
		twice.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 15));
		// at a corner half the plus lies outside: the first blur keeps 3 of 5 cells' worth
		const corner = new Float64Array(9);
		corner[0] = 1;
		expect(clickmeBlur(corner, 3, 3, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(11 / 25, 15);
	});

	it('averages the players, then scales to 0..1', () => {
		// size 1 is the identity; mean of [2 1 0] and [0 1 0] is [1 1 0]
		expect(Array.from(clickMap([grid([[2, 1, 0]]), grid([[0, 1, 0]])], 3, 1, 1).data)).toEqual([1, 1, 0]);
		expect(Array.from(clickMap([grid([[0, 0]])], 2, 1, 1).data)).toEqual([0, 0]);
	});

	it('equals the reference processing written independently in numpy/scipy (fixtures/clickme_reference.py)', () => {
		const random = seededRandom(3, 'clickme-reference');
		const width = 37, height = 29, size = 7;
		const trials = Array.from({ length: 4 }, () => Array.from({ length: 40 }, () => [random() * (width + 4) - 2, random() * (height + 4) - 2, 0] as [number, number, number]));
		const ours = clickMap(trials.map((points) => clickCounts(width, height, [{ radius: 3, points }])), width, height, size).data;
		const job = JSON.stringify({ width, height, size, trials: trials.map((t) => t.map(([x, y]) => [x, y])) });
		const reference = JSON.parse(execFileSync('python3', [path.join(import.meta.dirname, 'fixtures', 'clickme_reference.py')], { input: job, encoding: 'utf8' })) as number[];
		const max = Math.max(...reference);
		expect(max).toBeGreaterThan(0);
		reference.forEach((v, i) => expect(ours[i]).toBeCloseTo(v / max, 12));
	});
});

describe('reliability', () => {
	const image = (players: Record<string, number[]>): ImagePlayers => ({
		image_id: 'cat', width: 4, height: 1, players: new Map(Object.entries(players).map(([id, row]) => [id, grid([row])]))
	});

	it('split-half of two players is their rho: ranks 3.5 3.5 1.5 1.5 against 4 2 2 2 give 2 / sqrt(12)', () => {
		const two = image({ a: [1, 1, 0, 0], b: [1, 0, 0, 0] });
		expect(splitHalfReliability(two, { splits: 50, seed: 1, blurSize: 1, comparison: AS_GIVEN })).toBeCloseTo(ROOT_THIRD, 12);
		expect(splitHalfReliability(image({ a: [1, 1, 0, 0] }), { splits: 50, seed: 1, blurSize: 1, comparison: AS_GIVEN })).toBeNull();
	});

	it('split-half is seeded: the same seed gives the same value, and it lies within the possible splits', () => {
		const four = image({ a: [1, 1, 0, 0], b: [1, 0, 0, 0], c: [0, 1, 1, 0], d: [1, 1, 1, 0] });
		const once = splitHalfReliability(four, { splits: 50, seed: 7, blurSize: 1, comparison: AS_GIVEN });
		expect(splitHalfReliability(four, { splits: 50, seed: 7, blurSize: 1, comparison: AS_GIVEN })).toBe(once);
		expect(once!).toBeGreaterThan(-1);
		expect(once!).toBeLessThan(1);
	});

	it("with Harmonization's comparison, two players' reliability is the rho of their maps as the score compares them", () => {
		// the linear shortcut (each player through the pipeline once, halves summed) against the
		// direct route: each half's clickMap (scaled to 0..1), then humanAsCompared, then Spearman
		const random = seededRandom(5, 'two-players');
		const counts = () => Float64Array.from({ length: 40 * 30 }, () => (random() < 0.05 ? 1 + Math.floor(random() * 3) : 0));
		const two: ImagePlayers = { image_id: 'cat', width: 40, height: 30, players: new Map([['a', counts()], ['b', counts()]]) };
		const comparison: MapComparison = { preprocessing: 'harmonization', resolution: 24 };
		const asCompared = (id: string) => humanAsCompared(clickMap([two.players.get(id)!], 40, 30, 5), comparison).data;
		const direct = spearman(asCompared('a'), asCompared('b'));
		expect(splitHalfReliability(two, { splits: 3, seed: 1, blurSize: 5, comparison })).toBeCloseTo(direct, 12);
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
	const options = { ...DEFAULT_AGGREGATION, minPlayers: 2, blurSize: 1, minStrokes: 1, excludeTouch: true, splits: 50, comparison: AS_GIVEN };

	it('excludes touch rounds and empty rounds with reasons, and maps the rest', () => {
		const result = aggregateClickme([
			round('r1', 'a', [click(0), click(1)]),
			round('r2', 'b', [click(0)]),
			round('r3', 'c', [click(3)], 'touch'),
			round('r4', 'd', []),
			round('r5', 'e', [{ radius: 0.5, points: [[4.5, 0.5, 0]] }]) // outside the 4 px wide image
		], sizes, options);
		expect(result.exclusions).toEqual([
			{ round_id: 'r3', reason: 'painted on a touch screen (the study excludes touch devices)' },
			{ round_id: 'r4', reason: 'too few strokes (0 < 1)' },
			{ round_id: 'r5', reason: 'no click inside the image (ClickMe keeps maps with at least one click)' }
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

	it('a minimum player count must be a whole number from 1 to the number of players', () => {
		expect(minPlayersProblem(0, 3)).toBe('the minimum number of players per image must be a whole number of at least 1 (got 0)');
		expect(minPlayersProblem(2.5, 3)).toContain('whole number');
		expect(minPlayersProblem(4, 3)).toBe('the minimum number of players per image (4) is more than the 3 players who painted this set, so no image would get a map');
		expect(minPlayersProblem(1, 1)).toBeNull();
		// one player makes a map, with no split-half reliability
		const one = aggregateClickme([round('r1', 'a', [click(0)])], sizes, { ...options, minPlayers: 1 });
		expect(one.maps.map((m) => [m.n_players, m.reliability])).toEqual([[1, null]]);
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
