/**
 * A study's configuration: the one place for its blocks, keys, timings, texts and payment.
 * Stored as `studies.config` (JSON); anything left out takes the default below, which follows
 * the Harmonization psychophysics (Fel et al. 2022, Methods): fixation 1100-1600 ms, stimulus
 * 400 ms, response window 550 ms from stimulus onset, 256 px stimuli on white, $3.00 for ~10-15 min.
 */

export interface StudyConfig {
	/** Keys [first, second]; even Latin-square rows answer "animal" with the first (counterbalanced). */
	keys: [string, string];
	/** Number of main blocks, with a break between blocks. */
	blocks: number;
	/** Practice trials (with feedback) before the main blocks, on held-out images. */
	practice_trials: number;
	/** Use only this many images in the main blocks (all when null): for pilots and tests. */
	images_per_session: number | null;
	timing: {
		/** Fixation duration, drawn uniformly per trial from [min, max] ms. */
		fixation_min_ms: number;
		fixation_max_ms: number;
		/** Stimulus duration, ms (shown and hidden on animation frames). */
		stimulus_ms: number;
		/** Answers count until this long after stimulus onset, ms. */
		response_window_ms: number;
		/** How long "too slow" (and practice feedback) stays on screen, ms. */
		feedback_ms: number;
	};
	/** Stimulus size on screen, CSS px. */
	stimulus_px: number;
	texts: {
		consent: string;
		debrief: string;
	};
	payment: { amount: number; currency: string; minutes: number };
	/**
	 * Screen calibration after the instructions (src/experiments/calibration.ts): 'none' (the
	 * default), or 'virtual-chinrest' (jsPsych's virtual-chinrest plugin: a credit card held to the
	 * screen, then the blind spot), whose pixels per mm, viewing distance and pixels per degree are
	 * stored with the session, so stimulus sizes can be given in degrees of visual angle.
	 */
	calibration: (typeof CALIBRATIONS)[number];
	/**
	 * Prolific's completion code for this study (the redirect carries it). A secret: get_study
	 * leaves it out of the participant's config, and complete_session returns it to a Prolific
	 * session once its trials are stored.
	 */
	prolific_completion_code: string | null;
}

/**
 * Config keys that never reach a participant's browser. get_study returns every other key
 * (supabase: public.participant_config lists them; src/standin/security.test.ts checks the two agree).
 */
export const SECRET_CONFIG_KEYS = ['prolific_completion_code'] as const satisfies readonly (keyof StudyConfig)[];

/** The screen calibrations a study may ask for (StudyConfig.calibration). */
export const CALIBRATIONS = ['none', 'virtual-chinrest'] as const;

export const DEFAULT_STUDY_CONFIG: StudyConfig = {
	keys: ['s', 'l'],
	blocks: 4,
	practice_trials: 6,
	images_per_session: null,
	timing: { fixation_min_ms: 1100, fixation_max_ms: 1600, stimulus_ms: 400, response_window_ms: 550, feedback_ms: 1000 },
	stimulus_px: 256,
	texts: {
		consent:
			'<p>This study is part of research on how people and computer models recognize objects. ' +
			'You will see pictures for a fraction of a second and decide whether each contains an animal. ' +
			'It takes about 10-15 minutes. Your answers are stored without your name; your platform ID is used only to pay you ' +
			'and to make sure you take part once. You may stop at any time by closing this page.</p>' +
			'<p>By clicking "I agree" you consent to take part.</p>',
		debrief:
			'<p>Thank you! The pictures revealed only part of each photo, chosen by where people or models find the most ' +
			'important features. We compare how quickly people and deep networks can recognize objects from such partial views.</p>'
	},
	payment: { amount: 3, currency: 'USD', minutes: 15 },
	calibration: 'none',
	prolific_completion_code: null
};

export class StudyConfigError extends Error {}

const KEY_PATTERN = /^[a-z0-9]$/;

function positiveInteger(value: unknown, name: string): number {
	if (!Number.isInteger(value) || (value as number) < 0) throw new StudyConfigError(`${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
	return value as number;
}

/** Merges a stored config over the defaults and checks every field, naming the first problem. */
export function resolveStudyConfig(raw: unknown): StudyConfig {
	if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
		throw new StudyConfigError('study config must be a JSON object');
	}
	const given = (raw ?? {}) as Partial<StudyConfig>;
	const known = Object.keys(DEFAULT_STUDY_CONFIG);
	for (const key of Object.keys(given)) {
		if (!known.includes(key)) throw new StudyConfigError(`unknown study config field "${key}" (known: ${known.join(', ')})`);
	}
	const config: StudyConfig = {
		...DEFAULT_STUDY_CONFIG,
		...given,
		timing: { ...DEFAULT_STUDY_CONFIG.timing, ...(given.timing ?? {}) },
		texts: { ...DEFAULT_STUDY_CONFIG.texts, ...(given.texts ?? {}) },
		payment: { ...DEFAULT_STUDY_CONFIG.payment, ...(given.payment ?? {}) }
	};
	const [a, b] = config.keys ?? [];
	if (!Array.isArray(config.keys) || config.keys.length !== 2 || !KEY_PATTERN.test(a ?? '') || !KEY_PATTERN.test(b ?? '') || a === b) {
		throw new StudyConfigError(`keys must be two different lower-case letters or digits, e.g. ["s", "l"] (got ${JSON.stringify(config.keys)})`);
	}
	if (positiveInteger(config.blocks, 'blocks') < 1) throw new StudyConfigError('blocks must be at least 1');
	positiveInteger(config.practice_trials, 'practice_trials');
	if (config.images_per_session !== null && positiveInteger(config.images_per_session, 'images_per_session') < 1) {
		throw new StudyConfigError('images_per_session must be at least 1 (or null for all images)');
	}
	const t = config.timing;
	for (const [name, value] of Object.entries(t)) positiveInteger(value, `timing.${name}`);
	if (t.fixation_min_ms > t.fixation_max_ms) throw new StudyConfigError('timing.fixation_min_ms must not exceed timing.fixation_max_ms');
	if (t.response_window_ms < t.stimulus_ms) throw new StudyConfigError('timing.response_window_ms must be at least timing.stimulus_ms');
	if (positiveInteger(config.stimulus_px, 'stimulus_px') < 32) throw new StudyConfigError('stimulus_px must be at least 32');
	if (!(CALIBRATIONS as readonly unknown[]).includes(config.calibration)) {
		throw new StudyConfigError(`calibration must be one of ${CALIBRATIONS.join(', ')} (got ${JSON.stringify(config.calibration)})`);
	}
	return config;
}

/** Which key means what for a participant (from the server's counterbalanced assignment). */
export interface KeyMapping {
	animal: string;
	non_animal: string;
}
