/**
 * Correct answers per reveal level, as the models page and the models command line report a run
 * while it goes: for each level index l, n_l = the trials of level l and correct_l = those
 * answered correctly (the trial's `correct`, by the task's rule in src/stimuli/task.ts), so the
 * level's accuracy is correct_l / n_l. The study's decision curves are computed in decision.ts.
 */

export interface LevelTally {
	/** The level's proportion of pixels revealed, p. */
	reveal: number;
	n: number;
	correct: number;
}

/** Adds the trials to the counts so far (`previous`, left unchanged) and returns the new counts, keyed by level index. */
export function tallyByLevel(
	trials: Iterable<{ level_index: number; reveal: number; correct: boolean }>,
	previous: ReadonlyMap<number, LevelTally> = new Map()
): Map<number, LevelTally> {
	const tally = new Map([...previous].map(([level, counts]) => [level, { ...counts }]));
	for (const t of trials) {
		const level = tally.get(t.level_index) ?? { reveal: t.reveal, n: 0, correct: 0 };
		level.n++;
		if (t.correct) level.correct++;
		tally.set(t.level_index, level);
	}
	return tally;
}

/** The counts over all levels. */
export function tallyTotal(tally: ReadonlyMap<number, LevelTally>): { n: number; correct: number } {
	let n = 0;
	let correct = 0;
	for (const level of tally.values()) {
		n += level.n;
		correct += level.correct;
	}
	return { n, correct };
}
