/**
 * Contract tests of issue 13's database side, through the app's own supabase-js calls, on PGlite
 * and on PostgreSQL: what the anon key reveals (finding 5), and batch isolation under concurrent
 * resends (finding 10). The pgTAP files in supabase/tests assert each rule both ways; these check
 * the SQL against the TypeScript it mirrors, and what only real concurrency shows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createStudy,
	ensureParticipantSignedIn,
	getStudy,
	recordTrials,
	savedTrialIds,
	signInResearcher,
	startSession,
	type PlatformClient,
	type TrialRecord
} from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { DEFAULT_STUDY_CONFIG, SECRET_CONFIG_KEYS, type StudyConfig } from '../experiments/config.js';
import { resolveStudyConfig } from '../experiments/study-rules.js';
import { planSession } from '../experiments/design.js';
import type { StimulusSetManifest } from '../stimuli/manifest.js';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };
const RESEARCHER_ID = '00000000-0000-4000-a000-000000000001';
const JWT_SECRET = 'security-test-secret-0123456789abcdef0123456789';
const IMAGES = 7;

/** A set of IMAGES images (alternating categories) at two levels, as a manifest and as rows. */
function manifestOf(name: string): StimulusSetManifest {
	const images = Array.from({ length: IMAGES }, (_, i) => ({ image_id: `img${i}`, category: (i % 2 ? 'non_animal' : 'animal') as 'animal' | 'non_animal' }));
	return {
		name,
		levels: [0.1, 1],
		images,
		stimuli: images.flatMap((image) => [0, 1].map((level) => ({
			id: randomUUID(), image_id: image.image_id, category: image.category, level_index: level, reveal: [0.1, 1][level]!,
			revealed_pixels: [6554, 65536][level]!, shift_x: 0, shift_y: 0, file: `${image.image_id}-${level}.png`,
			mask_file: `${image.image_id}-${level}-mask.png`, sha256: 'a'.repeat(64)
		})))
	} as unknown as StimulusSetManifest;
}

function securitySuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`issue 13 security contracts on ${engine}`, () => {
		let standin: LocalStandin;
		let client: () => PlatformClient;
		let researcher: PlatformClient;
		let manifest: StimulusSetManifest;
		let setId: string;

		beforeAll(async () => {
			standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET });
			client = () => createNodeClient(standin.url, standin.anonKey);
			const service = createNodeClient(standin.url, standin.serviceRoleKey);
			manifest = manifestOf(`security-${engine}`);
			const { data: set, error } = await service.from('stimulus_sets')
				.insert({ slug: `security-${engine}`, name: 'Security set', owner_id: RESEARCHER_ID, base_url: '/stimuli/security', levels: [0.1, 1] })
				.select().single();
			expect(error).toBeNull();
			setId = set.id;
			const images = manifest.images.map((i) => ({ set_id: setId, image_id: i.image_id, category: i.category, file: `${i.image_id}.png`, width: 256, height: 256 }));
			expect((await service.from('images').insert(images)).error).toBeNull();
			const stimuli = manifest.stimuli.map((s) => ({ id: s.id, set_id: setId, image_id: s.image_id, level_index: s.level_index, reveal: s.reveal,
				revealed_pixels: s.revealed_pixels, file: s.file, mask_file: s.mask_file, sha256: s.sha256 }));
			expect((await service.from('stimuli').insert(stimuli)).error).toBeNull();
			researcher = client();
			await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
		});

		afterAll(async () => {
			await standin?.close();
		});

		it('get_study returns every config key of StudyConfig except the secrets', async () => {
			const config: StudyConfig = { ...DEFAULT_STUDY_CONFIG, blocks: 2, prolific_completion_code: 'C0DE42' };
			await createStudy(researcher, { slug: `config-${engine}`, title: 'Config', stimulusSetId: setId, config: config as never, status: 'live' });
			const study = await getStudy(client(), `config-${engine}`);
			const expected = Object.keys(DEFAULT_STUDY_CONFIG).filter((k) => !(SECRET_CONFIG_KEYS as readonly string[]).includes(k));
			expect(Object.keys(study.config).sort()).toEqual(expected.sort());
			expect(JSON.stringify(study)).not.toContain('C0DE42');
			expect(resolveStudyConfig(study.config)).toEqual({ ...config, prolific_completion_code: null });
		});

		it('planned_trials counts what planSession plans, for each config', async () => {
			const configs: Partial<StudyConfig>[] = [
				{}, { practice_trials: 0 }, { practice_trials: 2, images_per_session: 3 }, { practice_trials: 10 },
				{ practice_trials: 7 }, { practice_trials: 1, images_per_session: 100 }, { images_per_session: 1, blocks: 3 }
			];
			for (const given of configs) {
				const plan = planSession(manifest, resolveStudyConfig(given), 1, 42);
				const { data, error } = await client().rpc('planned_trials', { p_config: given, p_images: IMAGES });
				expect(error).toBeNull();
				const row = Array.isArray(data) ? data[0] : data;
				expect(row, JSON.stringify(given)).toEqual({
					practice: plan.filter((t) => t.block === 'practice').length,
					main: plan.filter((t) => t.block === 'main').length
				});
			}
		});

		it('concurrent resends of one batch are stored or duplicate, never rejected', async () => {
			await createStudy(researcher, { slug: `resend-${engine}`, title: 'Resend', stimulusSetId: setId, status: 'live' });
			const participant = client();
			await ensureParticipantSignedIn(participant);
			const sessionId = randomUUID();
			await startSession(participant, { sessionId, studySlug: `resend-${engine}`, platform: 'local', isTest: true });
			// a second client of the same participant (another tab): the same user, its own connection
			const { data: auth } = await participant.auth.getSession();
			const tab = client();
			await tab.auth.setSession({ access_token: auth.session!.access_token, refresh_token: auth.session!.refresh_token });
			const stimulusIds = manifest.stimuli.map((s) => s.id);
			const trial = (index: number): TrialRecord => ({
				id: randomUUID(), trial_index: index, block: 'main', stimulus_id: stimulusIds[index % stimulusIds.length]!,
				response: 'animal', response_key: 's', rt_ms: 430, fixation_ms: 1250, onset_ms: 2000, offset_ms: 2400, duration_ms: 400,
				frames: 24, refresh_ms: 16.68
			});
			const all: TrialRecord[] = [];
			for (let round = 0; round < 6; round++) {
				const batch = Array.from({ length: 40 }, (_, i) => trial(round * 40 + i));
				all.push(...batch);
				const answers = await Promise.all([recordTrials(participant, sessionId, batch), recordTrials(tab, sessionId, batch), recordTrials(participant, sessionId, batch)]);
				for (const outcomes of answers) {
					expect(outcomes.filter((o) => o.status === 'rejected'), 'no resend is rejected').toEqual([]);
				}
				// each trial is stored exactly once over the three answers
				for (let i = 0; i < batch.length; i++) {
					expect(answers.map((a) => a[i]!.status).filter((s) => s === 'stored'), `trial ${batch[i]!.trial_index}`).toHaveLength(1);
				}
			}
			expect(await savedTrialIds(participant, sessionId)).toEqual(all.map((t) => t.id));
		});
	});
}

onBothEngines('security_contract', securitySuite);
