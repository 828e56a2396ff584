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

/** The limits of the settings, each with the reason it has. */
export const STUDY_LIMITS = {
	/** Title: the studies table's check (1-200 characters). */
	titleMax: 200,
	/** Consent and debrief texts: long enough for any consent form, short enough for one page. */
	textMax: 20_000,
	/** Contact, committee, approval number, consent title: one line. */
	lineMax: 200,
	/** Fixations are stored as fixation_ms < 60000 (the trials table's bound). */
	fixationMaxMs: 59_999,
	/** A stimulus must be visible for at least one frame: 1 ms asks for the shortest the screen can do. */
	stimulusMinMs: 1,
	/** Below this the stimulus would be a few dozen pixels: nothing to recognize. */
	stimulusMinPx: 32,
	/** One sitting; also what Prolific and MTurk can reasonably ask for. */
	minutesMax: 600,
	/** Per participant, in the study's currency. */
	amountMax: 10_000
} as const;

/** Keys: one lower-case letter or digit each (the space bar is kept for the breaks). */
const KEY_PATTERN = /^[a-z0-9]$/;
/** Prolific's completion and screen-out codes: letters, digits, _ and -, as Prolific's own are. */
export const PROLIFIC_CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** A value as a sentence shows it: JSON, or "nothing" for an empty field. */
const shown = (value: unknown) => (value === null || value === undefined ? 'nothing' : JSON.stringify(value));

/** The known keys of each nested object of the config, to refuse a misspelt one by name. */
const NESTED = ['timing', 'texts', 'payment'] as const;

