/**
 * One participant's session of a rapid-categorization study, from sign-in to completion code.
 *
 *  1. Browser check (desktop, window at least the stimulus size, refresh rate measured), then
 *     start_session on the server (or resume: the session id is kept per study and worker, and
 *     stored BEFORE start_session is called, so a lost answer or a reload retries the same id;
 *     the server also resumes a platform worker's session from another browser or device).
 *     A refused browser (phone, window too small) and a declined consent are recorded on the
 *     server (end_session) with the reason; the person is asked to return the study or HIT
 *     (Prolific: with the study's screen-out code), and may start again: the same session resumes.
 *     A revisit after completion gets the code and the platform's hand-off again.
 *  2. The trial list is rebuilt from the server's assignment (design.ts), and trials the server
 *     or the local queue already hold are skipped: a reload resumes where the participant left off.
 *  3. Consent, instructions with the participant's keys, fullscreen, practice with feedback,
 *     main blocks with breaks, debrief. Every trial goes to the persistent queue when it ends.
 *  4. finish(): the queue drains, then complete_session returns the completion code.
 * Browser storage may be full, blocked or damaged: every read and write goes through one
 * SafeStorage (trial-queue.ts), whose fault the queue's status reports to the page.
 */
import { initJsPsych, type JsPsych } from 'jspsych';
import BrowserCheckPlugin from '@jspsych/plugin-browser-check';
import FullscreenPlugin from '@jspsych/plugin-fullscreen';
import HtmlButtonResponsePlugin from '@jspsych/plugin-html-button-response';
import HtmlKeyboardResponsePlugin from '@jspsych/plugin-html-keyboard-response';
import InstructionsPlugin from '@jspsych/plugin-instructions';
import {
	DataError,
	completeSession,
	endSession,
	ensureParticipantSignedIn,
	recordCalibration,
	recordTrials,
	savedTrialIds,
	startSession,
	designData,
	trialRecord,
	type JsPsychTrialData,
	type PlatformClient,
	type PublicStudy,
	type SessionAssignment,
	type SessionEnd
} from '../data/index.js';
import { stableUuid } from '../stimuli/hash.js';
import type { LoadedStimulusSet } from '../stimuli/load.js';
import { participantStudyConfig, type KeyMapping, type StudyConfig } from './config.js';
import { calibrationTimeline } from './calibration.js';
import { completionTarget, fallbackCompletionCode, screenOut, type CompletionTarget, type ScreenOut } from './completion.js';
import { planSession, type PlannedTrial } from './design.js';
import { interactionCounts } from './interaction.js';
import RapidCategorizationPlugin, { decodeStimulus } from './plugin-rapid-categorization.js';
import type { Recruitment } from './recruitment.js';
import { consentPage, minimumWindowPx, windowTooSmall } from './screens.js';
import type { StudyPageTexts } from './study-text.js';
import { SafeStorage, TrialQueue, type QueueStatus, type QueueStorage } from './trial-queue.js';

export type SessionStart =
	| { kind: 'ready'; session: ParticipantSession }
	/** Completed before (a reload or a revisit): the code again, and where to hand it in. */
	| { kind: 'completed'; code: string; trialsSaved: number; target: CompletionTarget }
	| { kind: 'turned_away'; reason: string; ending: SessionEnding | null };

/** How a person who cannot take part was recorded, and what they are asked to do. */
export interface SessionEnding {
	status: 'declined' | 'turned_away';
	/** What the server stored as the reason (e.g. `phone`, `small window 800x500`), or null. */
	reason: string | null;
	/** Return the study (Prolific, with the screen-out code when the study has one) or the HIT (MTurk). */
	screenOut: ScreenOut;
	/** Starting again resumes the same session (a declined person may reconsider; a window can be enlarged). */
	canRetry: boolean;
}

export interface SessionOptions {
	client: PlatformClient;
	study: PublicStudy;
	set: LoadedStimulusSet;
	recruitment: Exclude<Recruitment, { platform: 'mturk'; preview: true }>;
	/** Where the session id and the queue persist (a SafeStorage is used as is, anything else is wrapped in one). */
	storage: QueueStorage;
	/** Sessions run by automated tests are marked as test data everywhere. */
	isTest: boolean;
	/** Run with jsPsych's simulation (a simulated participant); such sessions are always test data. */
	simulate?: 'data-only' | 'visual';
	/** The consent and debrief as rendered on the server (study-text.ts studyPageTexts). */
	texts: StudyPageTexts;
	onQueueChange?: (status: QueueStatus) => void;
}

