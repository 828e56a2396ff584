/**
 * The live refresh measured (`npm run bench:refresh`, scripts/bench-refresh.ts; a small run is a
 * Vitest test, live-trials.test.ts): a study of P people x T trials is written straight into the
 * stand-in's database (SQL, for speed; the read side is what is measured), a researcher's
 * LiveTrials (live-trials.ts) loads it, then each round adds a few answers per person and
 * finishes some sessions, and the refresh is timed and its bytes counted three ways: as the page
 * did before (everything again, in pages of the whole study: `previousRefresh`), as a full read
 * does now (everything again, session group by session group: LiveTrials.load), and as the
 * refresh does now (only what changed: LiveTrials.refresh). All must then hold the same answers
 * and sessions.
 */
import type { Database } from '../../standin/database.js';
import { signInResearcher, studyDecisionTrials, studySessions, type DecisionTrial, type PlatformClient, type StudySession } from '../../data/index.js';
import { createNodeClient } from '../../data/node.js';
import { LiveTrials } from './live-trials.js';

/** The seed's researcher (supabase/seed.sql). */
const RESEARCHER = { id: '00000000-0000-4000-a000-000000000001', email: 'researcher@example.org', password: 'local-demo-password' };

export interface BenchStudy {
	studyId: string;
	setId: string;
	slug: string;
}

const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * A live study on its own set (`images` images x `levels` levels, half animals) with `people`
 * sessions of `trials` main trials each, stored `ageMinutes` ago, spread over that time.
 */
export async function seedStudy(database: Database, options: { slug: string; people: number; trials: number; images?: number; levels?: number; ageMinutes?: number }): Promise<BenchStudy> {
	const images = options.images ?? 20, levels = options.levels ?? 10, age = options.ageMinutes ?? 60;
	const slug = sqlText(options.slug);
	await database.exec(`
		insert into public.stimulus_sets (slug, name, owner_id, base_url, levels)
		select ${slug} || '-set', 'Refresh bench set', '${RESEARCHER.id}', '/stimuli/bench', array(select (l + 1)::float8 / ${levels} from generate_series(0, ${levels - 1}) l);
		insert into public.images (set_id, image_id, category, imagenet_classes, file, width, height)
		select s.id, 'img' || i, case when i % 2 = 0 then 'animal' else 'non_animal' end, '{1}', 'img' || i || '.png', 256, 256
		  from public.stimulus_sets s, generate_series(0, ${images - 1}) i where s.slug = ${slug} || '-set';
		insert into public.stimuli (set_id, image_id, level_index, reveal, revealed_pixels, file, mask_file, sha256)
		select s.id, 'img' || i, l, (l + 1)::float8 / ${levels}, round((l + 1)::float8 / ${levels} * 65536), 'img' || i || '-' || l || '.png', 'img' || i || '-' || l || '-mask.png', repeat('a', 64)
		  from public.stimulus_sets s, generate_series(0, ${images - 1}) i, generate_series(0, ${levels - 1}) l where s.slug = ${slug} || '-set';
		insert into public.studies (slug, owner_id, title, stimulus_set_id, status)
		select ${slug}, '${RESEARCHER.id}', 'Refresh bench', s.id, 'live' from public.stimulus_sets s where s.slug = ${slug} || '-set';
		create temporary table bench_people as
		  select gen_random_uuid() as participant, gen_random_uuid() as session, gen_random_uuid() as user_id, n from generate_series(0, ${options.people - 1}) n;
		insert into auth.users (id, aud, role, is_anonymous) select user_id, 'authenticated', 'authenticated', true from bench_people;
		insert into public.participants (id, study_id, platform, latin_row) select b.participant, st.id, 'local', b.n from bench_people b, public.studies st where st.slug = ${slug};
		insert into public.sessions (id, study_id, participant_id, user_id, platform, key_animal, key_non_animal, order_seed, started_at)
		select b.session, st.id, b.participant, b.user_id, 'local', 'f', 'j', b.n, now() - interval '${age} minutes' from bench_people b, public.studies st where st.slug = ${slug};
		drop table bench_people;
	`);
	await addTrials(database, options.slug, options.trials, age);
	const rows = await database.transaction((tx) => tx.query<{ study: string; set: string }>(`select id as study, stimulus_set_id as set from public.studies where slug = $1`, [options.slug]));
	return { studyId: rows[0]!.study, setId: rows[0]!.set, slug: options.slug };
}

/**
 * `perPerson` more main trials for every started session of the study, after those it has, on
 * the stimuli in turn, stored `ageMinutes` ago spread up to now (0: now).
 */
export async function addTrials(database: Database, slug: string, perPerson: number, ageMinutes = 0): Promise<void> {
	await database.exec(`
		insert into public.trials (id, session_id, trial_index, block, stimulus_id, response, response_key, correct, rt_ms, fixation_ms, onset_ms, offset_ms, duration_ms, frames, refresh_ms, data, created_at)
		select gen_random_uuid(), se.id, k.next + j, 'main', sm.id,
		       case when (k.next + j) % 7 = 0 then null when (k.next + j) % 3 = 0 then 'non_animal' else 'animal' end,
		       case when (k.next + j) % 7 = 0 then null else 'f' end,
		       false, case when (k.next + j) % 7 = 0 then null else 350 + (k.next + j) % 200 + 0.1 end, 1000, 1000, 1050, 50, 3, 16.7,
		       jsonb_build_object('block_number', 1, 'level_index', sm.level_index, 'anticipations', 0, 'plugin_version', 'bench'),
		       now() - make_interval(secs => ${ageMinutes * 60} * (1 - (j + 1)::float8 / ${perPerson}))
		  from public.sessions se
		  join public.studies st on st.id = se.study_id and st.slug = ${sqlText(slug)}
		  cross join lateral (select coalesce(max(t.trial_index) + 1, 0) as next from public.trials t where t.session_id = se.id) k
		  cross join generate_series(0, ${perPerson - 1}) j
		  join lateral (select s.id, s.level_index from public.stimuli s where s.set_id = st.stimulus_set_id order by s.image_id, s.level_index offset ((k.next + j) % (select count(*) from public.stimuli x where x.set_id = st.stimulus_set_id)) limit 1) sm on true
		 where se.status = 'started';
	`);
}