/** Every problem of a stored or edited config, without the stimulus set (studyDesignProblems adds those). */
export function studyConfigProblems(raw: unknown): StudyProblem[] {
	if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
		return [{ field: 'config', message: 'The study config must be a JSON object.' }];
	}
	const given = (raw ?? {}) as Record<string, unknown>;
	const problems: StudyProblem[] = [];
	const add = (field: StudyField, message: string) => problems.push({ field, message });
	const known = Object.keys(DEFAULT_STUDY_CONFIG);
	for (const key of Object.keys(given)) {
		if (!known.includes(key)) add('config', `The study config has an unknown field "${key}" (known: ${known.join(', ')}).`);
	}
	for (const group of NESTED) {
		const value = given[group];
		if (value === undefined) continue;
		if (value === null || typeof value !== 'object' || Array.isArray(value)) {
			add('config', `The study config's "${group}" must be an object (got ${JSON.stringify(value)}).`);
			continue;
		}
		const inner = Object.keys(DEFAULT_STUDY_CONFIG[group]);
		for (const key of Object.keys(value)) {
			if (!inner.includes(key)) add('config', `The study config's "${group}" has an unknown field "${key}" (known: ${inner.join(', ')}).`);
		}
	}
	if (problems.length) return problems;

	const config = merged(given as Partial<StudyConfig>);
	const label = (field: keyof typeof STUDY_FIELD_LABELS) => STUDY_FIELD_LABELS[field];
	const integer = (field: keyof typeof STUDY_FIELD_LABELS, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => {
		if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
			const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
			add(field, `${label(field)} must be a whole number ${range} (got ${shown(value)}).`);
			return false;
		}
		return true;
	};
	const text = (field: keyof typeof STUDY_FIELD_LABELS, value: unknown, max: number, required: boolean) => {
		if (typeof value !== 'string') add(field, `${label(field)} must be text (got ${JSON.stringify(value)}).`);
		else if (required && !value.trim()) add(field, `${label(field)} must not be empty.`);
		else if (value.length > max) add(field, `${label(field)} must be at most ${max} characters (it has ${value.length}).`);
	};

	const [a, b] = Array.isArray(config.keys) ? config.keys : [];
	if (!Array.isArray(config.keys) || config.keys.length !== 2 || !KEY_PATTERN.test(a ?? '') || !KEY_PATTERN.test(b ?? '')) {
		add('keys', `${label('keys')} must be two lower-case letters or digits, e.g. "s" and "l" (got ${JSON.stringify(config.keys)}).`);
	} else if (a === b) {
		add('keys', `${label('keys')} must be two different keys (both are "${a}").`);
	}
	integer('blocks', config.blocks, 1);
	integer('practice_trials', config.practice_trials, 0);
	if (config.images_per_session !== null) integer('images_per_session', config.images_per_session, 1);

	const t = config.timing;
	const fixMin = integer('timing.fixation_min_ms', t.fixation_min_ms, 0, STUDY_LIMITS.fixationMaxMs);
	const fixMax = integer('timing.fixation_max_ms', t.fixation_max_ms, 0, STUDY_LIMITS.fixationMaxMs);
	if (fixMin && fixMax && t.fixation_min_ms > t.fixation_max_ms) {
		add('timing.fixation_min_ms', `${label('timing.fixation_min_ms')} (${t.fixation_min_ms}) must not exceed ${label('timing.fixation_max_ms').toLowerCase()} (${t.fixation_max_ms}).`);
	}
	const stim = integer('timing.stimulus_ms', t.stimulus_ms, STUDY_LIMITS.stimulusMinMs);
	const respond = integer('timing.response_window_ms', t.response_window_ms, 0);
	if (stim && respond && t.response_window_ms < t.stimulus_ms) {
		add('timing.response_window_ms', `${label('timing.response_window_ms')} (${t.response_window_ms}) must be at least the stimulus duration (${t.stimulus_ms}): answers count from the stimulus' onset.`);
	}
	integer('timing.feedback_ms', t.feedback_ms, 0);
	integer('stimulus_px', config.stimulus_px, STUDY_LIMITS.stimulusMinPx);

	text('texts.consent_title', config.texts.consent_title, STUDY_LIMITS.lineMax, true);
	text('texts.consent', config.texts.consent, STUDY_LIMITS.textMax, true);
	text('texts.contact', config.texts.contact, STUDY_LIMITS.lineMax, false);
	text('texts.ethics_committee', config.texts.ethics_committee, STUDY_LIMITS.lineMax, false);
	text('texts.ethics_approval_id', config.texts.ethics_approval_id, STUDY_LIMITS.lineMax, false);
	text('texts.debrief', config.texts.debrief, STUDY_LIMITS.textMax, true);

	if (!(MTURK_MODES as readonly unknown[]).includes(config.mturk_mode)) {
		add('mturk_mode', `${label('mturk_mode')} must be ${MTURK_MODES.join(' or ')} (got ${JSON.stringify(config.mturk_mode)}).`);
	}
	if (!(CALIBRATIONS as readonly unknown[]).includes(config.calibration)) {
		add('calibration', `${label('calibration')} must be one of ${CALIBRATIONS.join(', ')} (got ${JSON.stringify(config.calibration)}).`);
	}
	const { amount, currency, minutes } = config.payment;
	if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > STUDY_LIMITS.amountMax) {
		add('payment.amount', `${label('payment.amount')} must be an amount from 0 to ${STUDY_LIMITS.amountMax} (got ${shown(amount)}).`);
	} else if (Math.abs(Math.round(amount * 100) - amount * 100) > 1e-6) {
		add('payment.amount', `${label('payment.amount')} must have at most two decimals, e.g. 3.50 (got ${amount}).`);
	}
	if (typeof currency !== 'string' || !CURRENCY_PATTERN.test(currency)) {
		add('payment.currency', `${label('payment.currency')} must be a three-letter code such as USD, GBP or EUR (got ${JSON.stringify(currency)}).`);
	}
	integer('payment.minutes', minutes, 1, STUDY_LIMITS.minutesMax);
	for (const field of ['prolific_completion_code', 'prolific_screenout_code'] as const) {
		const code = config[field];
		if (code !== null && (typeof code !== 'string' || !PROLIFIC_CODE_PATTERN.test(code))) {
			add(field, `${label(field)} must be 1-64 letters, digits, _ or - (got ${JSON.stringify(code)}), or empty when not on Prolific.`);
		}
	}
	return problems;
}