export interface Completion {
	code: string;
	trialsSaved: number;
	target: CompletionTarget;
}

/** The browser check's features that are stored with the session (client_info). */
const BROWSER_FEATURES = ['width', 'height', 'browser', 'browser_version', 'mobile', 'os', 'vsync_rate'] as const;

/** Why the browser check refused someone: the stored reason (sessions.status_reason) and the sentence shown. */
export interface BrowserRefusal {
	reason: string;
	message: string;
}

/**
 * The browser check: first the device (a phone or tablet is refused: reason `phone`), then the
 * window, which must hold the stimulus with a margin (stimulus_px + 64 on each side). A window
 * too small shows jsPsych's resize prompt with the actual size; a person who cannot enlarge it is
 * refused with reason `small window <width>x<height>`.
 */
async function checkBrowser(display: HTMLElement, config: StudyConfig, simulate?: SessionOptions['simulate']): Promise<{ browser: Record<string, unknown>; refusal: BrowserRefusal | null }> {
	const jsPsych = initJsPsych({ display_element: display });
	const minimum = minimumWindowPx(config);
	const found: Record<string, unknown> = {};
	const keep = (data: Record<string, unknown>) => {
		for (const feature of BROWSER_FEATURES) if (feature in data) found[feature] = data[feature];
	};
	const timeline = [
		{
			type: BrowserCheckPlugin,
			features: ['browser', 'browser_version', 'mobile', 'os', 'vsync_rate'],
			inclusion_function: (data: Record<string, unknown>) => data.mobile !== true,
			exclusion_message: () => '',
			on_finish: keep
		},
		{
			type: BrowserCheckPlugin,
			features: ['width', 'height'],
			minimum_width: minimum,
			minimum_height: minimum,
			window_resize_message: `<p>Please make your browser window larger: the experiment needs at least ${minimum} x ${minimum} pixels.</p><p>Your window is <span id="browser-check-actual-width"></span> x <span id="browser-check-actual-height"></span> pixels.</p>`,
			resize_fail_button_text: 'I cannot make the window any larger',
			exclusion_message: () => '',
			on_finish: keep
		}
	];
	if (simulate) await jsPsych.simulate(timeline, simulate, { default: { data: { mobile: false } } });
	else await jsPsych.run(timeline);
	display.innerHTML = '';
	if (found.mobile === true) return { browser: found, refusal: { reason: 'phone', message: 'This study runs on a desktop or laptop computer with a keyboard, not on a phone or tablet.' } };
	// "I cannot make the window larger" ends the check without a measurement: the window as it is now
	const width = Math.round(Number(found.width ?? innerWidth));
	const height = Math.round(Number(found.height ?? innerHeight));
	if (width < minimum || height < minimum) {
		return { browser: found, refusal: { reason: `small window ${width}x${height}`, message: windowTooSmall({ width, height }, minimum)! } };
	}
	return { browser: found, refusal: null };
}

/** Thrown by run() when the person does not consent (the session is recorded as declined). */
class TurnedAway extends Error {
	constructor(
		message: string,
		readonly ending: SessionEnding | null = null
	) {
		super(message);
	}
}

function sessionKey(study: PublicStudy, recruitment: SessionOptions['recruitment']): string {
	const who = recruitment.platform === 'local' ? 'local' : `${recruitment.platform}:${recruitment.workerId}`;
	return `slp:session:${study.slug}:${who}`;
}

/**
 * What is kept under the session key: the session id and the browser check's findings, and
 * whether it passed (a refused browser checks again next time, under the same session id).
 */
