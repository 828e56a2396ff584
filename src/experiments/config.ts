/**
 * A study's configuration: the one place for its blocks, keys, timings, texts and payment.
 * Stored as `studies.config` (JSON); anything left out takes the default below, which follows
 * the Harmonization psychophysics (Fel et al. 2022, Methods): fixation 1100-1600 ms, stimulus
 * 400 ms, response window 550 ms from stimulus onset, 256 px stimuli on white, $3.00 for ~10-15 min.
 */

/** Which MTurk a study recruits on (links.ts MTURK_SITES). */
export const MTURK_MODES = ['sandbox', 'live'] as const;
export type MturkMode = (typeof MTURK_MODES)[number];

export interface StudyConfig {
	/** Keys [first, second]; even Latin-square rows answer "animal" with the first (counterbalanced). */
	keys: [string, string];
	/** Number of main blocks, with a break between blocks. Each block needs MIN_IMAGES_PER_BLOCK (see studyDesignProblems). */
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
	/**
	 * What participants read. `consent` and `debrief` are Markdown, rendered by renderStudyText
	 * (study-text.ts; older texts stored as HTML keep working there). consentText() puts the
	 * consent, contact and ethics approval together.
	 */
	texts: {
		/** Heading of the consent page. */
		consent_title: string;
		consent: string;
		/** Whom to ask about the study, e.g. "Dr. A. Person, a.person@lab.example.org"; empty: not shown. */
		contact: string;
		/** The ethics committee (IRB) that approved the study; empty: not shown. */
		ethics_committee: string;
		/** Its approval (protocol) number; empty: not shown. */
		ethics_approval_id: string;
		debrief: string;
	};
	/**
	 * Which MTurk the study's links are for: `sandbox` (workersandbox.mturk.com, no money, for
	 * trying a HIT) or `live` (paid work). links.ts gives each mode's sites and endpoints.
	 */
	mturk_mode: MturkMode;
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
	/** Prolific's screen-out code, shown to people turned away (phone, small window, declined consent). */
	prolific_screenout_code: string | null;
}

/**
 * Config keys that never reach a participant's browser. get_study returns every other key
 * (supabase: public.participant_config lists them; src/standin/security.test.ts checks the two agree).
 * The screen-out code reaches a Prolific participant only from end_session, which records why
 * they were turned away.
 */
export const SECRET_CONFIG_KEYS = ['prolific_completion_code', 'prolific_screenout_code'] as const satisfies readonly (keyof StudyConfig)[];

/** The screen calibrations a study may ask for (StudyConfig.calibration). */
export const CALIBRATIONS = ['none', 'virtual-chinrest'] as const;

/**
 * The defaults. Timings, size and payment are the paper's; the texts are Markdown (they were
 * HTML before issue 15: renderStudyText still accepts those). MTurk starts in the sandbox, so a
 * new study is tried out before it costs money.
 */
export const DEFAULT_STUDY_CONFIG: StudyConfig = {
	keys: ['s', 'l'],
	blocks: 4,
	practice_trials: 6,
	images_per_session: null,
	timing: { fixation_min_ms: 1100, fixation_max_ms: 1600, stimulus_ms: 400, response_window_ms: 550, feedback_ms: 1000 },
	stimulus_px: 256,
	mturk_mode: 'sandbox',
	texts: {
		consent_title: 'Consent to take part',
		consent:
			'This study is part of research on how people and computer models recognize objects. ' +
			'You will see pictures for a fraction of a second and decide whether each contains an animal. ' +
			'It takes about 10-15 minutes. Your answers are stored without your name; your platform ID is used only to pay you ' +
			'and to make sure you take part once. You may stop at any time by closing this page.\n\n' +
			'By clicking "I agree" you consent to take part.',
		contact: '',
		ethics_committee: '',
		ethics_approval_id: '',
		debrief:
			'Thank you! The pictures revealed only part of each photo, chosen by where people or models find the most ' +
			'important features. We compare how quickly people and deep networks can recognize objects from such partial views.'
	},
	payment: { amount: 3, currency: 'USD', minutes: 15 },
	calibration: 'none',
	prolific_completion_code: null,
	prolific_screenout_code: null
};