function merged(given: Partial<StudyConfig>): StudyConfig {
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

/** Merges a stored config over the defaults and checks every field; a bad one throws StudyConfigError naming it. */
export function resolveStudyConfig(raw: unknown): StudyConfig {
	const problems = studyConfigProblems(raw);
	if (problems.length) throw new StudyConfigError(problems);
	return merged((raw ?? {}) as Partial<StudyConfig>);
}

/** What the design checks need to know of a stimulus set. */
export interface StudySetSize {
	/** Images in the set (manifest.images, or the `images` rows of the set). */
	images: number;
	/** Reveal levels of the set. */
	levels: number;
}

/**
 * The smallest block a study may have: as many images as the set has reveal levels, so a block
 * can hold every level once (the Latin square balances levels over the whole sitting; a block
 * smaller than this is a break every few seconds, e.g. 20 blocks of 3 images).
 */
export const minImagesPerBlock = (set: StudySetSize) => set.levels;

/**
 * How many images a participant sees in the main blocks: the set's images less the practice
 * ones (held out), at most images_per_session. The same formula as planSession and the database's
 * planned_trials.
 */
export function mainImageCount(config: Pick<StudyConfig, 'practice_trials' | 'images_per_session'>, setImages: number): number {
	const practice = Math.min(config.practice_trials, setImages);
	return Math.min(setImages - practice, config.images_per_session ?? Number.POSITIVE_INFINITY);
}

/** The problems of a valid config on a given stimulus set: too many images, too few per block. */
export function studyDesignProblems(config: StudyConfig, set: StudySetSize): StudyProblem[] {
	const problems: StudyProblem[] = [];
	const available = set.images - config.practice_trials;
	if (available < 1) {
		problems.push({ field: 'practice_trials', message: `${STUDY_FIELD_LABELS.practice_trials} (${config.practice_trials}) must leave images for the main blocks: the set has ${set.images} images, and practice images are held out.` });
		return problems;
	}
	if (config.images_per_session !== null && config.images_per_session > available) {
		problems.push({
			field: 'images_per_session',
			message: `${STUDY_FIELD_LABELS.images_per_session} (${config.images_per_session}) is more than the set has: ${set.images} images, ${config.practice_trials} of them held out for practice, so at most ${available}.`
		});
		return problems;
	}
	const main = mainImageCount(config, set.images);
	const minimum = minImagesPerBlock(set);
	const smallest = Math.min(...blockSizes(main, config.blocks));
	if (smallest < minimum) {
		const most = maxBlocks(main, minimum);
		problems.push({
			field: 'blocks',
			message: `${STUDY_FIELD_LABELS.blocks} (${config.blocks}) would leave a block with ${smallest} of the ${main} images; each block needs at least ${minimum} (one per reveal level of the set), so ` +
				(most > 0 ? `use at most ${most} block${most === 1 ? '' : 's'}.` : `use more images per participant (at least ${minimum}).`)
		});
	}
	return problems;
}

/** The most blocks `main` images can be cut into with every block at least `minimum` images (0 when none). */
export function maxBlocks(main: number, minimum: number): number {
	for (let blocks = Math.floor(main / Math.max(1, minimum)); blocks >= 1; blocks--) {
		if (Math.min(...blockSizes(main, blocks)) >= minimum) return blocks;
	}
	return 0;
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

/**
 * Warnings (not errors): timings and size changed from the paper's (Fel et al. 2022, the
 * defaults above), named with both values.
 */
export function studyConfigWarnings(config: StudyConfig): StudyProblem[] {
	const warnings: StudyProblem[] = [];
	for (const key of Object.keys(DEFAULT_STUDY_CONFIG.timing) as (keyof StudyConfig['timing'])[]) {
		const paper = DEFAULT_STUDY_CONFIG.timing[key];
		if (config.timing[key] !== paper) {
			const field = `timing.${key}` as const;
			warnings.push({ field, message: `${STUDY_FIELD_LABELS[field]} is ${config.timing[key]}; the paper's is ${paper}. Results may not be comparable with the paper's.` });
		}
	}
	if (config.stimulus_px !== DEFAULT_STUDY_CONFIG.stimulus_px) {
		warnings.push({ field: 'stimulus_px', message: `${STUDY_FIELD_LABELS.stimulus_px} is ${config.stimulus_px}; the paper's is ${DEFAULT_STUDY_CONFIG.stimulus_px}. Results may not be comparable with the paper's.` });
	}
	return warnings;
}

/**
 * A study's short name (its link's last part): the twin of the studies table's check
 * `slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'` (supabase/migrations core_schema; study-settings.test.ts
 * checks the migration still says this).
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** The sentence for a bad short name, or null when the database will take it. */
export function studySlugProblem(slug: string): StudyProblem | null {
	const label = STUDY_FIELD_LABELS.slug;
	const problem = (message: string): StudyProblem => ({ field: 'slug', message });
	if (!slug) return problem(`${label} must not be empty: it is the end of the study's link, e.g. "pilot-2026".`);
	if (slug.length < 2 || slug.length > 63) return problem(`${label} must be 2 to 63 characters (got ${slug.length}).`);
	if (!SLUG_PATTERN.test(slug)) {
		return problem(`${label} may use only lower-case letters, digits and "-", and must start with a letter or digit (got "${slug}"; "${suggestSlug(slug) || 'study-1'}" would do).`);
	}
	return null;
}

/** The sentence for a bad title (the studies table's check: 1-200 characters), or null. */
export function studyTitleProblem(title: string): StudyProblem | null {
	const label = STUDY_FIELD_LABELS.title;
	if (!title.trim()) return { field: 'title', message: `${label} must not be empty: participants see it at the top of the study page.` };
	if (title.length > STUDY_LIMITS.titleMax) return { field: 'title', message: `${label} must be at most ${STUDY_LIMITS.titleMax} characters (it has ${title.length}).` };
	return null;
}

/** A short name made from any text: lower case, runs of other characters as "-", at most 63 characters. */
export function suggestSlug(text: string): string {
	return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 63).replace(/-+$/, '');
}

/** Which key means what for a participant (from the server's counterbalanced assignment). */
export interface KeyMapping {
	animal: string;
	non_animal: string;
}