interface StoredSession {
	id: string;
	browser: Record<string, unknown>;
	passed: boolean;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The stored session, or null; a damaged entry gives what can be read of it (the id) and is reported. */
function readStoredSession(storage: SafeStorage, key: string): StoredSession | null {
	const text = storage.getItem(key);
	if (!text) return null;
	if (new RegExp(`^${UUID.source}$`, 'i').test(text)) return { id: text, browser: {}, passed: true }; // a bare id (before browser checks were kept)
	try {
		const value = JSON.parse(text) as Partial<StoredSession>;
		if (typeof value.id === 'string' && UUID.test(value.id)) {
			const browser = typeof value.browser === 'object' && value.browser !== null && !Array.isArray(value.browser) ? value.browser : {};
			return { id: value.id, browser, passed: value.passed !== false };
		}
	} catch {
		// damaged: fall through to what can be found in it
	}
	storage.noteCorrupt();
	const id = UUID.exec(text)?.[0];
	return id ? { id, browser: {}, passed: true } : null;
}

/** Records on the server that the session ended without completion; null when that fails (the page still says what to do). */
async function recordEnding(options: SessionOptions, sessionId: string, status: SessionEnding['status'], reason: string | null): Promise<SessionEnding> {
	let stored: SessionEnd | null = null;
	try {
		stored = await endSession(options.client, sessionId, status, reason);
	} catch {
		stored = null; // offline or refused: the instruction stands, without the screen-out code
	}
	return { status, reason, screenOut: screenOut(options.recruitment, stored?.screenout_code ?? null), canRetry: true };
}

export class ParticipantSession {
	private constructor(
		private readonly options: SessionOptions,
		/** Trial ids the server held when the session resumed. */
		private readonly savedOnServer: ReadonlySet<string>,
		readonly config: StudyConfig,
		readonly sessionId: string,
		readonly assignment: SessionAssignment,
		readonly plan: PlannedTrial[],
		readonly trialIds: string[],
		readonly queue: TrialQueue,
		readonly browser: Record<string, unknown>
	) {}

	/**
	 * Signs in, checks the browser, starts or resumes the session on the server. A browser the
	 * check refuses still starts (or resumes) the session, which is then recorded as turned away
	 * with the reason, so the researcher sees it; the next start checks again under the same id.
	 */
	static async start(options: SessionOptions, display: HTMLElement): Promise<SessionStart> {
		const { client, study, recruitment } = options;
		const config = participantStudyConfig(study.config);
		await ensureParticipantSignedIn(client);

		const storage = SafeStorage.of(options.storage);
		const key = sessionKey(study, recruitment);
		let stored = readStoredSession(storage, key);
		let refusal: BrowserRefusal | null = null;
		if (!stored || !stored.passed) {
			const check = await checkBrowser(display, config, options.simulate);
			refusal = check.refusal;
			stored = { id: stored?.id ?? crypto.randomUUID(), browser: check.browser, passed: refusal === null };
			// kept before start_session, so that a lost answer or a reload retries this same id
			storage.setItem(key, JSON.stringify(stored));
		}
		const browser = stored.browser;
		let assignment: SessionAssignment;
		try {
			assignment = await startSession(client, {
				sessionId: stored.id,
				studySlug: study.slug,
				platform: recruitment.platform,
				workerId: recruitment.platform === 'local' ? null : recruitment.workerId,
				assignmentId: recruitment.platform === 'mturk' ? recruitment.assignmentId : null,
				hitId: recruitment.platform === 'mturk' ? recruitment.hitId : null,
				platformStudyId: recruitment.platform === 'prolific' ? recruitment.studyId : null,
				platformSessionId: recruitment.platform === 'prolific' ? recruitment.sessionId : null,
				clientInfo: { ...browser, user_agent: navigator.userAgent, screen: { width: screen.width, height: screen.height, dpr: devicePixelRatio } },
				isTest: options.isTest || !!options.simulate
			});
		} catch (error) {
			if (error instanceof DataError && (error.hint === 'already_participated' || error.hint === 'study_not_open')) storage.setItem(key, '');
			if (error instanceof DataError && error.hint === 'already_participated') {
				return { kind: 'turned_away', reason: 'Our records show that you have already taken part in this study. Thank you! You cannot take part a second time.', ending: null };
			}
			if (error instanceof DataError && error.hint === 'study_not_open') return { kind: 'turned_away', reason: 'This study is not taking participants at the moment.', ending: null };
			throw error;
		}
		// the server's id: the same as ours, or the session it already holds for this participant
		const sessionId = assignment.session_id ?? stored.id;
		if (sessionId !== stored.id) storage.setItem(key, JSON.stringify({ ...stored, id: sessionId }));
		if (assignment.status === 'completed' && assignment.completion_code) {
			if (recruitment.platform === 'local') {
				// Local mode: a finished try-out starts afresh next time.
				storage.setItem(key, '');
			}
			// a revisit: the code again, and the same hand-off (MTurk's submit form, Prolific's redirect)
			const target = completionTarget(recruitment, assignment.completion_code, assignment.prolific_completion_code ?? null);
			return { kind: 'completed', code: assignment.completion_code, trialsSaved: assignment.trials_saved ?? 0, target };
		}
		if (refusal) return { kind: 'turned_away', reason: refusal.message, ending: await recordEnding(options, sessionId, 'turned_away', refusal.reason) };

		const plan = planSession(options.set.manifest, config, assignment.latin_row, assignment.order_seed);
		const trialIds = await Promise.all(plan.map((t) => stableUuid(sessionId, t.trial_index)));
		const queue = new TrialQueue({
			storage,
			key: `slp:queue:${sessionId}`,
			send: (trials) => recordTrials(client, sessionId, trials),
			reauthenticate: async () => void (await ensureParticipantSignedIn(client)),
			onChange: options.onQueueChange
		});
		// the server is the record of what is saved: re-read on every resume (the local queue may be damaged or pruned)
		const saved = assignment.resumed ? await savedTrialIds(client, sessionId) : [];
		queue.markConfirmed(saved);
		return { kind: 'ready', session: new ParticipantSession(options, new Set(saved), config, sessionId, assignment, plan, trialIds, queue, browser) };
	}

