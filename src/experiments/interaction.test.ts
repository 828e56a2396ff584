// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { initJsPsych } from 'jspsych';
import { interactionCounts } from './interaction.js';

describe('interaction counts per trial', () => {
	const records = [
		{ event: 'blur', trial: 3, time: 10 },
		{ event: 'focus', trial: 3, time: 20 },
		{ event: 'blur', trial: 3, time: 30 },
		{ event: 'fullscreenexit', trial: 3, time: 40 },
		{ event: 'fullscreenenter', trial: 3, time: 50 },
		{ event: 'blur', trial: 4, time: 60 },
		{ event: 'fullscreenexit', trial: 5, time: 70 }
	];

	it('counts blurs and fullscreen exits of the trial only, not the returns', () => {
		expect(interactionCounts(records, 3)).toEqual({ window_blurs: 2, fullscreen_exits: 1 });
		expect(interactionCounts(records, 4)).toEqual({ window_blurs: 1, fullscreen_exits: 0 });
		expect(interactionCounts(records, 5)).toEqual({ window_blurs: 0, fullscreen_exits: 1 });
		expect(interactionCounts([], 0)).toEqual({ window_blurs: 0, fullscreen_exits: 0 });
	});

	it('reads jsPsych\'s own interaction records, whose trial is the running trial\'s trial_index', async () => {
		const jsPsych = initJsPsych({ display_element: document.createElement('div') });
		let counts: unknown = null;
		await jsPsych.run([
			{
				type: class {
					static info = { name: 'blur-twice', version: '1.0.0', parameters: {}, data: {} };
					constructor(private js: typeof jsPsych) {}
					trial() {
						window.dispatchEvent(new Event('blur'));
						window.dispatchEvent(new Event('focus'));
						window.dispatchEvent(new Event('blur'));
						this.js.finishTrial({});
					}
				},
				on_finish: (data: { trial_index: number }) => (counts = interactionCounts(jsPsych.data.getInteractionData().values(), data.trial_index))
			}
		] as never);
		expect(counts).toEqual({ window_blurs: 2, fullscreen_exits: 0 });
	});
});
