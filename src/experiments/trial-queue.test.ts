/**
 * The trial queue against the real stand-in and database: outages, lost replies, reloads and
 * malformed trials. Only the network is faked (a send that fails while "offline").
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureParticipantSignedIn, recordTrials, savedTrialIds, startSession, type PlatformClient, type TrialRecord } from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { startLocalStandin, type LocalStandin } from '../standin/local.js';
import { MemoryStorage, TrialQueue } from './trial-queue.js';

let standin: LocalStandin;
let participant: PlatformClient;
let sessionId: string;
let stimulusId: string;

beforeAll(async () => {
	standin = await startLocalStandin({ inMemory: true, jwtSecret: 'queue-test-secret-0123456789abcdef0123456789' });
	const service = createNodeClient(standin.url, standin.serviceRoleKey);
	const setId = '00000000-0000-4000-b000-000000000001';
	await service.from('images').insert({ set_id: setId, image_id: 'owl', category: 'animal', file: 'owl.png', width: 256, height: 256 });
	const { data } = await service.from('stimuli').insert({ set_id: setId, image_id: 'owl', level_index: 0, reveal: 1, revealed_pixels: 65536, file: 'owl.png', mask_file: 'm.png', sha256: 'a'.repeat(64) }).select('id').single();
	stimulusId = data!.id;
	participant = createNodeClient(standin.url, standin.anonKey);
	await ensureParticipantSignedIn(participant);
	sessionId = randomUUID();
	await startSession(participant, { sessionId, studySlug: 'demo', platform: 'local' });
});
afterAll(async () => standin?.close());

const trial = (index: number, response: TrialRecord['response'] = 'animal'): TrialRecord => ({
	id: randomUUID(), trial_index: index, block: 'main', stimulus_id: stimulusId, response, response_key: 's', rt_ms: 400, fixation_ms: 1200
});

/** A network that can be cut, or can lose the reply after the server has stored the batch. */
function network() {
	const state = { offline: false, loseReply: false, calls: 0 };
	const send = async (trials: TrialRecord[]) => {
		state.calls++;
		if (state.offline) throw new TypeError('fetch failed');
		const outcomes = await recordTrials(participant, sessionId, trials);
		if (state.loseReply) {
			state.loseReply = false;
			throw new TypeError('connection reset');
		}
		return outcomes;
	};
	return { state, send };
}

describe('the trial queue', () => {
	it('keeps trials through an outage and sends them once it ends', async () => {
		const { state, send } = network();
		const storage = new MemoryStorage();
		const queue = new TrialQueue({ storage, key: 'q1', send, initialDelayMs: 5, maxDelayMs: 20 });
		state.offline = true;
		const trials = [trial(0), trial(1), trial(2)];
		trials.forEach((t) => queue.enqueue(t));
		expect(await queue.drain(100)).toBe(false);
		expect(queue.status()).toMatchObject({ pending: 3, confirmed: 0, lastError: 'fetch failed' });
		expect(state.calls).toBeGreaterThan(2); // retried with backoff
		expect(JSON.parse(storage.getItem('q1')!).pending).toHaveLength(3); // persisted while offline
		state.offline = false;
		expect(await queue.drain(5000)).toBe(true);
		expect(queue.status()).toMatchObject({ pending: 0, confirmed: 3, lastError: null });
		expect(await savedTrialIds(participant, sessionId)).toEqual(trials.map((t) => t.id));
		queue.stop();
	});

	it('resends after a lost reply without storing anything twice', async () => {
		const { state, send } = network();
		const queue = new TrialQueue({ storage: new MemoryStorage(), key: 'q2', send, initialDelayMs: 5 });
		state.loseReply = true;
		const t = trial(3);
		queue.enqueue(t);
		expect(await queue.drain(5000)).toBe(true);
		expect(state.calls).toBe(2); // the server stored it on the first call, said "duplicate" on the second
		expect((await savedTrialIds(participant, sessionId)).filter((id) => id === t.id)).toHaveLength(1);
		queue.stop();
	});

	it('picks up where a reloaded page left off', async () => {
		const { state, send } = network();
		const storage = new MemoryStorage();
		const before = new TrialQueue({ storage, key: 'q3', send, initialDelayMs: 5 });
		state.offline = true;
		const t = trial(4);
		before.enqueue(t);
		before.stop(); // the page goes away with the trial unsent
		state.offline = false;
		const after = new TrialQueue({ storage, key: 'q3', send, initialDelayMs: 5 });
		expect(after.status().pending).toBe(1);
		after.enqueue(t); // the same trial again is ignored
		expect(after.status().pending).toBe(1);
		expect(await after.drain(5000)).toBe(true);
		expect(await savedTrialIds(participant, sessionId)).toContain(t.id);
		after.stop();
	});

	it('keeps a rejected trial with its reason and stores the valid ones around it', async () => {
		const { send } = network();
		const queue = new TrialQueue({ storage: new MemoryStorage(), key: 'q4', send, initialDelayMs: 5 });
		const good = trial(5), bad = { ...trial(6), response: 'maybe' } as unknown as TrialRecord, after = trial(7);
		[good, bad, after].forEach((t) => queue.enqueue(t));
		expect(await queue.drain(5000)).toBe(true);
		expect(queue.rejected()).toEqual([{ trial: bad, reason: 'response must be animal, non_animal or null (got "maybe")' }]);
		const saved = await savedTrialIds(participant, sessionId);
		expect(saved).toContain(good.id);
		expect(saved).toContain(after.id);
		expect(saved).not.toContain(bad.id);
		queue.stop();
	});
});