	get keys(): KeyMapping {
		return { animal: this.assignment.key_animal, non_animal: this.assignment.key_non_animal };
	}

	/** Trials not yet done (neither confirmed by the server nor waiting in the queue). */
	remaining(): PlannedTrial[] {
		const known = this.queue.knownIds();
		return this.plan.filter((t) => !known.has(this.trialIds[t.trial_index]!) && !this.savedOnServer.has(this.trialIds[t.trial_index]!));
	}

	/** Runs the timeline in `display`; resolves when the last remaining trial and the debrief are done. */
	async run(display: HTMLElement): Promise<void> {
		const { config, keys } = this;
		const remaining = this.remaining();
		const fresh = remaining.length === this.plan.length;
		const jsPsych: JsPsych = initJsPsych({ display_element: display });
		const keyHelp = `<p>Press <kbd>${keys.animal.toUpperCase()}</kbd> for <strong>animal</strong> and <kbd>${keys.non_animal.toUpperCase()}</kbd> for <strong>no animal</strong>.</p>`;
		let consented = !fresh;

		// Decode stimuli in trial order in the background; each trial also waits for its own.
		void (async () => {
			for (const t of remaining) await decodeStimulus(this.options.set.url(t.file)).catch(() => undefined);
		})();

		const timeline: unknown[] = [];
		if (fresh) {
			timeline.push({
				type: HtmlButtonResponsePlugin,
				stimulus: consentPage(this.options.texts),
				choices: ['I agree', 'I do not agree'],
				simulation_options: { data: { response: 0 } }, // a simulated participant consents
				on_finish: (data: { response: number }) => {
					consented = data.response === 0;
					if (!consented) jsPsych.abortExperiment('');
				}
			});
			timeline.push({
				type: InstructionsPlugin,
				pages: [
					`<h2>Animal or not?</h2><p>In each trial a cross appears in the middle of the screen: look at it.</p><p>Then a picture flashes for less than half a second. Parts of it are hidden behind noise.</p><p>Decide as fast as you can whether the picture contains an animal.</p>`,
					`<h2>Your keys</h2>${keyHelp}<p>Answer within about half a second of the picture: if you are too slow, you will see "Too slow!".</p><p>First a few practice trials with feedback, then ${config.blocks} blocks with short breaks.</p>`
				],
				show_clickable_nav: true,
				button_label_next: 'Next',
				button_label_previous: 'Back'
			});
		} else {
			timeline.push({
				type: HtmlButtonResponsePlugin,
				stimulus: `<h2>Welcome back</h2><p>You continue where you left off: ${remaining.length} pictures to go.</p>${keyHelp}`,
				choices: ['Continue']
			});
		}
		timeline.push({ type: FullscreenPlugin, fullscreen_mode: true, message: '<p>The experiment runs in full screen.</p>', button_label: 'Go full screen' });
		if (fresh && config.calibration === 'virtual-chinrest' && !this.options.simulate) {
			timeline.push(...(await calibrationTimeline((calibration) => recordCalibration(this.options.client, this.sessionId, calibration))));
		}

		let previous: PlannedTrial | null = null;
		for (const planned of remaining) {
			if (planned.block === 'main' && previous && previous.block === 'practice') {
				timeline.push({ type: HtmlKeyboardResponsePlugin, stimulus: `<p>Practice is over. Now the real thing: no more feedback.</p>${keyHelp}<p>Press the space bar to start.</p>`, choices: [' '] });
			} else if (planned.block === 'main' && previous && previous.block_number !== planned.block_number) {
				timeline.push({ type: HtmlKeyboardResponsePlugin, stimulus: `<p>Block ${previous.block_number} of ${config.blocks} done. Take a short break.</p>${keyHelp}<p>Press the space bar to continue.</p>`, choices: [' '] });
			}
			previous = planned;
			timeline.push({
				type: RapidCategorizationPlugin,
				stimulus: this.options.set.url(planned.file),
				stimulus_id: planned.stimulus_id,
				category: planned.category,
				fixation_ms: planned.fixation_ms,
				stimulus_ms: config.timing.stimulus_ms,
				response_window_ms: config.timing.response_window_ms,
				feedback_ms: config.timing.feedback_ms,
				key_animal: keys.animal,
				key_non_animal: keys.non_animal,
				feedback: planned.block === 'practice',
				stimulus_px: config.stimulus_px,
				// the trial's design values, which jsPsych copies into the trial's data (src/data/trial-fields.ts)
				data: designData(planned),
				on_finish: (data: JsPsychTrialData & { trial_index: number }) =>
					this.queue.enqueue(
						trialRecord(
							{ id: this.trialIds[planned.trial_index]!, trial_index: planned.trial_index },
							// this trial's blurs and fullscreen exits (interaction.ts), into its jsPsych data and its record
							Object.assign(data, interactionCounts(jsPsych.data.getInteractionData().values(), data.trial_index))
						)
					)
			});
		}
		timeline.push({ type: HtmlButtonResponsePlugin, stimulus: `<div style="max-width:40rem;text-align:left">${this.options.texts.debriefHtml}</div>`, choices: ['Finish'] });
		if (this.options.simulate) await jsPsych.simulate(timeline as never, this.options.simulate);
		else await jsPsych.run(timeline as never);
		if (!consented) throw new TurnedAway('You chose not to take part. Thank you for considering it.', await recordEnding(this.options, this.sessionId, 'declined', null));
		if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
	}

	/** Waits for every trial to be saved, then completes the session. Throws while trials are unsaved. */
	async finish(timeoutMs = 20_000): Promise<Completion> {
		const saved = await this.queue.drain(timeoutMs);
		if (!saved) throw new UnsavedTrialsError(this.queue.status());
		const completion = await completeSession(this.options.client, this.sessionId);
		this.queue.forget(); // the server holds every trial: the local copy is no longer needed
		return {
			code: completion.completion_code,
			trialsSaved: completion.trials_saved,
			target: completionTarget(this.options.recruitment, completion.completion_code, completion.prolific_completion_code)
		};
	}

	/** Completion without the server: a code tied to the trials it confirmed (see completion.ts). */
	async fallbackCompletion(): Promise<Completion> {
		const confirmed = this.queue.status().confirmed;
		const code = await fallbackCompletionCode(this.sessionId, confirmed);
		return { code, trialsSaved: confirmed, target: completionTarget(this.options.recruitment, code, this.config.prolific_completion_code) };
	}
}

export class UnsavedTrialsError extends Error {
	constructor(readonly status: QueueStatus) {
		super(`${status.pending} answers are not saved yet${status.lastError ? ` (${status.lastError})` : ''}`);
	}
}

export { TurnedAway };
