/**
 * The live refresh against the stand-in on PGlite, through the app's own calls: after new answers
 * and finished sessions, fetching only what changed holds exactly what a full reload holds, reads
 * far fewer bytes, and falls back to a full read when its holdings are out of step (a session
 * deleted). A small run of `npm run bench:refresh` (refresh-bench.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStandin, type LocalStandin } from '../../standin/local.js';
import { LiveTrials, mergeTrials, peopleOutOfStep, sessionGroups } from './live-trials.js';
import { benchRefresh, measured, researcherOn, sameHoldings, seedStudy } from './refresh-bench.js';

let standin: LocalStandin;

beforeAll(async () => {
	standin = await startLocalStandin({ inMemory: true, jwtSecret: 'live-trials-test-secret-0123456789abcdef0123' });
}, 120_000);
afterAll(async () => {
	await standin?.close();
});

describe('live refresh', () => {
	it('fetches only what changed and holds what a full reload holds', async () => {
		const client = await researcherOn(standin.url, standin.anonKey);
		const study = await seedStudy(standin.database, { slug: 'live-small', people: 12, trials: 30, ageMinutes: 10 });
		const rounds = await benchRefresh(standin.database, client, study, { rounds: 2, perPerson: 2, complete: 3 });
		for (const r of rounds) {
			expect(r.same, `round ${r.round}: the refresh holds what a full reload holds`).toBe(true);
			expect(r.incremental.reloaded).toEqual([]);
			expect(r.incremental.added).toBe(r.newTrials);
			expect(r.incremental.bytes).toBeLessThan(r.full.bytes / 3);
		}
		expect(rounds[0]!.newTrials).toBe(12 * 2); // every session was started
		expect(rounds[1]!.newTrials).toBe((12 - 3) * 2); // three finished in round 1
	}, 60_000);

	it('shows status changes, and reads people again in full when a session is gone', async () => {
		const client = await researcherOn(standin.url, standin.anonKey);
		const study = await seedStudy(standin.database, { slug: 'live-gone', people: 4, trials: 5 });
		const live = new LiveTrials(client, { id: study.studyId, stimulus_set_id: study.setId });
		await live.load();
		expect(live.sessions.map((s) => s.status)).toEqual(['started', 'started', 'started', 'started']);
		const gone = live.sessions[0]!.session_id;
		await standin.database.exec(`delete from public.sessions where id = '${gone}'; update public.sessions set status = 'completed', completed_at = now() where study_id = '${study.studyId}'`);
		const outcome = await measured(() => live.refresh());
		expect(outcome.value.reloaded).toEqual([`people's answers (session ${gone} is no longer listed)`]);
		expect(live.sessions.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
		const full = new LiveTrials(client, { id: study.studyId, stimulus_set_id: study.setId });
		await full.load();
		expect(sameHoldings(full, live)).toBe(true);
		expect(live.trials.some((t) => t.session_id === gone)).toBe(false);
	}, 60_000);
});

describe('merging and checking', () => {
	const trial = (id: string, session: string, block: 'main' | 'practice' = 'main') =>
		({ trial_id: id, session_id: session, observer_kind: 'human', block }) as Parameters<typeof mergeTrials>[0][number];
	const session = (id: string, main: number) => ({ session_id: id, main_trials: main }) as Parameters<typeof peopleOutOfStep>[0][number];

	it('holds a row read twice once, and finds sessions with more main trials stored than held', () => {
		const { trials, added } = mergeTrials([trial('a', 's1'), trial('b', 's1')], [trial('b', 's1'), trial('c', 's2'), trial('p', 's2', 'practice')]);
		expect(trials.map((t) => t.trial_id)).toEqual(['a', 'b', 'c', 'p']);
		expect(added).toBe(2);
		expect(peopleOutOfStep([session('s1', 2), session('s2', 1)], trials)).toBeNull();
		expect(peopleOutOfStep([session('s1', 3), session('s2', 1)], trials)).toBe('session s1 has 3 main trials stored, 2 held');
		expect(peopleOutOfStep([session('s1', 2)], trials)).toBe('session s2 is no longer listed');
	});

	it('reads a large study in groups of sessions of at most a page of answers', () => {
		expect(sessionGroups([session('a', 400), session('b', 500), session('c', 200), session('d', 0)], 1000)).toEqual([['a', 'b'], ['c', 'd']]);
		expect(sessionGroups([session('big', 5000), session('b', 1)], 1000)).toEqual([['big'], ['b']]); // a group of one is paged past the limit
	});
});
