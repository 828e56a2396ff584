/**
 * Every call the app makes to Supabase, in one place. The app reaches data only through these
 * functions (and supabase-js underneath), configured by URL and anon key, so the same code runs
 * against a real Supabase project or the local stand-in. The contract tests call these.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type {
	Completion,
	DecisionTrial,
	Platform,
	PublicStudy,
	SessionAssignment,
	SessionStartRequest,
	TrialOutcome,
	ClickmeItem,
	TrialRecord
} from './contracts.js';
import type { StimulusSetManifest } from '../stimuli/manifest.js';

export type PlatformClient = SupabaseClient;

export interface ClientOptions {
	/** A WebSocket class for Node < 22, which has none built in (pass `ws`). Browsers need none. */
	webSocket?: unknown;
	/** Where the auth session persists; defaults to localStorage in browsers, memory elsewhere. */
	persistSession?: boolean;
	storageKey?: string;
}

/** A failed data call, with the server's code and status so callers can decide what to do. */
export class DataError extends Error {
	constructor(
		message: string,
		readonly code: string | null,
		readonly status: number | null,
		readonly hint: string | null = null
	) {
		super(message);
		this.name = 'DataError';
	}
}

export function createPlatformClient(url: string, anonKey: string, options: ClientOptions = {}): PlatformClient {
	if (!url || !anonKey) {
		throw new DataError('Supabase URL and anon key are required (PUBLIC_SUPABASE_URL, PUBLIC_SUPABASE_ANON_KEY)', null, null);
	}
	return createClient(url, anonKey, {
		auth: {
			persistSession: options.persistSession ?? typeof window !== 'undefined',
			autoRefreshToken: typeof window !== 'undefined',
			storageKey: options.storageKey
		},
		realtime: options.webSocket ? { transport: options.webSocket as never } : undefined
	});
}

interface SupabaseErrorLike {
	message: string;
	code?: string;
	hint?: string | null;
	status?: number;
}

function fail(error: SupabaseErrorLike, status: number | null = null): never {
	throw new DataError(error.message, error.code ?? null, status ?? error.status ?? null, error.hint ?? null);
}

const PAGE_ROWS = 1000; // PostgREST's usual max-rows

/** Every row of a query, fetched a page at a time past the server's row limit (order it stably). */
async function allRows<T>(page: (from: number, to: number) => PromiseLike<{ data: unknown; error: SupabaseErrorLike | null; status: number }>): Promise<T[]> {
	const rows: T[] = [];
	for (let from = 0; ; from += PAGE_ROWS) {
		const { data, error, status } = await page(from, from + PAGE_ROWS - 1);
		if (error) fail(error, status);
		rows.push(...(data as T[]));
		if ((data as T[]).length < PAGE_ROWS) return rows;
	}
}

async function rpc<T>(client: PlatformClient, fn: string, args: Record<string, unknown>): Promise<T> {
	const { data, error, status } = await client.rpc(fn, args);
	if (error) fail(error, status);
	return data as T;
}

// --- participants ---------------------------------------------------------------------------

/** Signs in anonymously unless a session already exists; returns the user id. */
export async function ensureParticipantSignedIn(client: PlatformClient): Promise<string> {
	const { data: current } = await client.auth.getSession();
	if (current.session) return current.session.user.id;
	const { data, error } = await client.auth.signInAnonymously();
	if (error || !data.user) fail(error ?? { message: 'anonymous sign-in returned no user' });
	return data.user.id;
}

export function getStudy(client: PlatformClient, slug: string): Promise<PublicStudy> {
	return rpc<PublicStudy>(client, 'get_study', { p_slug: slug });
}

export function startSession(client: PlatformClient, request: SessionStartRequest): Promise<SessionAssignment> {
	return rpc<SessionAssignment>(client, 'start_session', {
		p_session_id: request.sessionId,
		p_study_slug: request.studySlug,
		p_platform: request.platform,
		p_worker_id: request.workerId ?? null,
		p_assignment_id: request.assignmentId ?? null,
		p_hit_id: request.hitId ?? null,
		p_platform_study_id: request.platformStudyId ?? null,
		p_platform_session_id: request.platformSessionId ?? null,
		p_client_info: request.clientInfo ?? {},
		p_is_test: request.isTest ?? false
	});
}

