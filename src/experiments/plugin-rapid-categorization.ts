/**
 * jsPsych plugin: one rapid-categorization trial, frame-accurate.
 *
 * jsPsych's own `stimulus_duration` hides the stimulus with setTimeout, which drifts by a frame
 * or two (jsPsych issue 75). Here every display change happens inside a requestAnimationFrame
 * callback and is timed from rAF timestamps:
 *   fixation cross for `fixation_ms` -> stimulus from the first frame at or past that time
 *   (onset = that frame's rAF timestamp) -> hidden on the first frame at or past
 *   onset + stimulus_ms - refresh/2 (offset) -> blank until an answer or the end of the response
 *   window (onset + response_window_ms) -> "Too slow!" (or practice feedback).
 * The image is decoded before the trial starts (decodeStimulus), so showing it costs no decode.
 * Reaction times come from KeyboardEvent.timeStamp, on the same clock as rAF timestamps.
 * The document receives `rapid-categorization:onset` and `rapid-categorization:end` events
 * (detail: stimulus id and timestamps) for external markers: photodiodes, eye trackers, tests.
 */
import { ParameterType, type JsPsych, type JsPsychPlugin, type TrialType } from 'jspsych';
import { fieldsFrom, type FieldKind, type PluginTrialData } from '../data/trial-fields.js';
import { isCategory, isCorrect, type Category } from '../stimuli/task.js';

/** jsPsych's parameter type of each field kind (for `info.data`). */
const PARAMETER_TYPES: Record<FieldKind, ParameterType> = {
	uuid: ParameterType.STRING,
	int: ParameterType.INT,
	float: ParameterType.FLOAT,
	string: ParameterType.STRING,
	bool: ParameterType.BOOL,
	json: ParameterType.OBJECT,
	timestamp: ParameterType.STRING
};

/** The plugin's fields of the trial list (src/data/trial-fields.ts, `from: 'plugin'`), in order. */
const PLUGIN_FIELDS = fieldsFrom('plugin');

const info = <const>{
	name: 'rapid-categorization',
	version: '1.0.0',
	parameters: {
		/** URL of the (masked) stimulus image. */
		stimulus: { type: ParameterType.IMAGE, default: undefined },
		/** Database id of the stimulus. */
		stimulus_id: { type: ParameterType.STRING, default: undefined },
		/** Correct answer: animal or non_animal. */
		category: { type: ParameterType.STRING, default: undefined },
		/** Fixation duration before the stimulus, ms (drawn per trial by the design). */
		fixation_ms: { type: ParameterType.INT, default: 1300 },
		/** Stimulus duration, ms. */
		stimulus_ms: { type: ParameterType.INT, default: 400 },
		/** Answers count until this long after stimulus onset, ms. */
		response_window_ms: { type: ParameterType.INT, default: 550 },
		/** Key for "animal". */
		key_animal: { type: ParameterType.KEY, default: 's' },
		/** Key for "non-animal". */
		key_non_animal: { type: ParameterType.KEY, default: 'l' },
		/** Show correct / wrong after each answer (practice). */
		feedback: { type: ParameterType.BOOL, default: false },
		/** How long feedback or "Too slow!" stays on screen, ms. */
		feedback_ms: { type: ParameterType.INT, default: 1000 },
		/** Stimulus width and height, CSS px. */
		stimulus_px: { type: ParameterType.INT, default: 256 }
	},
	/** What the plugin records: the `from: 'plugin'` fields of src/data/trial-fields.ts, described there. */
	data: Object.fromEntries(PLUGIN_FIELDS.map((f) => [f.name, { type: PARAMETER_TYPES[f.kind] }])) as Record<keyof PluginTrialData, { type: ParameterType }>
};

type Info = typeof info;

/** The trial's parameters with jsPsych's defaults applied (jsPsych fills them; the types do not know). */
function resolved(trial: TrialType<Info>) {
	const d = info.parameters;
	if (!isCategory(trial.category)) throw new Error(`the trial's category must be animal or non_animal (got ${JSON.stringify(trial.category)})`);
	const category: Category = trial.category;
	return {
		stimulus: trial.stimulus,
		stimulus_id: trial.stimulus_id,
		category,
		fixation_ms: trial.fixation_ms ?? d.fixation_ms.default,
		stimulus_ms: trial.stimulus_ms ?? d.stimulus_ms.default,
		response_window_ms: trial.response_window_ms ?? d.response_window_ms.default,
		key_animal: trial.key_animal ?? d.key_animal.default,
		key_non_animal: trial.key_non_animal ?? d.key_non_animal.default,
		feedback: trial.feedback ?? d.feedback.default,
		feedback_ms: trial.feedback_ms ?? d.feedback_ms.default,
		stimulus_px: trial.stimulus_px ?? d.stimulus_px.default
	};
}

