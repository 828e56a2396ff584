/**
 * A training run as the page's Web Worker and the command line both drive it: evaluate the
 * held-out images, take steps (reporting each one's loss terms), evaluate again every
 * `evaluateEvery` steps and at the end, and stop early when asked ("stop and keep": what was
 * trained so far is kept).
 */
import type { Evaluation, Harmonizer, StepReport } from './train.js';

export type HarmonizeEvent =
	| { kind: 'step'; report: StepReport; of: number }
	| { kind: 'evaluation'; after: number; evaluation: Evaluation };

export interface RunOptions {
	steps: number;
	/** Evaluate the held-out images every this many steps (0: only before and after). */
	evaluateEvery?: number;
	onEvent?: (event: HarmonizeEvent) => void | Promise<void>;
	/** Checked before every step: true stops the run, keeping the weights trained so far. */
	shouldStop?: () => boolean;
}

export interface RunResult {
	before: Evaluation;
	after: Evaluation;
	steps: StepReport[];
	stopped: boolean;
}

export async function runHarmonizer(harmonizer: Harmonizer, options: RunOptions): Promise<RunResult> {
	const { steps, evaluateEvery = 0, onEvent, shouldStop } = options;
	const before = await harmonizer.evaluate();
	await onEvent?.({ kind: 'evaluation', after: harmonizer.stepsDone, evaluation: before });
	const reports: StepReport[] = [];
	let stopped = false;
	let after = before;
	let evaluatedAt = harmonizer.stepsDone;
	for (let i = 0; i < steps; i++) {
		if (shouldStop?.()) {
			stopped = true;
			break;
		}
		const report = await harmonizer.step();
		reports.push(report);
		await onEvent?.({ kind: 'step', report, of: steps });
		const last = i === steps - 1;
		if (!last && evaluateEvery > 0 && (i + 1) % evaluateEvery === 0) {
			after = await harmonizer.evaluate();
			evaluatedAt = harmonizer.stepsDone;
			await onEvent?.({ kind: 'evaluation', after: harmonizer.stepsDone, evaluation: after });
		}
	}
	if (evaluatedAt !== harmonizer.stepsDone) {
		after = await harmonizer.evaluate();
		await onEvent?.({ kind: 'evaluation', after: harmonizer.stepsDone, evaluation: after });
	}
	return { before, after, steps: reports, stopped };
}