/** Sends trials; each comes back stored, duplicate (already there) or rejected with a reason. */
export function recordTrials(client: PlatformClient, sessionId: string, trials: TrialRecord[]): Promise<TrialOutcome[]> {
	return rpc<TrialOutcome[]>(client, 'record_trials', { p_session_id: sessionId, p_trials: trials });
}

export function completeSession(client: PlatformClient, sessionId: string): Promise<Completion> {
	return rpc<Completion>(client, 'complete_session', { p_session_id: sessionId });
}

/** The ids of the trials the server holds for the caller's session (to resume or confirm). */
export async function savedTrialIds(client: PlatformClient, sessionId: string): Promise<string[]> {
	const { data, error, status } = await client.from('trials').select('id').eq('session_id', sessionId).order('trial_index');
	if (error) fail(error, status);
	return (data ?? []).map((row: { id: string }) => row.id);
}

// --- researchers ----------------------------------------------------------------------------

export async function signInResearcher(client: PlatformClient, email: string, password: string): Promise<string> {
	const { data, error } = await client.auth.signInWithPassword({ email, password });
	if (error || !data.user) fail(error ?? { message: 'sign-in returned no user' });
	return data.user.id;
}

export interface StudySummary {
	id: string;
	slug: string;
	title: string;
	status: 'draft' | 'live' | 'closed';
	stimulus_set_id: string;
	config: Record<string, unknown>;
	created_at: string;
}

export async function listMyStudies(client: PlatformClient): Promise<StudySummary[]> {
	const { data, error, status } = await client
		.from('studies')
		.select('id, slug, title, status, stimulus_set_id, config, created_at')
		.order('created_at', { ascending: false });
	if (error) fail(error, status);
	return data as StudySummary[];
}

export interface NewStudy {
	slug: string;
	title: string;
	description?: string;
	stimulusSetId: string;
	config?: Record<string, unknown>;
	status?: 'draft' | 'live';
}

export async function createStudy(client: PlatformClient, study: NewStudy): Promise<StudySummary> {
	const { data, error, status } = await client
		.from('studies')
		.insert({
			slug: study.slug,
			title: study.title,
			description: study.description ?? '',
			stimulus_set_id: study.stimulusSetId,
			config: study.config ?? {},
			status: study.status ?? 'draft'
		})
		.select('id, slug, title, status, stimulus_set_id, config, created_at')
		.single();
	if (error) fail(error, status);
	return data as StudySummary;
}

/**
 * What a study's analysis reads: its people's answers, and every model's answers on the study's
 * stimulus set (a model's decisions do not depend on the study that asked for them).
 */
export async function studyDecisionTrials(client: PlatformClient, study: { id: string; stimulus_set_id: string }): Promise<DecisionTrial[]> {
	const [people, models] = await Promise.all([
		allRows<DecisionTrial>((from, to) => client.from('decision_trials').select('*').eq('study_id', study.id).eq('kind', 'human').order('created_at').order('image_id').range(from, to)),
		allRows<DecisionTrial>((from, to) => client.from('decision_trials').select('*').eq('set_id', study.stimulus_set_id).eq('kind', 'model').order('created_at').order('image_id').range(from, to))
	]);
	return [...people, ...models];
}

export interface StudySession {
	study_id: string;
	session_id: string;
	/** The observer id its answers carry (human:<participant>). */
	observer: string;
	platform: Platform;
	status: 'started' | 'completed';
	is_test: boolean;
	started_at: string;
	completed_at: string | null;
	main_trials: number;
}

/** One row per session of a study, for the live overview. */
export function studySessions(client: PlatformClient, studyId: string): Promise<StudySession[]> {
	return allRows<StudySession>((from, to) => client.from('study_sessions').select('*').eq('study_id', studyId).order('started_at').range(from, to));
}

export interface ModelInfo {
	id: string;
	name: string;
	family: string;
	imagenet_top1: number | null;
}

/** Every model the platform knows (name, family, published ImageNet top-1). */
export async function listModels(client: PlatformClient): Promise<ModelInfo[]> {
	const { data, error, status } = await client.from('models').select('id, name, family, imagenet_top1').order('id');
	if (error) fail(error, status);
	return data as ModelInfo[];
}

/** How many maps each source (clickme, model:<id>, ...) has for a set. */
export async function mapSourcesOf(client: PlatformClient, setId: string): Promise<Record<string, number>> {
	const rows = await allRows<{ source: string }>((from, to) => client.from('importance_maps').select('source').eq('set_id', setId).order('id').range(from, to));
	const counts: Record<string, number> = {};
	for (const r of rows) counts[r.source] = (counts[r.source] ?? 0) + 1;
	return counts;
}