/** Marks `count` started sessions of the study completed (a status change the refresh must show). */
export async function completeSessions(database: Database, slug: string, count: number): Promise<void> {
	await database.exec(`
		update public.sessions set status = 'completed', completed_at = now(), completion_code = 'BENCH'
		 where id in (select se.id from public.sessions se join public.studies st on st.id = se.study_id
		               where st.slug = ${sqlText(slug)} and se.status = 'started' order by se.id limit ${count});
	`);
}

/** Bytes of response bodies and requests made while `work` runs (counted at globalThis.fetch, which the data client calls). */
export async function measured<T>(work: () => Promise<T>): Promise<{ value: T; bytes: number; requests: number; ms: number; slowestMs: number }> {
	const original = globalThis.fetch;
	let bytes = 0, requests = 0, slowestMs = 0;
	globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
		const sent = performance.now();
		const response = await original(...args);
		requests++;
		bytes += (await response.clone().arrayBuffer()).byteLength;
		slowestMs = Math.max(slowestMs, performance.now() - sent);
		return response;
	};
	const started = performance.now();
	try {
		const value = await work();
		return { value, bytes, requests, ms: performance.now() - started, slowestMs };
	} finally {
		globalThis.fetch = original;
	}
}

/** A researcher's client on the stand-in (requestTimeoutMs: the app's limit per request is DEFAULT_REQUEST_TIMEOUT_MS; a bench may lift it to time the slow way). */
export async function researcherOn(url: string, anonKey: string, requestTimeoutMs?: number): Promise<PlatformClient> {
	const client = createNodeClient(url, anonKey, { requestTimeoutMs });
	await signInResearcher(client, RESEARCHER.email, RESEARCHER.password);
	return client;
}

/** What a full reload and a refresh hold, compared: equal when both hold the same rows. */
export function sameHoldings(a: { trials: readonly DecisionTrial[]; sessions: readonly StudySession[] }, b: { trials: readonly DecisionTrial[]; sessions: readonly StudySession[] }): boolean {
	const trials = (list: readonly DecisionTrial[]) => JSON.stringify([...list].map((t) => JSON.stringify(t)).sort());
	const sessions = (list: readonly StudySession[]) => JSON.stringify([...list].map((s) => JSON.stringify(s)).sort());
	return trials(a.trials) === trials(b.trials) && sessions(a.sessions) === sessions(b.sessions);
}

/** The page's refresh before issue 17: sessions and every answer of the study again, in pages of the whole study. */
export async function previousRefresh(client: PlatformClient, study: { id: string; stimulus_set_id: string }): Promise<{ sessions: StudySession[]; trials: DecisionTrial[] }> {
	const [sessions, trials] = await Promise.all([studySessions(client, study.id), studyDecisionTrials(client, study)]);
	return { sessions, trials };
}

type Cost = { bytes: number; requests: number; ms: number; slowestMs: number };

export interface RefreshRound {
	round: number;
	newTrials: number;
	/** The previous refresh (measured in the first `beforeRounds` rounds only: it is slow). */
	before: Cost | null;
	full: Cost;
	incremental: Cost & { added: number; reloaded: string[] };
	same: boolean;
}

/**
 * `rounds` refreshes after each adding `perPerson` trials to every started session and
 * completing `complete` sessions: a full reload and the incremental refresh each time.
 */
export async function benchRefresh(database: Database, client: PlatformClient, study: BenchStudy, options: { rounds: number; perPerson: number; complete: number; beforeRounds?: number }): Promise<RefreshRound[]> {
	const target = { id: study.studyId, stimulus_set_id: study.setId };
	const live = new LiveTrials(client, target);
	await live.load();
	const rounds: RefreshRound[] = [];
	for (let round = 1; round <= options.rounds; round++) {
		const before = live.trials.length;
		await addTrials(database, study.slug, options.perPerson);
		await completeSessions(database, study.slug, options.complete);
		const previous = round <= (options.beforeRounds ?? 0) ? await measured(() => previousRefresh(client, target)) : null;
		const full = new LiveTrials(client, target);
		const reload = await measured(() => full.load());
		const incremental = await measured(() => live.refresh());
		const cost = (m: Cost) => ({ bytes: m.bytes, requests: m.requests, ms: m.ms, slowestMs: m.slowestMs });
		rounds.push({
			round,
			newTrials: live.trials.length - before,
			before: previous && cost(previous),
			full: cost(reload),
			incremental: { ...cost(incremental), added: incremental.value.added, reloaded: incremental.value.reloaded },
			same: sameHoldings(full, live) && (!previous || sameHoldings(previous.value, live))
		});
	}
	return rounds;
}
