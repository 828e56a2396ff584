/**
 * The rules of a study's settings, each a sentence naming the field by the label the settings form
 * shows (config.ts STUDY_FIELD_LABELS): every field (`studyConfigProblems`, and `resolveStudyConfig`
 * that throws them), the design against the stimulus set (`studyDesignProblems`), warnings when
 * timings leave the paper's (`studyConfigWarnings`), and the short name and title (the twins of
 * the studies table's checks). Used by the dashboard, the command lines and the study page's
 * server load; the participant's browser does not load them (config.ts participantStudyConfig).
 */
import {
	blockSizes,
	CALIBRATIONS,
	DEFAULT_STUDY_CONFIG,
	MTURK_MODES,
	STUDY_FIELD_LABELS,
	StudyConfigError,
	merged,
	type StudyConfig,
	type StudyField,
	type StudyProblem
} from './config.js';

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

