/**
 * Stimulus parameters: the one place they are defined (the CLI's defaults, the demo set, the
 * experiment). Values follow the Harmonization study's psychophysics (Fel et al., 2022, Methods).
 */
export const STIMULUS_DEFAULTS = {
	/** Number of reveal levels L, log-spaced from minReveal to 1. */
	levels: 10,
	/** Smallest proportion of pixels revealed (1 %). */
	minReveal: 0.01,
	/** Seed of every random choice (noise phase, tie-breaking). */
	seed: 1,
	/** Demo photographs: shorter side resized to this, then centre-cropped to a square. */
	photoSize: 256,
	/**
	 * Center-bias map: an isotropic Gaussian at the image centre with this standard deviation,
	 * as a fraction of the shorter side. An honest placeholder until people or models supply maps.
	 */
	centerBiasSigma: 0.25
} as const;

export const CATEGORIES = ['animal', 'non_animal'] as const;
export type Category = (typeof CATEGORIES)[number];
