/**
 * Contract tests of issue 15's session outcomes, through the app's own supabase-js calls, on
 * PGlite and on PostgreSQL: a participant records her own session as declined or turned away
 * (endSession), gets the Prolific screen-out code, and resumes; what is refused; and what the
 * owner's participants table reads (studyParticipants). supabase/tests/033-session-outcomes
 * asserts each rule both ways in SQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DataError,
	createStudy,
	endSession,
	ensureParticipantSignedIn,
	signInResearcher,
	startSession,
	studyParticipants,
	type PlatformClient
} from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };
const RESEARCHER_ID = '00000000-0000-4000-a000-000000000001';
const JWT_SECRET = 'outcomes-test-secret-0123456789abcdef0123456789';

async function refused(promise: Promise<unknown>, status: number): Promise<DataError> {
	const error = await promise.then(() => null, (e: unknown) => e);
	expect(error).toBeInstanceOf(DataError);
	expect((error as DataError).status).toBe(status);
	return error as DataError;
}

function outcomesSuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`session outcomes on ${engine}`, () => {
		let standin: LocalStandin;
		let client: () => PlatformClient;
		let researcher: PlatformClient;
		let studyId: string;
		const slug = `outcomes-${engine}`;

		beforeAll(async () => {
			standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET });
			client = () => createNodeClient(standin.url, standin.anonKey);
			const service = createNodeClient(standin.url, standin.serviceRoleKey);
			const { data: set, error } = await service.from('stimulus_sets')
				.insert({ slug: `${slug}-set`, name: 'Outcomes set', owner_id: RESEARCHER_ID, base_url: '/stimuli/outcomes', levels: [1] })
				.select().single();
			expect(error).toBeNull();
			researcher = client();
			await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
			const study = await createStudy(researcher, { slug, title: 'Outcomes', stimulusSetId: set.id, status: 'live', config: { prolific_screenout_code: 'SCREEN7' } });
			studyId = study.id;
		});

		afterAll(async () => {
			await standin?.close();
		});

		it('a participant records her own session as declined or turned away, gets the screen-out code, and resumes', async () => {
			const participant = client();
			await ensureParticipantSignedIn(participant);
			const sessionId = randomUUID();
			await startSession(participant, { sessionId, studySlug: slug, platform: 'prolific', workerId: 'PID1', platformSessionId: 'SE1', clientInfo: { mobile: true } });
			expect(await endSession(participant, sessionId, 'turned_away', 'phone')).toEqual({ status: 'turned_away', status_reason: 'phone', screenout_code: 'SCREEN7' });
			const [row] = await studyParticipants(researcher, studyId);
			expect(row).toMatchObject({ session_id: sessionId, worker_id: 'PID1', status: 'turned_away', status_reason: 'phone', trials_saved: 0, client_info: { mobile: true } });
			expect(row!.ended_at).not.toBeNull();

			// the same worker from a computer (another browser) resumes the session
			const computer = client();
			await ensureParticipantSignedIn(computer);
			const resumed = await startSession(computer, { sessionId: randomUUID(), studySlug: slug, platform: 'prolific', workerId: 'PID1', clientInfo: { mobile: false } });
			expect(resumed).toMatchObject({ session_id: sessionId, status: 'started', resumed: true });
			expect((await studyParticipants(researcher, studyId))[0]).toMatchObject({ status: 'started', status_reason: null, ended_at: null, client_info: { mobile: false } });
			expect((await endSession(computer, sessionId, 'declined', null)).status).toBe('declined');
		});

		it('refuses marking a session completed, and anybody else\'s session', async () => {
			const owner = client();
			await ensureParticipantSignedIn(owner);
			const sessionId = randomUUID();
			await startSession(owner, { sessionId, studySlug: slug, platform: 'local' });
			expect((await refused(endSession(owner, sessionId, 'completed' as never, null), 400)).message).toContain('a session is completed only by complete_session');
			const other = client();
			await ensureParticipantSignedIn(other);
			await refused(endSession(other, sessionId, 'declined', null), 403);
			const local = (await studyParticipants(researcher, studyId)).find((r) => r.session_id === sessionId);
			expect(local).toMatchObject({ platform: 'local', worker_id: null, status: 'started' });
			expect(await studyParticipants(other, studyId)).toEqual([]); // a participant reads nobody's row here
		});
	});
}

onBothEngines('outcomes', outcomesSuite);
