/**
 * One participant's session of a rapid-categorization study, from sign-in to completion code.
 *
 *  1. Browser check (desktop, window at least the stimulus size, refresh rate measured), then
 *     start_session on the server (or resume: the session id is kept per study and worker, and
 *     stored BEFORE start_session is called, so a lost answer or a reload retries the same id).
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
	type SessionAssignment
} from '../data/index.js';
import { stableUuid } from '../stimuli/hash.js';
import type { LoadedStimulusSet } from '../stimuli/load.js';
import { resolveStudyConfig, type KeyMapping, type StudyConfig } from './config.js';
import { calibrationTimeline } from './calibration.js';
import { completionTarget, fallbackCompletionCode, type CompletionTarget } from './completion.js';
import { planSession, type PlannedTrial } from './design.js';
import { interactionCounts } from './interaction.js';
import RapidCategorizationPlugin, { decodeStimulus } from './plugin-rapid-categorization.js';
import type { Recruitment } from './recruitment.js';
import { consentPage, minimumWindowPx, windowTooSmall } from './screens.js';
import { SafeStorage, TrialQueue, type QueueStatus, type QueueStorage } from './trial-queue.js';

export type SessionStart =
	| { kind: 'ready'; session: ParticipantSession }
	| { kind: 'completed'; code: string; trialsSaved: number }
	| { kind: 'turned_away'; reason: string };

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
	onQueueChange?: (status: QueueStatus) => void;
}

export interface Completion {
	code: string;
	trialsSaved: number;
	target: CompletionTarget;
}

/** The browser check's findings, stored with the session. */
async function checkBrowser(display: HTMLElement, config: StudyConfig, simulate?: SessionOptions['simulate']): Promise<Record<string, unknown>> {
	const jsPsych = initJsPsych({ display_element: display });
	let result: Record<string, unknown> = {};
	const minimum = minimumWindowPx(config);
	const timeline = [
		{
			type: BrowserCheckPlugin,
			minimum_width: minimum,
			minimum_height: minimum,
			allow_mobile: false,
			features: ['width', 'height', 'browser', 'browser_version', 'mobile', 'os', 'vsync_rate'],
			window_resize_message: `<p>Please make your browser window larger: the experiment needs at least ${minimum} x ${minimum} pixels.</p><p>Your window is <span id="browser-check-actual-width"></span> x <span id="browser-check-actual-height"></span> pixels.</p>`,
			exclusion_message: () => '<p>This study runs on a desktop or laptop computer with a keyboard. Please open it there.</p>',
			on_finish: (data: Record<string, unknown>) => (result = data)
		}
	];
	if (simulate) await jsPsych.simulate(timeline, simulate, { default: { data: { mobile: false } } });
	else await jsPsych.run(timeline);
	if (result.mobile === true) throw new TurnedAway('This study runs on a desktop or laptop computer with a keyboard.');
	// "I cannot make the window larger" ends the check with the window's last size (screens.ts)
	const tooSmall = windowTooSmall({ width: result.width ?? innerWidth, height: result.height ?? innerHeight }, minimum);
	if (tooSmall) throw new TurnedAway(tooSmall);
	return result;
}

class TurnedAway extends Error {}

function sessionKey(study: PublicStudy, recruitment: SessionOptions['recruitment']): string {
	const who = recruitment.platform === 'local' ? 'local' : `${recruitment.platform}:${recruitment.workerId}`;
	return `slp:session:${study.slug}:${who}`;
}

/** What is kept under the session key: the session id and the browser check it passed. */
interface StoredSession {
	id: string;
	browser: Record<string, unknown>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The stored session, or null; a damaged entry gives what can be read of it (the id) and is reported. */
function readStoredSession(storage: SafeStorage, key: string): StoredSession | null {
	const text = storage.getItem(key);
	if (!text) return null;
	if (new RegExp(`^${UUID.source}$`, 'i').test(text)) return { id: text, browser: {} }; // a bare id (before browser checks were kept)
	try {
		const value = JSON.parse(text) as Partial<StoredSession>;
		if (typeof value.id === 'string' && UUID.test(value.id)) {
			const browser = typeof value.browser === 'object' && value.browser !== null && !Array.isArray(value.browser) ? value.browser : {};
			return { id: value.id, browser };
		}
	} catch {
		// damaged: fall through to what can be found in it
	}
	storage.noteCorrupt();
	const id = UUID.exec(text)?.[0];
	return id ? { id, browser: {} } : null;
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

	/** Signs in, checks the browser, starts or resumes the session on the server. */
	static async start(options: SessionOptions, display: HTMLElement): Promise<SessionStart> {
		const { client, study, recruitment } = options;
		const config = resolveStudyConfig(study.config);
		await ensureParticipantSignedIn(client);

		const storage = SafeStorage.of(options.storage);
		const key = sessionKey(study, recruitment);
		let stored = readStoredSession(storage, key);
		if (!stored) {
			try {
				stored = { id: crypto.randomUUID(), browser: await checkBrowser(display, config, options.simulate) };
			} catch (error) {
				if (error instanceof TurnedAway) return { kind: 'turned_away', reason: error.message };
				throw error;
			}
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
				return { kind: 'turned_away', reason: 'Our records show that you have already taken part in this study. Thank you! You cannot take part a second time.' };
			}
			if (error instanceof DataError && error.hint === 'study_not_open') return { kind: 'turned_away', reason: 'This study is not taking participants at the moment.' };
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
			return { kind: 'completed', code: assignment.completion_code, trialsSaved: 0 };
		}

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
				stimulus: consentPage(config, this.options.study.title),
				choices: ['I agree', 'I do not agree'],
				simulation_options: { data: { response: 0 } }, // a simulated participant consents
				on_finish: (data: { response: number }) => {
					consented = data.response === 0;
					if (!consented) jsPsych.abortExperiment('<p>You chose not to take part. You can close this page.</p>');
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
		timeline.push({ type: HtmlButtonResponsePlugin, stimulus: `<div style="max-width:40rem;text-align:left">${config.texts.debrief}</div>`, choices: ['Finish'] });
		if (this.options.simulate) await jsPsych.simulate(timeline as never, this.options.simulate);
		else await jsPsych.run(timeline as never);
		if (!consented) throw new TurnedAway('You chose not to take part. You can close this page.');
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
