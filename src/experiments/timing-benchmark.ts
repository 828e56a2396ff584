/**
 * Timing benchmark (not a test): runs N trials of the frame-accurate plugin and N of jsPsych's
 * image-keyboard-response with stimulus_duration 400 (setTimeout), and measures both the same
 * way: an observer that checks on every animation frame whether the stimulus is visible, and
 * takes the rAF timestamps of the first frame showing it and the first frame without it.
 */
import { initJsPsych } from 'jspsych';
import ImageKeyboardResponsePlugin from '@jspsych/plugin-image-keyboard-response';
import RapidCategorizationPlugin, { decodeStimulus, type RapidCategorizationData } from './plugin-rapid-categorization.js';

export interface DurationSummary {
	n: number;
	mean: number;
	sd: number;
	min: number;
	p05: number;
	median: number;
	p95: number;
	max: number;
	/** How many trials lasted how many frames. */
	frames: Record<number, number>;
}

export interface TimingBenchmarkResult {
	target_ms: number;
	refresh_ms: number;
	plugin_observed: DurationSummary;
	plugin_self_reported: DurationSummary;
	jspsych_observed: DurationSummary;
}

function quantile(sorted: number[], q: number): number {
	const pos = (sorted.length - 1) * q;
	const lo = Math.floor(pos), hi = Math.ceil(pos);
	return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(durations: number[], refresh: number): DurationSummary {
	const sorted = [...durations].sort((a, b) => a - b);
	const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
	const sd = Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, sorted.length - 1));
	const frames: Record<number, number> = {};
	for (const d of durations) {
		const f = Math.round(d / refresh);
		frames[f] = (frames[f] ?? 0) + 1;
	}
	return { n: sorted.length, mean, sd, min: sorted[0]!, p05: quantile(sorted, 0.05), median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1]!, frames };
}

/** Watches `selector` on every frame; returns the visible spans (rAF timestamps) it saw. */
function observe(selector: string) {
	const spans: number[] = [];
	const deltas: number[] = [];
	let shownAt: number | null = null;
	let previous: number | null = null;
	let running = true;
	const frame = (now: number) => {
		if (previous !== null) deltas.push(now - previous);
		previous = now;
		const element = document.querySelector<HTMLElement>(selector);
		const visible = !!element && getComputedStyle(element).visibility !== 'hidden';
		if (visible && shownAt === null) shownAt = now;
		if (!visible && shownAt !== null) {
			spans.push(now - shownAt);
			shownAt = null;
		}
		if (running) requestAnimationFrame(frame);
	};
	requestAnimationFrame(frame);
	return {
		stop: () => {
			running = false;
			return { spans, refresh: [...deltas].sort((a, b) => a - b)[deltas.length >> 1] ?? 16.67 };
		}
	};
}

export async function runTimingBenchmark(display: HTMLElement, imageUrl: string, trials: number, onProgress?: (done: number, total: number) => void): Promise<TimingBenchmarkResult> {
	await decodeStimulus(imageUrl);
	const selfReported: number[] = [];
	let done = 0;

	const ours = observe('img.rc-stimulus');
	await initJsPsych({ display_element: display }).run(
		Array.from({ length: trials }, () => ({
			type: RapidCategorizationPlugin,
			stimulus: imageUrl,
			stimulus_id: 'bench',
			category: 'animal',
			fixation_ms: 150,
			feedback_ms: 0,
			on_finish: (data: RapidCategorizationData) => {
				if (data.duration_ms !== null) selfReported.push(data.duration_ms);
				onProgress?.(++done, 2 * trials);
			}
		}))
	);
	const plugin = ours.stop();

	const theirs = observe('#jspsych-image-keyboard-response-stimulus');
	await initJsPsych({ display_element: display }).run(
		Array.from({ length: trials }, () => ({
			type: ImageKeyboardResponsePlugin,
			stimulus: imageUrl,
			stimulus_duration: 400,
			trial_duration: 550,
			post_trial_gap: 150,
			response_ends_trial: false,
			on_finish: () => onProgress?.(++done, 2 * trials)
		}))
	);
	const jspsych = theirs.stop();
	const refresh = plugin.refresh;
	return {
		target_ms: 400,
		refresh_ms: refresh,
		plugin_observed: summarize(plugin.spans, refresh),
		plugin_self_reported: summarize(selfReported, refresh),
		jspsych_observed: summarize(jspsych.spans, refresh)
	};
}
