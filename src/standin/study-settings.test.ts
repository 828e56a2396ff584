/**
 * Contract tests of issue 15's study settings through the app's own supabase-js calls
 * (src/data/studies.ts), on PGlite and on PostgreSQL: saving settings and status, a paused study
 * turning new participants away, duplicating, hiding and restoring, and every refusal in words
 * (a taken short name names the caller's own study, never another lab's). The pgTAP file
 * supabase/tests/045-study-settings asserts each rule both ways in SQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createStudy,
	DataError,
	duplicateStudy,
	ensureParticipantSignedIn,
	getMyStudy,
	getStudy,
	hideStudy,
	listMyStudies,
	restoreStudy,
	setStudyStatus,
	signInResearcher,
	startSession,
	stimulusSetSize,
	updateStudy,
	type PlatformClient
} from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };
const RESEARCHER_ID = '00000000-0000-4000-a000-000000000001';
const OTHER_LAB_ID = '00000000-0000-4000-a000-0000000000f2';
const JWT_SECRET = 'settings-test-secret-0123456789abcdef0123456789';

/** The DataError a refused call throws. */
async function refusal(promise: Promise<unknown>): Promise<DataError> {
	const error = await promise.then(() => null, (e: unknown) => e);
	expect(error, 'the call should have been refused').toBeInstanceOf(DataError);
	return error as DataError;
}

function settingsSuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`study settings on ${engine}`, () => {
		let standin: LocalStandin;
		let client: () => PlatformClient;
		let researcher: PlatformClient;
		let setId: string;

		beforeAll(async () => {
			standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET });
			client = () => createNodeClient(standin.url, standin.anonKey);
			const service = createNodeClient(standin.url, standin.serviceRoleKey);
			const { data: set, error } = await service.from('stimulus_sets')
				.insert({ slug: `settings-${engine}`, name: 'Settings set', owner_id: RESEARCHER_ID, base_url: '/stimuli/settings', levels: [0.1, 0.5, 1] })
				.select().single();
			expect(error).toBeNull();
			setId = set.id;
			const images = Array.from({ length: 5 }, (_, i) => ({ set_id: setId, image_id: `img${i}`, category: i % 2 ? 'non_animal' : 'animal', file: `img${i}.png`, width: 256, height: 256 }));
			expect((await service.from('images').insert(images)).error).toBeNull();
			// another lab: a researcher of its own with a study
			await standin.database.transaction(async (tx) => {
				await tx.query(`insert into auth.users (id, aud, role, email, is_anonymous) values ($1, 'authenticated', 'authenticated', 'other@lab.example.org', false)`, [OTHER_LAB_ID]);
				await tx.query(`insert into public.researchers (id, email) values ($1, 'other@lab.example.org')`, [OTHER_LAB_ID]);
				await tx.query(`insert into public.studies (slug, owner_id, title, stimulus_set_id, status) values ('their-study', $1, 'Their secret title', $2, 'live')`, [OTHER_LAB_ID, setId]);
			});
			researcher = client();
			await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
		});

		afterAll(async () => {
			await standin?.close();
		});

		it('names the study that holds a taken short name: the caller\'s own by title, another lab\'s without it', async () => {
			await createStudy(researcher, { slug: 'mine-taken', title: 'My first pilot', stimulusSetId: setId });
			const own = await refusal(createStudy(researcher, { slug: 'mine-taken', title: 'Again', stimulusSetId: setId }));
			expect([own.status, own.code, own.hint]).toEqual([409, '23505', 'slug_taken']);
			expect(own.message).toBe('The short name "mine-taken" is already used by your study "My first pilot". Choose another short name.');
			const theirs = await refusal(createStudy(researcher, { slug: 'their-study', title: 'Mine', stimulusSetId: setId }));
			expect(theirs.message).toBe('The short name "their-study" is already used by another lab. Choose another short name.');
			expect(theirs.message).not.toContain('secret');
		});

		it('turns the database\'s checks into sentences', async () => {
			const slug = await refusal(createStudy(researcher, { slug: 'Not A Slug', title: 'x', stimulusSetId: setId }));
			expect([slug.code, slug.message]).toEqual(['23514', 'The short name "Not A Slug" must be 2-63 lower-case letters, digits or -, starting with a letter or digit.']);
			const title = await refusal(createStudy(researcher, { slug: 'no-title', title: '', stimulusSetId: setId }));
			expect([title.code, title.message]).toEqual(['23514', 'The title must be 1-200 characters.']);
			const study = (await getMyStudy(researcher, 'mine-taken'))!;
			const update = await refusal(updateStudy(researcher, study.id, { title: 'x'.repeat(201) }));
			expect(update.message).toBe('The title must be 1-200 characters.');
		});

		it('saves settings and status; only the owner may', async () => {
			const study = await createStudy(researcher, { slug: 'settings-saved', title: 'Before', stimulusSetId: setId, status: 'live' });
			const saved = await updateStudy(researcher, study.id, { title: 'After', description: 'Now with consent', config: { blocks: 1, texts: { consent_title: 'Agree?' } } });
			expect([saved.title, saved.description, saved.config]).toEqual(['After', 'Now with consent', { blocks: 1, texts: { consent_title: 'Agree?' } }]);
			const stranger = client();
			await ensureParticipantSignedIn(stranger);
			const refused = await refusal(setStudyStatus(stranger, study.id, 'closed'));
			expect([refused.status, refused.message]).toEqual([403, 'Only the researcher who owns a study can change it.']);
			expect((await getMyStudy(researcher, 'settings-saved'))?.status).toBe('live');
		});

		it('a paused study turns new participants away with a sentence, and lets those in it resume', async () => {
			const study = await createStudy(researcher, { slug: 'settings-paused', title: 'Paused', stimulusSetId: setId, status: 'live' });
			const first = client();
			await ensureParticipantSignedIn(first);
			const sessionId = randomUUID();
			await startSession(first, { sessionId, studySlug: 'settings-paused', platform: 'prolific', workerId: 'PAUSE1', isTest: true });
			expect((await setStudyStatus(researcher, study.id, 'paused')).status).toBe('paused');
			expect((await getStudy(client(), 'settings-paused')).status).toBe('paused');
			const second = client();
			await ensureParticipantSignedIn(second);
			const away = await refusal(startSession(second, { sessionId: randomUUID(), studySlug: 'settings-paused', platform: 'prolific', workerId: 'PAUSE2', isTest: true }));
			expect([away.status, away.hint, away.message]).toEqual([409, 'study_not_open', 'This study is paused and is not taking new participants at the moment. Please try again later.']);
			expect((await startSession(first, { sessionId, studySlug: 'settings-paused', platform: 'prolific', workerId: 'PAUSE1', isTest: true })).resumed).toBe(true);
		});

		it('duplicates a study as a draft under a new name', async () => {
			const study = await createStudy(researcher, { slug: 'settings-original', title: 'Original', description: 'Desc', stimulusSetId: setId, config: { blocks: 1 }, status: 'live' });
			const copy = await duplicateStudy(researcher, study.id, 'settings-original-2', 'Original (copy)');
			expect([copy.slug, copy.title, copy.description, copy.status, copy.config, copy.stimulus_set_id, copy.hidden_at])
				.toEqual(['settings-original-2', 'Original (copy)', 'Desc', 'draft', { blocks: 1 }, setId, null]);
			const taken = await refusal(duplicateStudy(researcher, study.id, 'settings-original', 'Twice'));
			expect(taken.message).toBe('The short name "settings-original" is already used by your study "Original". Choose another short name.');
			const stranger = client();
			await ensureParticipantSignedIn(stranger);
			expect((await refusal(duplicateStudy(stranger, study.id, 'stolen', 'Stolen'))).status).toBe(404);
		});

		it('hides (deletes) a study: kept for its owner, gone for participants, restorable', async () => {
			const study = await createStudy(researcher, { slug: 'settings-hidden', title: 'To delete', stimulusSetId: setId, status: 'live' });
			const hidden = await hideStudy(researcher, study.id);
			expect(hidden.hidden_at).not.toBeNull();
			expect((await listMyStudies(researcher)).find((s) => s.id === study.id)?.hidden_at).toBe(hidden.hidden_at);
			expect((await refusal(getStudy(client(), 'settings-hidden'))).status).toBe(404);
			const participant = client();
			await ensureParticipantSignedIn(participant);
			expect((await refusal(startSession(participant, { sessionId: randomUUID(), studySlug: 'settings-hidden', platform: 'local' }))).status).toBe(404);
			const taken = await refusal(createStudy(researcher, { slug: 'settings-hidden', title: 'New', stimulusSetId: setId }));
			expect(taken.message).toBe('The short name "settings-hidden" is already used by your study "To delete" (deleted: restore it, or choose another name). Choose another short name.');
			expect((await restoreStudy(researcher, study.id)).hidden_at).toBeNull();
			expect((await getStudy(client(), 'settings-hidden')).title).toBe('To delete');
		});

		it('gives the size of a stimulus set for the design checks', async () => {
			expect(await stimulusSetSize(researcher, setId)).toEqual({ images: 5, levels: 3 });
		});
	});
}

onBothEngines('settings', settingsSuite);
