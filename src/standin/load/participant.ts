/**
 * One simulated participant: what the study page and src/experiments/session.ts do in a browser,
 * minus the DOM. It calls the app's own client code (src/data through `createNodeClient`) and the
 * experiment's own `TrialQueue`, on an in-memory Storage of its own (its "localStorage"):
 *   page load: get_study; Start: anonymous sign-in, start_session (the session id is kept only
 *   after success, as session.ts does); a failure shows an error and the participant reloads;
 *   then one trial into the queue every `pace` ms (the real trial list, planSession, with
 *   plausible measured values); then finish(): drain the queue (20 s, as session.ts), "Try again"
 *   while answers are unsaved, complete_session.
 * A ClickMe player does what /clickme does: sign in, clickme_set, clickme_join, next images, then
 * rounds through `clickmeQueue` / `RoundRecorder` (src/clickgame/recording.ts), one stroke every
 * `pace` ms.
 */
import { randomUUID } from 'node:crypto';
import {
	DataError,
	clickmeSet,
	completeSession,
	designData,
	ensureParticipantSignedIn,
	getStudy,
	joinClickme,
	nextClickmeImages,
	recordClickme,
	recordTrials,
	startSession,
	trialRecord,
	type ClickmeItem,
	type Completion,
	type MeasuredTrial,
	type PluginTrialData,
	type PlatformClient,
	type TrialOutcome,
	type TrialRecord
} from '../../data/index.js';
import { createNodeClient } from '../../data/node.js';
import { CLICKME_DEFAULTS, paintedFraction, paintedMask, scaledToImage, type Stroke } from '../../clickgame/index.js';
import { RoundRecorder } from '../../clickgame/recording.js';
import { roundScore } from '../../clickgame/score.js';
import type { StudyConfig } from '../../experiments/config.js';
import { resolveStudyConfig } from '../../experiments/study-rules.js';
import { planSession, type PlannedTrial } from '../../experiments/design.js';
import { MemoryStorage, TrialQueue } from '../../experiments/trial-queue.js';
import { stableUuid } from '../../stimuli/hash.js';
import type { StimulusSetManifest } from '../../stimuli/manifest.js';
import { seededRandom } from '../../stimuli/random.js';
import type { Metrics } from './metrics.js';

/**
 * jsPsych adds the plugin's `info.version` to each trial's data; the plugin module needs a DOM to
 * load, so simulated trials carry this marker instead (it is stored in the trial's `data` only).
 */
export const SIMULATED_PLUGIN_VERSION = 'bench-load';

/** How long a participant waits before reloading a page that showed an error, and before "Try again". */
export const RELOAD_MS = 3000;
/** session.ts finish(): the queue drains for up to this long before "answers are not saved yet". */
const FINISH_DRAIN_MS = 20_000;

/**
 * `unsaved`: gave up at the finish deadline with answers still pending in the queue;
 * `not_completed`: gave up with every answer confirmed but no completion code.
 */
export type ParticipantState = 'waiting' | 'starting' | 'running' | 'finishing' | 'completed' | 'unsaved' | 'not_completed' | 'locked_out' | 'turned_away' | 'not_started';

export interface LoadContext {
	/** Where the clients send their requests (the stand-in, or the dropping proxy before it). */
	apiUrl: string;
	anonKey: string;
	manifest: StimulusSetManifest;
	metrics: Metrics;
	paceMs: number;
	/** At most this many trials (or strokes) per participant; null: the whole trial list. */
	itemsPerParticipant: number | null;
	/** ms since the run began (the run's clock). */
	clock: () => number;
	/** No new trials after this time (ms on the run's clock). */
	trialsEndMs: number;
	/** Participants give up finishing at this time (ms on the run's clock). */
	finishEndMs: number;
	/** True once the run is being torn down (the hard limit): participants stop at once. */
	aborted: () => boolean;
	runId: string;
}