/** The fully revealed stimulus file of each image of a set (relative to the set's base_url). */
export async function fullRevealFiles(client: PlatformClient, setId: string): Promise<Record<string, string>> {
	const rows = await allRows<{ image_id: string; file: string }>((from, to) => client.from('stimuli').select('image_id, file').eq('set_id', setId).eq('reveal', 1).order('image_id').range(from, to));
	return Object.fromEntries(rows.map((r) => [r.image_id, r.file]));
}

export interface StudyProgress {
	study_id: string;
	slug: string;
	sessions: number;
	completed: number;
	test_sessions: number;
	trials: number;
}

/** Sessions, completions and trials per study of the signed-in researcher. */
export async function studyProgress(client: PlatformClient): Promise<StudyProgress[]> {
	const { data, error, status } = await client.from('study_progress').select('*');
	if (error) fail(error, status);
	return data as StudyProgress[];
}

export async function signOut(client: PlatformClient): Promise<void> {
	const { error } = await client.auth.signOut();
	if (error) fail(error);
}

/** The signed-in researcher's email, or null when nobody (or only a participant) is signed in. */
export async function currentResearcherEmail(client: PlatformClient): Promise<string | null> {
	const { data } = await client.auth.getSession();
	const user = data.session?.user;
	return user && !user.is_anonymous ? (user.email ?? null) : null;
}

// --- stimulus sets ---------------------------------------------------------------------------

/**
 * Records a built stimulus set in the database: its levels and manifest hash, its images and
 * its stimuli (ids from the manifest, so importing again updates rather than duplicates).
 * Needs a client that may write the set: the service role, or the set's owner for new rows.
 */
export async function importStimulusSet(
	client: PlatformClient,
	setId: string,
	manifest: StimulusSetManifest,
	manifestSha256: string
): Promise<{ images: number; stimuli: number }> {
	const { error: setError, status: setStatus } = await client
		.from('stimulus_sets')
		.update({ levels: manifest.levels, seed: manifest.seed, manifest_sha256: manifestSha256 })
		.eq('id', setId);
	if (setError) fail(setError, setStatus);
	const images = manifest.images.map((image) => ({
		set_id: setId,
		image_id: image.image_id,
		category: image.category,
		imagenet_classes: image.imagenet_classes,
		file: image.file,
		width: image.width,
		height: image.height,
		author: image.attribution?.author ?? '',
		license: image.attribution?.license ?? '',
		source: image.attribution?.source ?? ''
	}));
	const { error: imageError, status: imageStatus } = await client.from('images').upsert(images, { onConflict: 'set_id,image_id' });
	if (imageError) fail(imageError, imageStatus);
	const stimuli = manifest.stimuli.map((s) => ({
		id: s.id,
		set_id: setId,
		image_id: s.image_id,
		level_index: s.level_index,
		reveal: s.reveal,
		revealed_pixels: s.revealed_pixels,
		shift_x: s.shift_x,
		shift_y: s.shift_y,
		file: s.file,
		mask_file: s.mask_file,
		sha256: s.sha256
	}));
	for (let i = 0; i < stimuli.length; i += 1000) {
		const { error, status } = await client.from('stimuli').upsert(stimuli.slice(i, i + 1000), { onConflict: 'id' });
		if (error) fail(error, status);
	}
	return { images: images.length, stimuli: stimuli.length };
}

export interface ImportanceMapRow {
	image_id: string;
	width: number;
	height: number;
	/** Grayscale PNG bytes (brighter = more important). */
	png: Uint8Array;
	n_observers?: number | null;
	reliability?: number | null;
	params?: Record<string, unknown>;
}

const toByteaHex = (bytes: Uint8Array) => '\\x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A map as the database takes it: PNG as bytea hex, absent fields as null / {}. */
const mapForDb = (m: ImportanceMapRow) => ({
	image_id: m.image_id,
	width: m.width,
	height: m.height,
	png: toByteaHex(m.png),
	n_observers: m.n_observers ?? null,
	reliability: m.reliability ?? null,
	params: m.params ?? {}
});

