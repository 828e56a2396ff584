/**
 * A study's answers, sessions and model runs, kept up to date by fetching only what changed.
 * Plain TypeScript (no runes, no DOM): the results page's loader holds one, and
 * `npm run bench:refresh` (scripts/bench-refresh.ts) measures it against the full reload.
 *
 * A refresh:
 *  1. reads the sessions (one small row each, with its stored main-trial count) and the model runs
 *     of the set: a session's status change or a new run shows at once;
 *  2. reads the answers stored since the newest one held (`created_at >= newest - OVERLAP_MS`),
 *     people's and models' each from their own cursor, and merges them by `trial_id`, so a row
 *     read twice is held once. The overlap covers answers whose transaction began before the
 *     newest held one but committed after the last read (created_at is the transaction's start);
 *  3. checks what it holds against the sessions read in step 1, which were read first, so every
 *     answer they count was committed before step 2 began: if a session counts more main trials
 *     than are held for it, or a held answer's session is gone (deleted), people's answers are
 *     read again in full. A run that is gone does the same for models' answers.
 * So the refresh is never wrong for long: at worst it does the full reload it replaced.
 *
 * A full read of people's answers goes session group by session group (`sessionGroups`): the
 * database checks row-level security on every row a request considers, and a page of the whole
 * study considers the whole study (on PGlite, 200 people x 200 trials: about 9 s per page of
 * 1000, 40 pages), where a group of sessions considers its own rows only.
 */
import {
	modelRunsOf,
	sessionsPeopleTrials,
	setModelTrials,
	studyPeopleTrials,
	studySessions,
	type DecisionTrial,
	type ModelRunSummary,
	type PlatformClient,
	type StudySession
} from '../../data/index.js';

/** How far before the newest held answer a refresh reads again (ms). */
export const OVERLAP_MS = 5_000;

/** The `since` of a fetch after the newest held `created_at` (undefined: read everything). */
export function sinceOf(newest: string | null): string | undefined {
	return newest === null ? undefined : new Date(Date.parse(newest) - OVERLAP_MS).toISOString();
}

/** The newest created_at of some rows (ISO strings of one format compare as times only after parsing). */
export function newestOf(rows: readonly DecisionTrial[], kind: 'human' | 'model'): string | null {
	let newest: string | null = null;
	for (const row of rows) if (row.observer_kind === kind && (newest === null || Date.parse(row.created_at) > Date.parse(newest))) newest = row.created_at;
	return newest;
}

/** Held rows with fresh ones merged by trial_id (a fresh row replaces the held one); `added` counts rows not held before. */
export function mergeTrials(held: readonly DecisionTrial[], fresh: readonly DecisionTrial[]): { trials: DecisionTrial[]; added: number } {
	const index = new Map(held.map((row, i) => [row.trial_id, i]));
	const trials = [...held];
	let added = 0;
	for (const row of fresh) {
		const at = index.get(row.trial_id);
		if (at === undefined) {
			index.set(row.trial_id, trials.length);
			trials.push(row);
			added++;
		} else trials[at] = row;
	}
	return { trials, added };
}

/**
 * Why the held people's answers cannot be trusted, or null: a session counts more main trials
 * than are held for it (some were missed), or held answers belong to a session no longer listed.
 */
export function peopleOutOfStep(sessions: readonly StudySession[], trials: readonly DecisionTrial[]): string | null {
	const held = new Map<string, number>();
	for (const t of trials) if (t.observer_kind === 'human' && t.session_id) held.set(t.session_id, (held.get(t.session_id) ?? 0) + (t.block === 'main' ? 1 : 0));
	const listed = new Set(sessions.map((s) => s.session_id));
	const gone = [...held.keys()].find((id) => !listed.has(id));
	if (gone) return `session ${gone} is no longer listed`;
	const short = sessions.find((s) => Number(s.main_trials) > (held.get(s.session_id) ?? 0));
	return short ? `session ${short.session_id} has ${short.main_trials} main trials stored, ${held.get(short.session_id) ?? 0} held` : null;
}

