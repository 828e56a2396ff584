/**
 * Contract test of `decision_trials.correct`: the database decides correctness where answers are
 * stored (record_trials for people, a trigger for models) and the analysis applies
 * src/stimuli/task.ts's isCorrect; after people's and a model's answers are stored through the
 * app's own calls (src/data), the two agree on every row. Set up like contract.test.ts: the
 * stand-in on the embedded PGlite, and on a real PostgreSQL when DATABASE_URL_ADMIN is given.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createStudy,
	ensureModel,
	ensureParticipantSignedIn,
	recordModelResults,
	recordTrials,
	signInResearcher,
	startModelRun,
	startSession,
	studyDecisionTrials,
	type TrialRecord
} from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { isCorrect, type Category, type Response } from '../stimuli/task.js';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };
const JWT_SECRET = 'contract-test-secret-0123456789abcdef0123456789';

function trial(index: number, stimulusId: string, response: Response): TrialRecord {
	return {
		id: randomUUID(), trial_index: index, block: 'main', stimulus_id: stimulusId, response,
		response_key: response ? 's' : null, rt_ms: response ? 430 : null, fixation_ms: 1250,
		onset_ms: 2000, offset_ms: 2400.5, duration_ms: 400.5, frames: 24, refresh_ms: 16.68
	};
}

function correctnessSuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`decision_trials.correct on ${engine}`, () => {
		let standin: LocalStandin;

		beforeAll(async () => {
			standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET });
		});
		afterAll(async () => {
			await standin?.close();
		});

		it('equals isCorrect(response, category) for every stored answer of people and models', async () => {
			const client = () => createNodeClient(standin.url, standin.anonKey);
			// a set of two images (one per category) at two levels, through the service role
			const service = createNodeClient(standin.url, standin.serviceRoleKey);
			const { data: set, error: setError } = await service
				.from('stimulus_sets')
				.insert({ slug: `correct-${engine}`, name: 'Correctness set', owner_id: '00000000-0000-4000-a000-000000000001', base_url: '/stimuli/correct', levels: [0.1, 1] })
				.select()
				.single();
			expect(setError).toBeNull();
			const images: Record<string, Category> = { cat: 'animal', car: 'non_animal' };
			const { error: imageError } = await service.from('images').insert(Object.entries(images).map(([image, category]) => ({
				set_id: set.id, image_id: image, category, imagenet_classes: [1], file: `${image}.png`, width: 256, height: 256
			})));
			expect(imageError).toBeNull();
			const { data: stimuli, error: stimulusError } = await service
				.from('stimuli')
				.insert(Object.keys(images).flatMap((image) => [0.1, 1].map((reveal, level) => ({
					set_id: set.id, image_id: image, level_index: level, reveal, revealed_pixels: Math.round(reveal * 65536),
					file: `${image}-${level}.png`, mask_file: `${image}-${level}-mask.png`, sha256: 'b'.repeat(64)
				}))))
				.select('id');
			expect(stimulusError).toBeNull();
			const ids = stimuli!.map((s: { id: string }) => s.id);

			const researcher = client();
			await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
			const study = await createStudy(researcher, { slug: `correct-study-${engine}`, title: 'Correctness', stimulusSetId: set.id, status: 'live' });

			// a person answers every stimulus: right, wrong, and no answer in time among them
			const participant = client();
			await ensureParticipantSignedIn(participant);
			const sessionId = randomUUID();
			await startSession(participant, { sessionId, studySlug: study.slug, platform: 'local' });
			const responses: Response[] = ['animal', 'non_animal', null, 'non_animal'];
			const outcomes = await recordTrials(participant, sessionId, ids.map((id: string, i: number) => trial(i, id, responses[i]!)));
			expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 'stored'));

			// a model answers every stimulus "animal": right on the cat, wrong on the car
			await ensureModel(researcher, { id: `correct-net-${engine}`, name: 'Correct net', family: 'CNN', imagenet_top1: null, source_url: 'https://example.org' });
			const runId = randomUUID();
			await startModelRun(researcher, { id: runId, modelId: `correct-net-${engine}`, stimulusSetId: set.id, studyId: study.id, backend: 'cpu', isTest: true });
			await recordModelResults(researcher, runId, ids.map((id: string) => ({ id: randomUUID(), stimulus_id: id, response: 'animal' as const, p_animal: 0.9, top5: [] })));

			const rows = await studyDecisionTrials(researcher, study);
			expect(rows.filter((r) => r.observer_kind === 'human')).toHaveLength(4);
			expect(rows.filter((r) => r.observer_kind === 'model')).toHaveLength(4);
			expect(rows.some((r) => r.response === null)).toBe(true);
			expect(rows.some((r) => r.correct) && rows.some((r) => !r.correct)).toBe(true);
			for (const row of rows) {
				expect(row.correct, `${row.observer_kind} ${row.image_id} at ${row.reveal}: ${row.response} for ${row.category}`).toBe(isCorrect(row.response, row.category));
			}
		});
	});
}

onBothEngines('correct', correctnessSuite);