/** Stores (or replaces) one map per image for a source such as center-bias or model:<id>. */
export async function importImportanceMaps(client: PlatformClient, setId: string, source: string, maps: ImportanceMapRow[]): Promise<number> {
	const rows = maps.map((m) => ({ set_id: setId, source, ...mapForDb(m) }));
	// 16-bit PNGs double in size as bytea hex: 20 maps keep a request well under the body limit
	for (let i = 0; i < rows.length; i += 20) {
		const { error, status } = await client.from('importance_maps').upsert(rows.slice(i, i + 20), { onConflict: 'set_id,image_id,source' });
		if (error) fail(error, status);
	}
	return rows.length;
}

/** The maps of one source for a set, PNG bytes decoded from PostgREST's bytea hex. */
export async function importanceMapsOf(client: PlatformClient, setId: string, source: string): Promise<ImportanceMapRow[]> {
	const { data, error, status } = await client
		.from('importance_maps')
		.select('image_id, width, height, png, n_observers, reliability, params')
		.eq('set_id', setId)
		.eq('source', source)
		.order('image_id');
	if (error) fail(error, status);
	return (data as (Omit<ImportanceMapRow, 'png'> & { png: string })[]).map((row) => {
		const hex = row.png.startsWith('\\x') ? row.png.slice(2) : row.png;
		return { ...row, png: Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)) };
	});
}

export interface StimulusSetSummary {
	id: string;
	slug: string;
	name: string;
	base_url: string;
	levels: number[];
	is_demo: boolean;
	owner_id: string | null;
	/** Open to ClickMe players (demo sets always are). */
	clickme_open: boolean;
}

/** Stimulus sets the signed-in researcher may use (demo sets and their own). */
export async function listStimulusSets(client: PlatformClient): Promise<StimulusSetSummary[]> {
	const { data, error, status } = await client.from('stimulus_sets').select('id, slug, name, base_url, levels, is_demo, owner_id, clickme_open').order('slug');
	if (error) fail(error, status);
	return data as StimulusSetSummary[];
}

/** Researchers: opens or closes their own set to ClickMe players. */
export async function setClickmeOpen(client: PlatformClient, setId: string, open: boolean): Promise<void> {
	const { data, error, status } = await client.from('stimulus_sets').update({ clickme_open: open }).eq('id', setId).select('id');
	if (error) fail(error, status);
	if (!data?.length) throw new DataError('only the owner of a stimulus set can open or close it to players', '42501', 403);
}

// --- model runs --------------------------------------------------------------------------------

export interface ModelRow {
	id: string;
	name: string;
	family: string;
	imagenet_top1: number | null;
	source_url: string;
}

/** Adds the model to the shared list unless it is there already. */
export async function ensureModel(client: PlatformClient, model: ModelRow): Promise<void> {
	const { data: session } = await client.auth.getSession();
	const { error, status } = await client
		.from('models')
		.upsert({ ...model, imagenet_top1: Number.isFinite(model.imagenet_top1) ? model.imagenet_top1 : null, added_by: session.session?.user.id }, { onConflict: 'id', ignoreDuplicates: true });
	if (error) fail(error, status);
}

export interface NewModelRun {
	id: string;
	modelId: string;
	stimulusSetId: string;
	studyId?: string | null;
	backend: string;
	config?: Record<string, unknown>;
	isTest?: boolean;
}

export async function startModelRun(client: PlatformClient, run: NewModelRun): Promise<void> {
	const { error, status } = await client.from('model_runs').insert({
		id: run.id,
		model_id: run.modelId,
		stimulus_set_id: run.stimulusSetId,
		study_id: run.studyId ?? null,
		backend: run.backend,
		config: run.config ?? {},
		is_test: run.isTest ?? false
	});
	if (error) fail(error, status);
}

export interface ModelResultRow {
	id: string;
	stimulus_id: string;
	response: 'animal' | 'non_animal';
	p_animal: number;
	top5: { class: number; p: number }[];
}

/** Stores results of a run; a repeated id is skipped (idempotent). */
export async function recordModelResults(client: PlatformClient, runId: string, results: ModelResultRow[]): Promise<void> {
	if (results.length === 0) return;
	const { error, status } = await client.from('model_results').upsert(results.map((r) => ({ ...r, run_id: runId })), { onConflict: 'id', ignoreDuplicates: true });
	if (error) fail(error, status);
}

