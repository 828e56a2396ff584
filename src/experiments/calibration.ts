/**
 * The optional screen calibration (StudyConfig.calibration = 'virtual-chinrest'), with jsPsych's
 * virtual-chinrest plugin (Li et al. 2020, "Controlling for participants' viewing distance in
 * large-scale, psychophysical online experiments using a virtual chinrest"):
 *  1. the participant resizes a card on the screen to a credit card (85.6 mm wide) held against it:
 *     px_per_mm = card width in CSS px / 85.6;
 *  2. blind spot: with the left eye closed they watch a square while a ball moves left, and press
 *     space when the ball vanishes (five times). The blind spot lies about 13.5 degrees from
 *     fixation, so viewing_distance_mm = (ball-to-square distance in mm) / tan(13.5 degrees);
 *  3. px_per_degree = card width in px / card width in degrees, the card's angle being
 *     2 * atan(85.6 / (2 * viewing_distance_mm)) (the plugin's px2deg).
 * The three values are stored with the session (record_calibration), and a stimulus of `px` CSS
 * pixels subtends visualAngleDeg(px) degrees (below). The plugin is loaded only when a study asks
 * for it, so it adds nothing to the participant page's payload otherwise. A simulated participant
 * (jsPsych simulation) skips it: the plugin has no simulation mode.
 */
import HtmlButtonResponsePlugin from '@jspsych/plugin-html-button-response';
import type { ScreenCalibration } from '../data/contracts.js';

/** The plugin's trial data that the calibration reads. */
export interface ChinrestData {
	px2mm?: unknown;
	view_dist_mm?: unknown;
	px2deg?: unknown;
}

/** The calibration from the plugin's data, or null when a value is missing or not a positive number. */
export function calibrationFromChinrest(data: ChinrestData): ScreenCalibration | null {
	const values = [data.px2mm, data.view_dist_mm, data.px2deg];
	if (!values.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) return null;
	const [px_per_mm, viewing_distance_mm, px_per_degree] = values as number[];
	return { px_per_mm: px_per_mm!, viewing_distance_mm: viewing_distance_mm!, px_per_degree: px_per_degree! };
}

/**
 * The visual angle of `px` CSS pixels centred on the line of sight, degrees:
 *   angle = 2 * atan(size_mm / (2 * viewing_distance_mm)),   size_mm = px / px_per_mm.
 * (px / px_per_degree is the small-angle approximation; for a 256 px stimulus at 3.8 px/mm and
 * 600 mm they differ by under 0.1 %.)
 */
export function visualAngleDeg(px: number, calibration: Pick<ScreenCalibration, 'px_per_mm' | 'viewing_distance_mm'>): number {
	const sizeMm = px / calibration.px_per_mm;
	return (2 * Math.atan(sizeMm / (2 * calibration.viewing_distance_mm)) * 180) / Math.PI;
}

/**
 * The calibration's part of the timeline: an introduction, the plugin's trial, then saving the
 * result with `save` (retried a few times; the calibration is optional, so the session carries on
 * without it when the server cannot be reached).
 */
export async function calibrationTimeline(save: (calibration: ScreenCalibration) => Promise<unknown>): Promise<unknown[]> {
	const [{ default: VirtualChinrestPlugin }, { default: CallFunctionPlugin }] = await Promise.all([
		import('@jspsych/plugin-virtual-chinrest'),
		import('@jspsych/plugin-call-function')
	]);
	let result: ScreenCalibration | null = null;
	// jsPsych listens for keys on its display element, focused when a trial starts; the plugin's
	// "correct size" button takes the focus and is then removed, so the blind spot's space bar
	// would reach nothing: each click inside the display gives the focus back to it.
	const root = () => document.querySelector<HTMLElement>('.jspsych-display-element');
	const refocus = () => setTimeout(() => root()?.focus());
	return [
		{
			type: HtmlButtonResponsePlugin,
			stimulus:
				'<h2>Your screen</h2><p>Two short steps measure the size of your screen and how far you sit from it, so that we know how large the pictures look to you.</p><p>You need a card the size of a credit card (any bank, membership or ID card).</p>',
			choices: ['Start']
		},
		{
			type: VirtualChinrestPlugin,
			resize_units: 'none',
			blindspot_reps: 3,
			on_load: () => root()?.addEventListener('click', refocus),
			on_finish: (data: ChinrestData) => {
				root()?.removeEventListener('click', refocus);
				result = calibrationFromChinrest(data);
			}
		},
		{
			type: CallFunctionPlugin,
			async: true,
			func: (done: () => void) => {
				const attempt = async (left: number): Promise<void> => {
					if (!result) return;
					try {
						await save(result);
					} catch (error) {
						if (left <= 1) return console.warn(`the screen calibration was not saved: ${(error as Error).message}`);
						await new Promise((resolve) => setTimeout(resolve, 1000));
						return attempt(left - 1);
					}
				};
				void attempt(3).finally(done);
			}
		}
	];
}