/** What one trial records: the `from: 'plugin'` fields of the trial list (src/data/trial-fields.ts). */
export type RapidCategorizationData = PluginTrialData;

const decoded = new Map<string, Promise<HTMLImageElement>>();

/** Loads and decodes an image once; trials call it again and get the decoded element at once. */
export function decodeStimulus(url: string): Promise<HTMLImageElement> {
	let promise = decoded.get(url);
	if (!promise) {
		const image = new Image();
		image.src = url;
		promise = image.decode().then(
			() => image,
			(error: Error) => {
				decoded.delete(url);
				throw new Error(`could not load the stimulus ${url}: ${error.message}`);
			}
		);
		decoded.set(url, promise);
	}
	return promise;
}

const median = (values: number[]) => {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

class RapidCategorizationPlugin implements JsPsychPlugin<Info> {
	static info = info;

	constructor(private jsPsych: JsPsych) {}

	trial(display: HTMLElement, trial: TrialType<Info>, onLoad?: () => void): void {
		void this.run(display, trial, onLoad).then(
			(data) => this.jsPsych.finishTrial(data),
			(error: Error) => this.jsPsych.abortExperiment(`<p>The experiment stopped: ${error.message}</p>`)
		);
	}

	private async run(display: HTMLElement, given: TrialType<Info>, onLoad?: () => void): Promise<RapidCategorizationData> {
		const trial = resolved(given);
		const image = await decodeStimulus(trial.stimulus);
		const size = `${trial.stimulus_px}px`;
		display.innerHTML = `
			<div class="rc-stage" style="position:relative;width:${size};height:${size};margin:0 auto;background:#fff">
				<div class="rc-fixation" style="position:absolute;inset:0;display:flex;align-items:center;justify-content:center;font:48px/1 sans-serif;color:#000">+</div>
				<div class="rc-message" style="position:absolute;inset:0;display:flex;align-items:center;justify-content:center;font:24px/1.3 sans-serif;visibility:hidden"></div>
			</div>`;
		const stage = display.querySelector<HTMLElement>('.rc-stage')!;
		const fixation = display.querySelector<HTMLElement>('.rc-fixation')!;
		const message = display.querySelector<HTMLElement>('.rc-message')!;
		image.className = 'rc-stimulus';
		image.alt = '';
		Object.assign(image.style, { position: 'absolute', inset: '0', width: size, height: size, visibility: 'hidden' });
		stage.appendChild(image);
		onLoad?.();

		const keys: Record<string, 'animal' | 'non_animal'> = {
			[trial.key_animal.toLowerCase()]: 'animal',
			[trial.key_non_animal.toLowerCase()]: 'non_animal'
		};
		const deltas: number[] = [];
		let onset: number | null = null;
		let offset: number | null = null;
		let frames = 0;
		let anticipations = 0;
		let answer: { key: string; time: number } | null = null;

		const onKey = (event: KeyboardEvent) => {
			const key = event.key.toLowerCase();
			if (!(key in keys) || event.repeat) return;
			if (onset === null) anticipations++;
			else if (!answer && event.timeStamp - onset <= trial.response_window_ms) answer = { key, time: event.timeStamp };
		};
		document.addEventListener('keydown', onKey);

		// Every display change happens on an animation frame, timed from rAF timestamps.
		await new Promise<void>((resolve) => {
			let start: number | null = null;
			let previous: number | null = null;
			const frame = (now: number) => {
				if (previous !== null) deltas.push(now - previous);
				previous = now;
				const half = (median(deltas) ?? 16.7) / 2;
				if (start === null) start = now;
				if (onset === null) {
					if (now - start >= trial.fixation_ms - half) {
						fixation.style.visibility = 'hidden';
						image.style.visibility = 'visible';
						onset = now;
						frames = 1;
						document.dispatchEvent(new CustomEvent('rapid-categorization:onset', { detail: { stimulus_id: trial.stimulus_id, onset_ms: now } }));
					}
				} else if (offset === null) {
					if (now - onset >= trial.stimulus_ms - half) {
						image.style.visibility = 'hidden';
						offset = now;
					} else frames++;
				}
				const windowOver = onset !== null && now - onset >= trial.response_window_ms;
				if (offset !== null && (answer || windowOver)) resolve();
				else requestAnimationFrame(frame);
			};
			requestAnimationFrame(frame);
		});
		document.removeEventListener('keydown', onKey);

		const response = answer ? keys[(answer as { key: string }).key]! : null;
		const correct = isCorrect(response, trial.category); // for the practice feedback only: the database decides the stored `correct`
		const tooSlow = response === null;
		if (tooSlow || trial.feedback) {
			message.textContent = tooSlow ? 'Too slow! Please answer faster.' : correct ? 'Correct' : 'Wrong';
			message.style.color = tooSlow || !correct ? '#b3261e' : '#137333';
			message.style.visibility = 'visible';
			await new Promise((resolve) => setTimeout(resolve, trial.feedback_ms));
		}
		display.innerHTML = '';
		document.dispatchEvent(new CustomEvent('rapid-categorization:end', { detail: { stimulus_id: trial.stimulus_id, response } }));
		return {
			stimulus_id: trial.stimulus_id,
			response,
			response_key: answer ? (answer as { key: string }).key : null,
			rt_ms: answer && onset !== null ? (answer as { time: number }).time - onset : null,
			fixation_ms: trial.fixation_ms,
			onset_ms: onset,
			offset_ms: offset,
			duration_ms: onset !== null && offset !== null ? (offset as number) - onset : null,
			frames,
			refresh_ms: median(deltas),
			anticipations
		};
	}

	/**
	 * Simulated participant. "data-only": plausible data without showing anything (80 % correct,
	 * RT around 420 ms, an exact 400 ms display at 60 Hz, now and then an anticipation), every
	 * field of the plugin's part of the trial list drawn with jsPsych's seeded generator
	 * (`jsPsych.randomization.setSeed` makes it reproducible). "visual": runs the real trial and
	 * presses the answer key `rt` ms after the fixation (set simulation_options.data.response_key,
	 * or rt_ms: null to let the window run out).
	 */
	simulate(given: TrialType<Info>, mode: 'data-only' | 'visual', options: { data?: Partial<RapidCategorizationData> }, onLoad?: () => void): void {
		const trial = resolved(given);
		const random = this.jsPsych.randomization;
		const rightKey = trial.category === 'animal' ? trial.key_animal : trial.key_non_animal;
		const wrongKey = trial.category === 'animal' ? trial.key_non_animal : trial.key_animal;
		const key = options?.data?.response_key ?? (random.sampleBernoulli(0.8) ? rightKey : wrongKey);
		const rt = options?.data?.rt_ms === undefined ? Math.min(trial.response_window_ms - 30, random.sampleExGaussian(380, 40, 1 / 60, true)) : options.data.rt_ms;
		if (mode === 'visual') {
			this.trial(this.jsPsych.getDisplayElement(), given, onLoad);
			if (rt !== null && key) this.jsPsych.pluginAPI.pressKey(key, trial.fixation_ms + rt);
			return;
		}
		onLoad?.();
		const response = rt === null || !key ? null : key === trial.key_animal ? 'animal' : 'non_animal';
		const refresh = 1000 / 60;
		const frames = Math.round(trial.stimulus_ms / refresh);
		const onset = 1000 + trial.fixation_ms;
		// One value per field of the list; the type makes sure that none is missing.
		const simulated: { [K in keyof RapidCategorizationData]: () => RapidCategorizationData[K] } = {
			stimulus_id: () => trial.stimulus_id,
			response: () => response,
			response_key: () => (response ? key : null),
			rt_ms: () => (response ? rt : null),
			fixation_ms: () => trial.fixation_ms,
			onset_ms: () => onset,
			offset_ms: () => onset + frames * refresh,
			duration_ms: () => frames * refresh,
			frames: () => frames,
			refresh_ms: () => refresh,
			anticipations: () => (random.sampleBernoulli(0.05) ? 1 : 0)
		};
		const data = Object.fromEntries(PLUGIN_FIELDS.map((f) => [f.name, simulated[f.name]()])) as RapidCategorizationData;
		this.jsPsych.finishTrial(this.jsPsych.pluginAPI.mergeSimulationData(data, options));
	}
}

export default RapidCategorizationPlugin;