export interface SimulatedParticipant {
	index: number;
	kind: 'study' | 'clickme';
	workerId: string;
	state: ParticipantState;
	/** The session (study) or the player's user id (ClickMe). */
	sessionId: string | null;
	/** Items put into the queue, in order: trials, or ClickMe rounds, strokes and ends. */
	enqueued: { id: string }[];
	/** Items the server answered `rejected`, with the reason (every simulated item is valid). */
	rejected: Map<string, string>;
	queue: TrialQueue<{ id: string }> | null;
	completion: Completion | null;
	startAttempts: number;
	/** Answers still pending when the participant gave up (null: did not give up). */
	pendingAtGiveUp: number | null;
	/** The last error this participant saw. */
	problem: string | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function newParticipant(index: number, kind: SimulatedParticipant['kind'], runId: string): SimulatedParticipant {
	return { index, kind, workerId: `LOAD${runId}x${index}`, state: 'waiting', sessionId: null, enqueued: [], rejected: new Map(), queue: null, completion: null, startAttempts: 0, pendingAtGiveUp: null, problem: null };
}

/** The queue's `send`, measured: latency and failures per call, outcomes per item. */
function measuredSend<T extends { id: string }>(ctx: LoadContext, p: SimulatedParticipant, kind: 'record_trials' | 'clickme_record', send: (items: T[]) => Promise<TrialOutcome[]>) {
	return async (items: T[]): Promise<TrialOutcome[]> => {
		ctx.metrics.itemsSent += items.length;
		const outcomes = await ctx.metrics.timed(kind, () => send(items));
		ctx.metrics.countOutcomes(items, outcomes);
		for (const o of outcomes) if (o.status === 'rejected') p.rejected.set(o.id, o.reason ?? 'rejected');
		return outcomes;
	};
}

/** A trial's jsPsych data as the plugin's data-only simulation draws it: ~80 % correct, RT around 420 ms, a few misses. */
export function simulatedMeasurement(planned: PlannedTrial, keys: { animal: string; non_animal: string }, config: StudyConfig, random: () => number): MeasuredTrial {
	const answered = random() < 0.95;
	const correct = random() < 0.8;
	const other = planned.category === 'animal' ? 'non_animal' : 'animal';
	const response = answered ? (correct ? planned.category : other) : null;
	const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
	const rt = Math.min(config.timing.response_window_ms - 30, Math.max(150, 380 + 40 * gaussian - 60 * Math.log(1 - random())));
	const refresh = 1000 / 60;
	const frames = Math.round(config.timing.stimulus_ms / refresh);
	const onset = 1000 + planned.fixation_ms;
	const plugin: PluginTrialData = {
		stimulus_id: planned.stimulus_id,
		response,
		response_key: response === null ? null : response === 'animal' ? keys.animal : keys.non_animal,
		rt_ms: response === null ? null : Math.round(rt * 10) / 10,
		fixation_ms: planned.fixation_ms,
		onset_ms: onset,
		offset_ms: onset + frames * refresh,
		duration_ms: frames * refresh,
		frames,
		refresh_ms: refresh,
		anticipations: random() < 0.05 ? 1 : 0
	};
	return { ...designData(planned), ...plugin, plugin_version: SIMULATED_PLUGIN_VERSION, window_blurs: 0, fullscreen_exits: 0 };
}

/** Page load and Start, with a reload after each error, until a session starts or the participant gives up. */
async function startStudySession(ctx: LoadContext, p: SimulatedParticipant, client: PlatformClient, storage: MemoryStorage) {
	const m = ctx.metrics;
	const key = `slp:session:demo:prolific:${p.workerId}`; // session.ts keeps the session id per study and worker
	while (ctx.clock() < ctx.trialsEndMs && !ctx.aborted()) {
		p.startAttempts++;
		try {
			const study = await m.timed('get_study', () => getStudy(client, 'demo'));
			await m.timed('sign_in', () => ensureParticipantSignedIn(client));
			const sessionId = storage.getItem(key) || randomUUID();
			storage.setItem(key, sessionId); // before the call, as session.ts does: a lost answer resumes this session
			const assignment = await m.timed('start_session', () =>
				startSession(client, {
					sessionId,
					studySlug: study.slug,
					platform: 'prolific',
					workerId: p.workerId,
					platformStudyId: `LOADSTUDY${ctx.runId}`,
					platformSessionId: `LOADSESSION${p.index}`,
					clientInfo: { user_agent: 'bench-load', simulated: true },
					isTest: true
				})
			);
			// the server may hand back an existing session of this worker (start_session resumes it)
			storage.setItem(key, assignment.session_id);
			return { study, sessionId: assignment.session_id, assignment };
		} catch (error) {
			p.problem = (error as Error).message;
			if (error instanceof DataError && error.hint === 'already_participated') return (p.state = 'locked_out'), null;
			if (error instanceof DataError && error.hint === 'study_not_open') return (p.state = 'turned_away'), null;
			await sleep(RELOAD_MS);
		}
	}
	p.state = 'not_started';
	return null;
}

/** Drains, "Try again" while answers are unsaved, then `complete()`; gives up at finishEndMs. */
async function finishQueue(ctx: LoadContext, p: SimulatedParticipant, queue: TrialQueue<{ id: string }>, complete: () => Promise<Completion | null>) {
	p.state = 'finishing';
	while (!ctx.aborted()) {
		const left = ctx.finishEndMs - ctx.clock();
		if (left <= 0) break;
		if (!(await queue.drain(Math.min(FINISH_DRAIN_MS, left)))) continue;
		try {
			p.completion = await complete();
			p.state = 'completed';
			break;
		} catch (error) {
			p.problem = (error as Error).message;
			await sleep(RELOAD_MS);
		}
	}
	if (p.state !== 'completed') {
		p.pendingAtGiveUp = queue.status().pending;
		p.state = p.pendingAtGiveUp > 0 ? 'unsaved' : 'not_completed';
	}
	queue.stop();
}

export async function runStudyParticipant(ctx: LoadContext, p: SimulatedParticipant, arrivalMs: number): Promise<void> {
	await sleep(arrivalMs - ctx.clock());
	if (ctx.aborted()) return void (p.state = 'not_started');
	p.state = 'starting';
	const client = createNodeClient(ctx.apiUrl, ctx.anonKey);
	const storage = new MemoryStorage();
	const started = await startStudySession(ctx, p, client, storage);
	if (!started) return;
	const { study, sessionId, assignment } = started;
	p.sessionId = sessionId;
	p.state = 'running';

	const config = resolveStudyConfig(study.config);
	let plan = planSession(ctx.manifest, config, assignment.latin_row, assignment.order_seed);
	if (ctx.itemsPerParticipant !== null) plan = plan.slice(0, ctx.itemsPerParticipant);
	const ids = await Promise.all(plan.map((t) => stableUuid(sessionId, t.trial_index)));
	const queue = new TrialQueue<TrialRecord>({ storage, key: `slp:queue:${sessionId}`, send: measuredSend(ctx, p, 'record_trials', (trials: TrialRecord[]) => recordTrials(client, sessionId, trials)) });
	p.queue = queue as unknown as TrialQueue<{ id: string }>;
	const keys = { animal: assignment.key_animal, non_animal: assignment.key_non_animal };
	const random = seededRandom('bench-load', ctx.runId, p.index);
	const begin = ctx.clock();
	for (const planned of plan) {
		await sleep(begin + (planned.trial_index + 1) * ctx.paceMs - ctx.clock()); // the trial takes `pace` ms
		if (ctx.clock() > ctx.trialsEndMs || ctx.aborted()) break;
		const record = trialRecord({ id: ids[planned.trial_index]!, trial_index: planned.trial_index }, simulatedMeasurement(planned, keys, config, random));
		queue.enqueue(record);
		p.enqueued.push({ id: record.id });
	}
	await finishQueue(ctx, p, p.queue, () => ctx.metrics.timed('complete_session', () => completeSession(client, sessionId)));
}

/** A ClickMe player: rounds of strokes (one every `pace` ms) through the game's own recorder and queue. */
export async function runClickmePlayer(ctx: LoadContext, p: SimulatedParticipant, arrivalMs: number): Promise<void> {
	await sleep(arrivalMs - ctx.clock());
	if (ctx.aborted()) return void (p.state = 'not_started');
	p.state = 'starting';
	const m = ctx.metrics;
	const client = createNodeClient(ctx.apiUrl, ctx.anonKey);
	const storage = new MemoryStorage();
	let setup: { userId: string; setId: string; images: string[] } | null = null;
	while (!setup && ctx.clock() < ctx.trialsEndMs && !ctx.aborted()) {
		p.startAttempts++;
		try {
			const userId = await m.timed('sign_in', () => ensureParticipantSignedIn(client));
			const set = await m.timed('get_study', () => clickmeSet(client, 'demo'));
			await m.timed('clickme_join', () => joinClickme(client, `load ${ctx.runId} ${p.index}`));
			const images = await m.timed('clickme_next_images', () => nextClickmeImages(client, set.id, CLICKME_DEFAULTS.roundsPerGame, CLICKME_DEFAULTS.minPlayers));
			setup = { userId, setId: set.id, images };
		} catch (error) {
			p.problem = (error as Error).message;
			await sleep(RELOAD_MS);
		}
	}
	if (!setup) return void (p.state = 'not_started');
	p.sessionId = setup.userId;
	p.state = 'running';
	// the game's own queue (src/clickgame/recording.ts clickmeQueue), with its send measured
	const queue = new TrialQueue<ClickmeItem>({
		storage,
		key: `slp:clickme:${setup.userId}`,
		send: measuredSend(ctx, p, 'clickme_record', (items: ClickmeItem[]) => recordClickme(client, items))
	});
	p.queue = queue as unknown as TrialQueue<{ id: string }>;
	const tracked = new Proxy(queue, {
		get(target, name, receiver) {
			if (name === 'enqueue') return (item: ClickmeItem) => (target.enqueue(item), p.enqueued.push(item));
			return Reflect.get(target, name, receiver);
		}
	});
	const random = seededRandom('bench-load-clickme', ctx.runId, p.index);
	const gameId = randomUUID();
	let strokes = 0;
	let next = ctx.clock();
	for (const imageId of setup.images) {
		const image = ctx.manifest.images.find((i) => i.image_id === imageId);
		if (!image || ctx.clock() > ctx.trialsEndMs || ctx.aborted()) break;
		const radius = scaledToImage(CLICKME_DEFAULTS.brushRadius, image.width);
		const round = new RoundRecorder(tracked, { set_id: setup.setId, image_id: imageId, mode: 'game', game_id: gameId, model_id: CLICKME_DEFAULTS.modelId, brush_radius: radius, time_limit_ms: CLICKME_DEFAULTS.timeLimitMs, is_test: true });
		const painted: Stroke[] = [];
		const roundStart = ctx.clock();
		for (let s = 0; s < 10; s++) {
			next += ctx.paceMs;
			await sleep(next - ctx.clock());
			if (ctx.clock() > ctx.trialsEndMs || ctx.aborted() || (ctx.itemsPerParticipant !== null && strokes >= ctx.itemsPerParticipant)) break;
			const t = ctx.clock() - roundStart;
			const x = random() * image.width, y = random() * image.height;
			const stroke: Stroke = { radius, points: [[x, y, t], [Math.min(image.width, x + 20 * random()), Math.min(image.height, y + 20 * random()), t + 80]] };
			painted.push(stroke);
			round.stroke(stroke, 'mouse');
			strokes++;
		}
		const fraction = paintedFraction(paintedMask(image.width, image.height, painted));
		const recognized = random() < 0.5;
		round.end(recognized ? 'recognized' : 'timeout', roundScore(recognized ? 'recognized' : 'timeout', fraction, ctx.clock() - roundStart, CLICKME_DEFAULTS.timeLimitMs), fraction);
		if (ctx.itemsPerParticipant !== null && strokes >= ctx.itemsPerParticipant) break;
	}
	// the game's end: the queue drains (15 s on /clickme; here until the finish deadline)
	await finishQueue(ctx, p, p.queue, async () => null);
}
