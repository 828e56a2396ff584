/**
 * Contract tests: the app's own supabase-js calls (src/data) against the local stand-in, on the
 * embedded PGlite and on a real PostgreSQL, including the calls that must be refused.
 * The PostgreSQL half needs DATABASE_URL_ADMIN (a superuser URL; `npm test` provides one).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DataError,
	completeSession,
	createStudy,
	ensureParticipantSignedIn,
	getStudy,
	importImportanceMaps,
	importStimulusSet,
	importanceMapsOf,
	listMyStudies,
	recordTrials,
	savedTrialIds,
	signInResearcher,
	startSession,
	studyDecisionTrials,
	studySessions,
	setClickmeOpen,
	listStimulusSets,
	READ_RELATIONS,
	TRIAL_INPUT_FIELDS,
	type PlatformClient,
	type TrialRecord
} from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { MANIFEST_FORMAT, type StimulusSetManifest } from '../stimuli/manifest.js';
import { signJwt } from './jwt.js';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };
const JWT_SECRET = 'contract-test-secret-0123456789abcdef0123456789';

async function expectDataError(promise: Promise<unknown>, status: number, code?: string): Promise<DataError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(error, 'the call should have been refused').toBeInstanceOf(DataError);
	expect((error as DataError).status).toBe(status);
	if (code) expect((error as DataError).code).toBe(code);
	return error as DataError;
}

function trial(index: number, stimulusId: string, response: TrialRecord['response'] = 'animal'): TrialRecord {
	return {
		id: randomUUID(),
		trial_index: index,
		block: 'main',
		stimulus_id: stimulusId,
		response,
		response_key: response ? 's' : null,
		rt_ms: response ? 430 : null,
		fixation_ms: 1250,
		onset_ms: 2000,
		offset_ms: 2400.5,
		duration_ms: 400.5,
		frames: 24,
		refresh_ms: 16.68
	};
}

function contractSuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`supabase-js against the stand-in on ${engine}`, () => {
		let standin: LocalStandin;
		let client: () => PlatformClient;
		let stimuli: { cat: string; car: string };
		let studySlug: string;
		let studyId: string;
		let setId: string;

		beforeAll(async () => {
			standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET });
			client = () => createNodeClient(standin.url, standin.anonKey);

			// Fixtures through the service role (bypasses RLS), as an import script would.
			const service = createNodeClient(standin.url, standin.serviceRoleKey);
			const researcherId = '00000000-0000-4000-a000-000000000001';
			const { data: set, error: setError } = await service
				.from('stimulus_sets')
				.insert({ slug: `contract-${engine}`, name: 'Contract set', owner_id: researcherId, base_url: '/stimuli/contract', levels: [0.1, 1] })
				.select()
				.single();
			expect(setError).toBeNull();
			const { error: imageError } = await service.from('images').insert([
				{ set_id: set.id, image_id: 'cat', category: 'animal', imagenet_classes: [281], file: 'cat.png', width: 256, height: 256 },
				{ set_id: set.id, image_id: 'car', category: 'non_animal', imagenet_classes: [817], file: 'car.png', width: 256, height: 256 }
			]);
			expect(imageError).toBeNull();
			const { data: rows, error: stimulusError } = await service
				.from('stimuli')
				.insert(['cat', 'car'].map((image) => ({
					set_id: set.id, image_id: image, level_index: 0, reveal: 0.1, revealed_pixels: 6554,
					file: `${image}-0.png`, mask_file: `${image}-0-mask.png`, sha256: 'b'.repeat(64)
				})))
				.select('id, image_id');
			expect(stimulusError).toBeNull();
			stimuli = Object.fromEntries(rows!.map((r: { id: string; image_id: string }) => [r.image_id, r.id])) as typeof stimuli;

			const researcher = client();
			await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
			studySlug = `contract-study-${engine}`;
			const study = await createStudy(researcher, { slug: studySlug, title: 'Contract study', stimulusSetId: set.id, status: 'live' });
			studyId = study.id;
			setId = set.id;
		});

		afterAll(async () => {
			await standin?.close();
		});

		it('reads the seeded demo study with the anon key alone', async () => {
			const study = await getStudy(client(), 'demo');
			expect(study.slug).toBe('demo');
			expect(study.status).toBe('live');
			expect(study.stimulus_set.base_url).toBe('/stimuli/demo');
			await expectDataError(getStudy(client(), 'no-such-study'), 404, 'PT404');
		});

		it('runs a participant session: start, record (idempotent), read back own trials, complete', async () => {
			const participant = client();
			const userId = await ensureParticipantSignedIn(participant);
			expect(userId).toMatch(/^[0-9a-f-]{36}$/);
			const sessionId = randomUUID();
			const assignment = await startSession(participant, { sessionId, studySlug, platform: 'mturk', workerId: `W${engine}1`, isTest: true });
			expect(assignment).toMatchObject({ session_id: sessionId, latin_row: 0, key_animal: 's', key_non_animal: 'l', resumed: false });
			const resumed = await startSession(participant, { sessionId, studySlug, platform: 'mturk', workerId: `W${engine}1` });
			expect(resumed.resumed).toBe(true);
			expect(resumed.order_seed).toBe(assignment.order_seed);

			const good = trial(0, stimuli.cat);
			const malformed = { ...trial(1, stimuli.car), response: 'maybe' } as unknown as TrialRecord;
			const noAnswer = trial(2, stimuli.car, null);
			const outcomes = await recordTrials(participant, sessionId, [good, malformed, noAnswer]);
			expect(outcomes.map((o) => o.status)).toEqual(['stored', 'rejected', 'stored']);
			expect(outcomes[1]!.reason).toBe('response must be animal, non_animal or null (got "maybe")');

			const again = await recordTrials(participant, sessionId, [good]);
			expect(again).toEqual([{ id: good.id, status: 'duplicate', reason: null }]);
			expect(await savedTrialIds(participant, sessionId)).toEqual([good.id, noAnswer.id]);

			const completion = await completeSession(participant, sessionId);
			expect(completion.trials_saved).toBe(2);
			expect(completion.completion_code).toMatch(/^[0-9A-F]{10}$/);
			expect((await completeSession(participant, sessionId)).completion_code).toBe(completion.completion_code);
		});

		it('refuses a participant anything of another session', async () => {
			const first = client();
			await ensureParticipantSignedIn(first);
			const firstSession = randomUUID();
			await startSession(first, { sessionId: firstSession, studySlug, platform: 'local' });
			await recordTrials(first, firstSession, [trial(0, stimuli.cat)]);

			const second = client();
			await ensureParticipantSignedIn(second);
			expect(await savedTrialIds(second, firstSession)).toEqual([]);
			const { data: sessions } = await second.from('sessions').select('id');
			expect(sessions).toEqual([]);
			await expectDataError(recordTrials(second, firstSession, [trial(5, stimuli.car)]), 403, '42501');
			await expectDataError(completeSession(second, firstSession), 403, '42501');
			await expectDataError(startSession(second, { sessionId: firstSession, studySlug, platform: 'local' }), 403, '42501');
			const { error: insertError, status } = await second.from('trials').insert({ ...trial(9, stimuli.cat), session_id: firstSession, correct: true });
			expect(status).toBe(403);
			expect(insertError?.code).toBe('42501');
			expect(await listMyStudies(second)).toEqual([]);
		});

		it('turns a repeat worker away', async () => {
			const first = client();
			await ensureParticipantSignedIn(first);
			const started = await startSession(first, { sessionId: randomUUID(), studySlug, platform: 'prolific', workerId: `P${engine}` });
			// Issue 13 (finding 3): the same worker in another browser resumes her unfinished session
			// (it was turned away before); only after completing is she turned away.
			const again = client();
			await ensureParticipantSignedIn(again);
			const resumed = await startSession(again, { sessionId: randomUUID(), studySlug, platform: 'prolific', workerId: `P${engine}` });
			expect(resumed).toMatchObject({ session_id: started.session_id, resumed: true, order_seed: started.order_seed });
			await recordTrials(again, started.session_id, [trial(0, stimuli.cat), trial(1, stimuli.car)]);
			await completeSession(again, started.session_id);
			const error = await expectDataError(
				startSession(again, { sessionId: randomUUID(), studySlug, platform: 'prolific', workerId: `P${engine}` }), 409, 'PT409');
			expect(error.hint).toBe('already_participated');
			await expectDataError(startSession(again, { sessionId: randomUUID(), studySlug, platform: 'myspace' as never }), 400, '22023');
		});

		it('answers a forged or expired token with 401', async () => {
			const now = Math.floor(Date.now() / 1000);
			const claims = { sub: randomUUID(), role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 600 };
			const forged = signJwt(claims, 'some-other-secret-that-is-long-enough-123456');
			const expired = signJwt({ ...claims, exp: now - 10 }, JWT_SECRET);
			for (const [token, code] of [[forged, 'PGRST301'], [expired, 'PGRST303']] as const) {
				const response = await fetch(`${standin.url}/rest/v1/rpc/get_study`, {
					method: 'POST',
					headers: { apikey: standin.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
					body: JSON.stringify({ p_slug: 'demo' })
				});
				expect(response.status).toBe(401);
				expect((await response.json()).code).toBe(code);
				// the same through supabase-js with the token as its Authorization header
				const tokenClient = (await import('@supabase/supabase-js')).createClient(standin.url, standin.anonKey, {
					global: { headers: { Authorization: `Bearer ${token}` } },
					auth: { persistSession: false },
					realtime: { transport: (await import('ws')).default as never }
				});
				const { error, status } = await tokenClient.from('trials').select('id');
				expect(status).toBe(401);
				expect(error?.code).toBe(code);
			}
			const badKey = await fetch(`${standin.url}/rest/v1/trials`, { headers: { apikey: 'not-a-key' } });
			expect(badKey.status).toBe(401);
		});

		it('signs researchers in and out, refreshes, and scopes them to their own studies', async () => {
			await expectDataError(signInResearcher(client(), RESEARCHER.email, 'wrong-password'), 400, 'invalid_credentials');
			const researcher = client();
			const id = await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
			const { data: user } = await researcher.auth.getUser();
			expect(user.user?.id).toBe(id);
			expect(user.user?.email).toBe(RESEARCHER.email);

			const slugs = (await listMyStudies(researcher)).map((s) => s.slug);
			expect(slugs).toEqual(expect.arrayContaining(['demo', studySlug]));
			const trials = await studyDecisionTrials(researcher, { id: studyId, stimulus_set_id: setId });
			const people = trials.filter((t) => t.observer_kind === 'human');
			expect(people.length).toBeGreaterThanOrEqual(3);
			expect(people.every((t) => t.study_id === studyId && t.session_id !== null)).toBe(true);
			expect(trials.every((t) => t.set_id === setId)).toBe(true);
			expect(people.some((t) => t.response === null && t.category === 'non_animal')).toBe(true); // no answer is null (the CSV alone writes "none")
			await setClickmeOpen(researcher, setId, true);
			expect((await listStimulusSets(researcher)).find((set) => set.id === setId)?.clickme_open).toBe(true);
			const stranger = client();
			await ensureParticipantSignedIn(stranger);
			await expectDataError(setClickmeOpen(stranger, setId, false), 403, '42501');
			await setClickmeOpen(researcher, setId, false);
			expect((await listStimulusSets(researcher)).find((set) => set.id === setId)?.clickme_open).toBe(false);
			const sessions = await studySessions(researcher, studyId);
			expect(sessions.length).toBeGreaterThanOrEqual(1);
			for (const session of sessions) {
				const answered = people.filter((t) => t.session_id === session.session_id && t.block === 'main');
				expect(answered.every((t) => t.observer_kind === session.observer_kind && t.observer_id === session.observer_id)).toBe(true);
				expect(Number(session.main_trials)).toBe(answered.length);
			}

			const { data: filtered } = await researcher.from('studies').select('slug').in('slug', ['demo', 'nope']).limit(5);
			expect(filtered).toEqual([{ slug: 'demo' }]);
			const { error: singleError, status: singleStatus } = await researcher.from('studies').select('slug').eq('slug', 'nope').single();
			expect(singleStatus).toBe(406);
			expect(singleError?.code).toBe('PGRST116');
			await expectDataError(createStudy(researcher, { slug: 'demo', title: 'Again', stimulusSetId: setId }), 409, '23505');
			await expectDataError(createStudy(researcher, { slug: 'not-mine', title: 'Unknown set', stimulusSetId: randomUUID() }), 403, '42501');

			const { data: refreshed, error: refreshError } = await researcher.auth.refreshSession();
			expect(refreshError).toBeNull();
			expect(refreshed.session?.access_token).toBeTruthy();
			const oldRefresh = refreshed.session!.refresh_token;
			await researcher.auth.signOut();
			const replay = await fetch(`${standin.url}/auth/v1/token?grant_type=refresh_token`, {
				method: 'POST',
				headers: { apikey: standin.anonKey, 'content-type': 'application/json' },
				body: JSON.stringify({ refresh_token: oldRefresh })
			});
			expect(replay.status).toBe(400);
			expect((await replay.json()).error_code).toBe('refresh_token_not_found');
		});

		it('imports a built set into the demo set idempotently, and participants answer its stimuli', async () => {
			const manifest: StimulusSetManifest = {
				format: MANIFEST_FORMAT, name: 'demo', seed: 1, levels: [0.1, 1], map_source: 'center-bias', seeding: 'test',
				images: ['owl', 'dam'].map((id) => ({
					image_id: id, category: id === 'owl' ? 'animal' : 'non_animal', imagenet_classes: id === 'owl' ? [24] : [525],
					width: 256, height: 256, file: `images/${id}.png`, sha256: 'c'.repeat(64), noise_file: `noise/${id}.png`,
					noise_sha256: 'd'.repeat(64), map_file: `maps/${id}.png`, attribution: { author: 'X', license: 'CC0-1.0', source: 'https://example.org' }
				})),
				stimuli: ['owl', 'dam'].flatMap((id) => [0, 1].map((level) => ({
					id: randomUUID(), image_id: id, category: (id === 'owl' ? 'animal' : 'non_animal') as 'animal' | 'non_animal', level_index: level,
					reveal: [0.1, 1][level]!, revealed_pixels: [6554, 65536][level]!, shift_x: 0, shift_y: 0, seed: 1,
					file: `stimuli/${id}/${level}.png`, sha256: 'e'.repeat(64), mask_file: `masks/${id}/${level}.png`, mask_sha256: 'f'.repeat(64)
				})))
			};
			const service = createNodeClient(standin.url, standin.serviceRoleKey);
			const demoSetId = '00000000-0000-4000-b000-000000000001';
			expect(await importStimulusSet(service, demoSetId, manifest, 'a'.repeat(64))).toEqual({ images: 2, stimuli: 4 });
			await importStimulusSet(service, demoSetId, manifest, 'a'.repeat(64));
			const { count } = await service.from('stimuli').select('id', { count: 'exact', head: true }).eq('set_id', demoSetId);
			expect(count).toBe(4);
			const { data: set } = await service.from('stimulus_sets').select('levels, manifest_sha256').eq('id', demoSetId).single();
			expect(set).toEqual({ levels: [0.1, 1], manifest_sha256: 'a'.repeat(64) });
			// maps are first-class rows: PNG bytes go in and come back unchanged
			const png = Uint8Array.from([137, 80, 78, 71, 0, 255, 92, 120]);
			expect(await importImportanceMaps(service, demoSetId, 'center-bias', [{ image_id: 'owl', width: 256, height: 256, png }])).toBe(1);
			await importImportanceMaps(service, demoSetId, 'center-bias', [{ image_id: 'owl', width: 256, height: 256, png }]);
			const researcher = client();
			await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
			const maps = await importanceMapsOf(researcher, demoSetId, 'center-bias');
			expect(maps).toHaveLength(1);
			expect(Array.from(maps[0]!.png)).toEqual(Array.from(png));
			// an anonymous client cannot import
			await expectDataError(importStimulusSet(client(), demoSetId, manifest, 'b'.repeat(64)), 401, '42501');

			const participant = client();
			await ensureParticipantSignedIn(participant);
			const sessionId = randomUUID();
			await startSession(participant, { sessionId, studySlug: 'demo', platform: 'local' });
			const owlFull = manifest.stimuli.find((s) => s.image_id === 'owl' && s.level_index === 1)!;
			expect((await recordTrials(participant, sessionId, [trial(0, owlFull.id, 'animal')]))[0]!.status).toBe('stored');
		});

		it('accepts exactly the trial fields of src/data/trial-fields.ts, in order, with their kinds', async () => {
			const sql = await standin.database.transaction((tx) =>
				tx.query<{ name: string; kind: string; nullable: boolean; optional: boolean }>(
					'select name, kind, nullable, optional from public.trial_fields() order by ordinal'
				)
			);
			expect(sql).toEqual(TRIAL_INPUT_FIELDS);
		});

		// One entry per relation the client reads (src/data/columns.ts): its columns in the database
		// equal the TypeScript row type's list.
		it.each(Object.entries(READ_RELATIONS))('%s has the columns of its TypeScript row type', async (relation, columns) => {
			const rows = await standin.database.transaction((tx) =>
				tx.query<{ column_name: string }>(
					"select column_name from information_schema.columns where table_schema = 'public' and table_name = $1",
					[relation]
				)
			);
			expect(rows.map((r) => r.column_name).sort()).toEqual([...columns].sort());
		});

		it('refuses email sign-ups: researcher accounts are created by an administrator', async () => {
			const { error } = await client().auth.signUp({ email: 'someone@example.org', password: 'a-password-123' });
			expect(error?.status).toBe(422);
		});
	});
}

onBothEngines('contract', contractSuite);