export async function finishModelRun(client: PlatformClient, runId: string, outcome: 'done' | 'cancelled' | 'failed', stimuli: number): Promise<void> {
	const { error, status } = await client.from('model_runs').update({ status: outcome, n_stimuli: stimuli, finished_at: new Date().toISOString() }).eq('id', runId);
	if (error) fail(error, status);
}

// --- ClickMe --------------------------------------------------------------------------------

export interface ClickmeSet {
	id: string;
	slug: string;
	name: string;
	base_url: string;
}

/** A set open for ClickMe (players) or readable by the researcher (annotation). */
export function clickmeSet(client: PlatformClient, slug: string): Promise<ClickmeSet> {
	return rpc(client, 'clickme_set', { p_slug: slug });
}

/** Joins (or renames) the signed-in user as a player; DataError hint "nickname_taken" when taken. */
export function joinClickme(client: PlatformClient, nickname: string): Promise<{ player_id: string; nickname: string }> {
	return rpc(client, 'clickme_join', { p_nickname: nickname });
}

/** The images this player should paint next, those closest to `minPlayers` players first. */
export function nextClickmeImages(client: PlatformClient, setId: string, count: number, minPlayers: number): Promise<string[]> {
	return rpc(client, 'clickme_next_images', { p_set_id: setId, p_count: count, p_min_players: minPlayers });
}

/** Stores round starts, strokes and round ends in order; one outcome per item (the queue's contract). */
export function recordClickme(client: PlatformClient, items: ClickmeItem[]): Promise<TrialOutcome[]> {
	return rpc(client, 'clickme_record', { p_items: items });
}

export interface LeaderboardRow {
	nickname: string;
	best_total: number;
	games: number;
	is_me: boolean | null;
}

export function clickmeLeaderboard(client: PlatformClient, limit = 10, includeTest = false): Promise<LeaderboardRow[]> {
	return rpc(client, 'clickme_leaderboard', { p_limit: limit, p_include_test: includeTest });
}

export interface ClickmeRoundRow {
	id: string;
	player_id: string;
	image_id: string;
	mode: 'game' | 'annotation';
	device: 'mouse' | 'touch' | 'pen';
	outcome: string | null;
	is_test: boolean;
	excluded_reason: string | null;
	strokes: { stroke_index: number; radius: number; points: [number, number, number][] }[];
}

/** Researchers: every round of a set in one mode, with its strokes in order (paged past row limits). */
export async function clickmeRounds(client: PlatformClient, setId: string, mode: 'game' | 'annotation'): Promise<ClickmeRoundRow[]> {
	const rounds = (await allRows<Omit<ClickmeRoundRow, 'strokes'>>((from, to) =>
		client.from('clickme_rounds').select('id, player_id, image_id, mode, device, outcome, is_test, excluded_reason')
			.eq('set_id', setId).eq('mode', mode).order('id').range(from, to)
	)).map((r): ClickmeRoundRow => ({ ...r, strokes: [] }));
	const byId = new Map(rounds.map((r) => [r.id, r]));
	const ids = [...byId.keys()];
	for (let i = 0; i < ids.length; i += 100) {
		const strokes = await allRows<ClickmeRoundRow['strokes'][number] & { round_id: string }>((from, to) =>
			client.from('clickme_strokes').select('round_id, stroke_index, radius, points')
				.in('round_id', ids.slice(i, i + 100)).order('round_id').order('stroke_index').range(from, to)
		);
		for (const s of strokes) byId.get(s.round_id)!.strokes.push({ stroke_index: s.stroke_index, radius: s.radius, points: s.points });
	}
	return rounds;
}

/** Researchers: records why rounds are excluded (reason null clears it). Returns the rounds changed. */
export function markClickmeExclusions(client: PlatformClient, setId: string, exclusions: { round_id: string; reason: string | null }[]): Promise<number> {
	return rpc(client, 'clickme_mark_exclusions', { p_set_id: setId, p_exclusions: exclusions });
}

/** Researchers: stores maps aggregated from strokes as source "clickme", 20 per request. */
export async function storeClickmeMaps(client: PlatformClient, setId: string, maps: ImportanceMapRow[]): Promise<number> {
	let stored = 0;
	for (let i = 0; i < maps.length; i += 20) {
		stored += await rpc<number>(client, 'clickme_store_maps', { p_set_id: setId, p_maps: maps.slice(i, i + 20).map(mapForDb) });
	}
	return stored;
}
