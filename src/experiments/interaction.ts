/**
 * Per-trial counts of jsPsych's interaction data. jsPsych records, for the whole experiment, each
 * `blur` and `focus` of the window and each `fullscreenenter` / `fullscreenexit` of the page, with
 * `trial`, the index of the trial running at that moment (the same index as that trial's
 * `trial_index` in jsPsych's data). A trial's counts are the records of its own index:
 *   window_blurs     = number of `blur` records    (the window lost focus: another tab or program)
 *   fullscreen_exits = number of `fullscreenexit` records (the page left full screen)
 * `focus` and `fullscreenenter` are the returns and are not counted. The fields are in
 * src/data/trial-fields.ts (`from: 'interaction'`); the session adds them to the trial's data when
 * the trial ends, so they reach the database with the trial.
 */
import type { InteractionTrialData } from '../data/trial-fields.js';

/** One record of jsPsych's interaction data (jsPsych.data.getInteractionData().values()). */
export interface InteractionRecord {
	event: string;
	trial: number;
}

export function interactionCounts(records: readonly InteractionRecord[], trialIndex: number): InteractionTrialData {
	let window_blurs = 0;
	let fullscreen_exits = 0;
	for (const record of records) {
		if (record.trial !== trialIndex) continue;
		if (record.event === 'blur') window_blurs++;
		else if (record.event === 'fullscreenexit') fullscreen_exits++;
	}
	return { window_blurs, fullscreen_exits };
}
