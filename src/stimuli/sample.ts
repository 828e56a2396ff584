/**
 * "At most N stimuli" (the models page and `npm run models -- run --limit N`): a sample balanced
 * across categories and reveal levels, chosen by a seed, so a quick run on part of a set still
 * sees both categories and every level, and the same seed gives the same stimuli.
 *
 * The rule (issue #17 item 10):
 *   1. Group the stimuli into cells, one per (category, level index).
 *   2. Shuffle the categories' order, the levels' order and each cell's stimuli, each by
 *      Fisher-Yates with the seeded generator (random.ts; stream "stimulus-sample", seed).
 *   3. Visit the cells diagonally: with categories c_0..c_{C-1} and levels l_0..l_{L-1} in the
 *      shuffled orders, for d = 0..C-1 and j = 0..L-1 the cell (c_{(j + d) mod C}, l_j). Any
 *      stretch of this order has the categories within one of each other and, in L steps, every
 *      level once.
 *   4. Take stimuli round by round: in round r each cell in that order gives its r-th stimulus
 *      (a cell that has run out is passed over), until N are taken.
 * So the counts of any two cells differ by at most one unless one ran out, the counts per
 * category differ by at most one where the set allows, and the levels likewise. The sample is
 * returned in the stimuli's own order.
 */
import { seededRandom } from './random.js';

/** The seed used when none is given (the page and the CLI's default). */
export const STIMULUS_SAMPLE_SEED = 1;

/** Fisher-Yates shuffle of a copy, with the given generator. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

/** At most `n` of the stimuli, balanced across categories and levels (module comment); all of them when n covers the set. */
export function sampleStimuli<S extends { category: string; level_index: number }>(stimuli: readonly S[], n: number, seed: number | string = STIMULUS_SAMPLE_SEED): S[] {
	if (!Number.isInteger(n) || n < 1) throw new Error(`the number of stimuli must be a whole number of at least 1, got ${n}`);
	if (n >= stimuli.length) return [...stimuli];
	const random = seededRandom('stimulus-sample', seed);
	const categories = shuffled([...new Set(stimuli.map((s) => s.category))].sort(), random);
	const levels = shuffled([...new Set(stimuli.map((s) => s.level_index))].sort((a, b) => a - b), random);
	const cellOf = new Map<string, S[]>();
	for (const s of stimuli) {
		const key = `${s.category}\u0000${s.level_index}`;
		const cell = cellOf.get(key);
		if (cell) cell.push(s);
		else cellOf.set(key, [s]);
	}
	const order: S[][] = [];
	for (let d = 0; d < categories.length; d++) {
		for (let j = 0; j < levels.length; j++) {
			const cell = cellOf.get(`${categories[(j + d) % categories.length]}\u0000${levels[j]}`);
			if (cell) order.push(shuffled(cell, random));
		}
	}
	const chosen = new Set<S>();
	for (let round = 0; chosen.size < n; round++) {
		for (const cell of order) {
			if (round < cell.length) chosen.add(cell[round]!);
			if (chosen.size === n) break;
		}
	}
	return stimuli.filter((s) => chosen.has(s));
}
