/** Reveal levels and revealed-pixel counts. */
import { STIMULUS_DEFAULTS } from './config.js';

/**
 * L proportions log-spaced from minReveal to 1:
 *   p_i = 10^(log10(minReveal) * (1 - i / (L - 1))),  i = 0..L-1
 * which for minReveal = 0.01 is p_i = 10^(-2 + 2 i / (L - 1)). The last level is exactly 1.
 */
export function revealLevels(count: number = STIMULUS_DEFAULTS.levels, minReveal: number = STIMULUS_DEFAULTS.minReveal): number[] {
	if (!Number.isInteger(count) || count < 2) throw new Error(`the number of levels must be an integer of at least 2 (got ${count})`);
	if (!(minReveal > 0 && minReveal < 1)) throw new Error(`the smallest reveal must be in (0, 1) (got ${minReveal})`);
	const low = Math.log10(minReveal);
	return Array.from({ length: count }, (_, i) => (i === count - 1 ? 1 : 10 ** (low * (1 - i / (count - 1)))));
}

/** k = round(p * H * W): the same count for every image of a size at a level (at least 1). */
export function revealedPixelCount(reveal: number, width: number, height: number): number {
	if (!(reveal > 0 && reveal <= 1)) throw new Error(`a reveal proportion must be in (0, 1] (got ${reveal})`);
	return Math.max(1, Math.round(reveal * width * height));
}

/** A reveal level as people read it: a percentage to two significant digits (0.016681 -> "1.7 %", 1 -> "100 %"). */
export const revealPercent = (reveal: number): string => `${+(reveal * 100).toPrecision(2)} %`;

/**
 * The ticks of a log reveal axis: 1-2-5 steps in percent from the smallest level up to 100 %
 * (0.5 %, 1 %, 2 %, 5 %, 10 %, 20 %, 50 %, 100 %), the steps of model-vs-human's log axes.
 */
export function revealTicks(minReveal: number): number[] {
	const ticks: number[] = [];
	for (let decade = 1e-4; decade < 1; decade *= 10) for (const step of [1, 2, 5]) ticks.push(+(decade * step).toPrecision(1));
	ticks.push(1);
	const first = ticks.findLastIndex((t) => t <= minReveal);
	return ticks.slice(Math.max(0, first));
}