/** Answers per request of a full read (PostgREST's page). */
const GROUP_TRIALS = 1000;

/** Sessions in groups of at most GROUP_TRIALS stored trials (by their main-trial count; a group is paged past it anyway), in list order. */
export function sessionGroups(sessions: readonly StudySession[], limit = GROUP_TRIALS): string[][] {
	const groups: string[][] = [];
	let group: string[] = [], size = 0;
	for (const s of sessions) {
		const n = Number(s.main_trials) + 1;
		if (group.length && size + n > limit) {
			groups.push(group);
			group = [];
			size = 0;
		}
		group.push(s.session_id);
		size += n;
	}
	if (group.length) groups.push(group);
	return groups;
}

/** Every answer of the study's people, read session group by session group (see above). */
export async function allPeopleTrials(client: PlatformClient, studyId: string, sessions: readonly StudySession[]): Promise<DecisionTrial[]> {
	const rows: DecisionTrial[] = [];
	for (const group of sessionGroups(sessions)) rows.push(...(await sessionsPeopleTrials(client, studyId, group)));
	return rows;
}

export interface RefreshOutcome {
	/** Answers not held before. */
	added: number;
	/** What was read again in full, and why (empty: nothing). */
	reloaded: string[];
	/** The set of model runs changed (a new run, a status change, a run gone): maps may have changed. */
	runsChanged: boolean;
}

export class LiveTrials {
	sessions: StudySession[] = [];
	trials: DecisionTrial[] = [];
	runs: ModelRunSummary[] = [];

	constructor(
		readonly client: PlatformClient,
		readonly study: { id: string; stimulus_set_id: string }
	) {}

	/** Everything, in full (the first load; also what a refresh falls back to). */
	async load(): Promise<void> {
		const sessions = await studySessions(this.client, this.study.id);
		const [runs, people, models] = await Promise.all([
			modelRunsOf(this.client, this.study.stimulus_set_id),
			allPeopleTrials(this.client, this.study.id, sessions),
			setModelTrials(this.client, this.study.stimulus_set_id)
		]);
		this.sessions = sessions;
		this.runs = runs;
		this.trials = [...people, ...models];
	}

	/** Sessions and runs again, and the answers stored since the last read (see above). */
	async refresh(): Promise<RefreshOutcome> {
		const sessions = await studySessions(this.client, this.study.id); // first: the check below relies on it
		const [runs, people, models] = await Promise.all([
			modelRunsOf(this.client, this.study.stimulus_set_id),
			studyPeopleTrials(this.client, this.study.id, sinceOf(newestOf(this.trials, 'human'))),
			setModelTrials(this.client, this.study.stimulus_set_id, sinceOf(newestOf(this.trials, 'model')))
		]);
		let { trials, added } = mergeTrials(this.trials, [...people, ...models]);
		const reloaded: string[] = [];
		const why = peopleOutOfStep(sessions, trials);
		if (why) {
			const before = trials.filter((t) => t.observer_kind === 'human').length;
			const all = await allPeopleTrials(this.client, this.study.id, sessions);
			trials = [...all, ...trials.filter((t) => t.observer_kind === 'model')];
			added += all.length - before;
			reloaded.push(`people's answers (${why})`);
		}
		const runIds = new Set(runs.map((r) => r.id));
		const goneRun = this.runs.find((r) => !runIds.has(r.id));
		if (goneRun) {
			trials = [...trials.filter((t) => t.observer_kind === 'human'), ...(await setModelTrials(this.client, this.study.stimulus_set_id))];
			reloaded.push(`models' answers (run ${goneRun.id} is gone)`);
		}
		const runsKey = (list: readonly ModelRunSummary[]) => list.map((r) => `${r.id}:${r.status}:${r.is_test}`).sort().join('|');
		const runsChanged = runsKey(runs) !== runsKey(this.runs);
		this.sessions = sessions;
		this.runs = runs;
		this.trials = trials;
		return { added, reloaded, runsChanged };
	}
}