/**
 * The label of each setting, as the settings form shows it and as problems name it: one place,
 * so a sentence names the field the researcher sees.
 */
export const STUDY_FIELD_LABELS = {
	title: 'Title',
	slug: 'Short name',
	keys: 'Response keys',
	blocks: 'Blocks',
	practice_trials: 'Practice trials',
	images_per_session: 'Images per participant',
	'timing.fixation_min_ms': 'Shortest fixation (ms)',
	'timing.fixation_max_ms': 'Longest fixation (ms)',
	'timing.stimulus_ms': 'Stimulus duration (ms)',
	'timing.response_window_ms': 'Response window (ms)',
	'timing.feedback_ms': 'Feedback duration (ms)',
	stimulus_px: 'Stimulus size (px)',
	'texts.consent_title': 'Consent title',
	'texts.consent': 'Consent text',
	'texts.contact': 'Contact',
	'texts.ethics_committee': 'Ethics committee',
	'texts.ethics_approval_id': 'Ethics approval number',
	'texts.debrief': 'Debrief text',
	mturk_mode: 'MTurk',
	calibration: 'Screen calibration',
	'payment.amount': 'Pay',
	'payment.currency': 'Currency',
	'payment.minutes': 'Expected duration (minutes)',
	prolific_completion_code: 'Prolific completion code',
	prolific_screenout_code: 'Prolific screen-out code'
} as const;
export type StudyField = keyof typeof STUDY_FIELD_LABELS | 'config';

/** One problem (or warning) with a study's settings: the field, and a sentence naming it. */
export interface StudyProblem {
	field: StudyField;
	message: string;
}

/** A refused config; `problems` lists every problem, `message` is the first one's sentence. */
export class StudyConfigError extends Error {
	constructor(readonly problems: StudyProblem[]) {
		super(problems.map((p) => p.message).join(' '));
		this.name = 'StudyConfigError';
	}
}

export function merged(given: Partial<StudyConfig>): StudyConfig {
	return {
		...DEFAULT_STUDY_CONFIG,
		...given,
		timing: { ...DEFAULT_STUDY_CONFIG.timing, ...(given.timing ?? {}) },
		texts: { ...DEFAULT_STUDY_CONFIG.texts, ...(given.texts ?? {}) },
		payment: { ...DEFAULT_STUDY_CONFIG.payment, ...(given.payment ?? {}) }
	};
}

/**
 * The participant's browser's config: the stored settings over the defaults, without the
 * settings' sentences (they stay out of the participant page's payload). The settings were
 * checked when saved, and the study page's server load checks them again with
 * resolveStudyConfig before a participant starts (src/routes/study/[slug]/+page.server.ts).
 */
export function participantStudyConfig(raw: unknown): StudyConfig {
	if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) throw new StudyConfigError([{ field: 'config', message: 'The study\'s settings are not readable.' }]);
	return merged((raw ?? {}) as Partial<StudyConfig>);
}

/** How planSession cuts the main trials into blocks: consecutive runs of this many. */
export const imagesPerBlock = (main: number, blocks: number) => Math.max(1, Math.ceil(main / blocks));

/**
 * The sizes of the main blocks as planSession cuts them: consecutive runs of ceil(main / blocks)
 * trials, so the last block is the smallest and may be empty (10 images in 6 blocks: 2,2,2,2,2,0).
 */
export function blockSizes(main: number, blocks: number): number[] {
	const perBlock = imagesPerBlock(main, blocks);
	return Array.from({ length: blocks }, (_, b) => Math.max(0, Math.min(perBlock, main - b * perBlock)));
}

/** Which key means what for a participant (from the server's counterbalanced assignment). */
export interface KeyMapping {
	animal: string;
	non_animal: string;
}
