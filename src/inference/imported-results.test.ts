/**
 * Results computed elsewhere: the pure checks on hand-made files (imported-results.ts), and the
 * whole import through the app's own supabase-js calls into the stand-in (PGlite), where the
 * analysis' read of the study (studyDecisionTrials) then holds the imported answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy, importanceMapsOf, modelRunsOf, signInResearcher, studyDecisionTrials } from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { startLocalStandin, type LocalStandin } from '../standin/local.js';
import { mapToPng } from '../stimuli/importance-map.js';
import { importModelRun } from './import-run.js';
import { checkImportedModel, ImportedResultsError, matchImportedAnswers, type SetStimulus } from './imported-results.js';

const HEADER = 'observer,kind,image_id,category,reveal,response,rt_ms';
const stimuli: SetStimulus[] = [
	{ id: 's-cat-1', image_id: 'cat', reveal: 0.016681, category: 'animal' },
	{ id: 's-cat-9', image_id: 'cat', reveal: 1, category: 'animal' },
	{ id: 's-car-9', image_id: 'car', reveal: 1, category: 'non_animal' }
];
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('matching imported answers to the set', () => {
	it('matches each row to the stimulus of its image and level (reveal within 1e-4), with the model observer in either form', () => {
		const answers = matchImportedAnswers(csv('model:resnet50,model,cat,animal,0.0167,animal,', 'resnet50,model,car,non_animal,1,animal,'), 'r.csv', 'resnet50', stimuli);
		expect(answers).toEqual([{ stimulus_id: 's-cat-1', response: 'animal' }, { stimulus_id: 's-car-9', response: 'animal' }]);
	});

	it('names the file and every row that does not fit', () => {
		const run = () => matchImportedAnswers(csv(
			'p1,human,cat,animal,1,animal,400', // a person
			'vit,model,cat,animal,1,animal,', // another model
			'resnet50,model,cat,animal,1,none,', // no answer
			'resnet50,model,dog,animal,1,animal,', // not in the set
			'resnet50,model,cat,animal,0.5,animal,', // no such level
			'resnet50,model,car,animal,1,animal,' // wrong category
		), 'r.csv', 'resnet50', stimuli);
		expect(run).toThrow(ImportedResultsError);
		expect(run).toThrow([
			'r.csv does not fit the stimulus set:',
			'  row 2: kind must be model in imported model results (got human)',
			'  row 3: observer vit is not the model being imported (resnet50)',
			'  row 4: a model answers every stimulus; "none" is not an answer',
			'  row 5: image dog is not in the stimulus set',
			"  row 6: image cat has no stimulus at reveal 0.5 (the set's levels: 0.016681, 1)",
			'  row 7: image car is non_animal in the set, not animal'
		].join('\n'));
		expect(() => matchImportedAnswers('a,b\n1,2', 'x.csv', 'm', stimuli)).toThrow('x.csv: the trials are not valid:');
		expect(() => matchImportedAnswers(HEADER, 'x.csv', 'm', stimuli)).toThrow(/^x\.csv/); // an empty file
	});

	it('checks the declared model like the models table does', () => {
		expect(() => checkImportedModel({ id: 'ResNet 50', name: 'r', family: 'CNN', imagenetTop1: 0.76 })).toThrow('the model id must be 2 to 64 lower-case letters');
		expect(() => checkImportedModel({ id: 'resnet50', name: 'r', family: 'CNN', imagenetTop1: 76 })).toThrow('the ImageNet top-1 must be a share from 0 to 1 (got 76; 76 % is 0.76)');
		expect(() => checkImportedModel({ id: 'resnet50', name: ' ', family: 'CNN', imagenetTop1: 0.76 })).toThrow('the model needs a name');
	});
});

describe('importing into the stand-in', () => {
	let standin: LocalStandin;
	beforeAll(async () => {
		standin = await startLocalStandin({ inMemory: true, jwtSecret: 'import-test-secret-0123456789abcdef0123456789' });
	});
	afterAll(async () => {
		await standin?.close();
	});

	it('stores a run marked imported whose answers the study analysis reads, and its saliency maps', async () => {
		const service = createNodeClient(standin.url, standin.serviceRoleKey);
		const { data: set } = await service.from('stimulus_sets').insert({ slug: 'import-set', name: 'Import set', owner_id: '00000000-0000-4000-a000-000000000001', base_url: '/stimuli/import', levels: [0.1, 1] }).select().single();
		await service.from('images').insert([
			{ set_id: set.id, image_id: 'cat', category: 'animal', imagenet_classes: [281], file: 'cat.png', width: 256, height: 256 },
			{ set_id: set.id, image_id: 'car', category: 'non_animal', imagenet_classes: [817], file: 'car.png', width: 256, height: 256 }
		]);
		const { error } = await service.from('stimuli').insert(['cat', 'car'].flatMap((image) => [0.1, 1].map((reveal, level) => ({
			set_id: set.id, image_id: image, level_index: level, reveal, revealed_pixels: Math.round(reveal * 65536), file: `${image}-${level}.png`, mask_file: `${image}-${level}-m.png`, sha256: 'c'.repeat(64)
		}))));
		expect(error).toBeNull();
		const researcher = createNodeClient(standin.url, standin.anonKey);
		await signInResearcher(researcher, 'researcher@example.org', 'local-demo-password');
		const study = await createStudy(researcher, { slug: 'import-study', title: 'Import', stimulusSetId: set.id, status: 'live' });

		const map = mapToPng({ width: 4, height: 4, data: Float64Array.from({ length: 16 }, (_, i) => i) });
		const summary = await importModelRun(researcher, {
			model: { id: 'resnet50-outside', name: 'ResNet-50', family: 'CNN', imagenetTop1: 0.761 },
			setId: set.id,
			studyId: study.id,
			csv: csv('resnet50-outside,model,cat,animal,0.1,non_animal,', 'resnet50-outside,model,cat,animal,1,animal,', 'resnet50-outside,model,car,non_animal,0.1,animal,', 'resnet50-outside,model,car,non_animal,1,non_animal,'),
			file: 'resnet50.csv',
			maps: new Map([['cat', map]])
		});
		expect(summary).toMatchObject({ answers: 4, maps: 1 });

		const runs = await modelRunsOf(researcher, set.id);
		expect(runs).toEqual([expect.objectContaining({ id: summary.runId, model_id: 'resnet50-outside', status: 'done', config: expect.objectContaining({ imported: true, file: 'resnet50.csv', declared_top1: 0.761 }) })]);
		const rows = (await studyDecisionTrials(researcher, study)).filter((r) => r.observer_kind === 'model');
		expect(rows.map((r) => [r.image_id, r.reveal, r.response, r.correct]).sort()).toEqual([
			['car', 0.1, 'animal', false], ['car', 1, 'non_animal', true], ['cat', 0.1, 'non_animal', false], ['cat', 1, 'animal', true]
		]);
		const { data: model } = await researcher.from('models').select('name, imagenet_top1').eq('id', 'resnet50-outside').single();
		expect(model).toEqual({ name: 'ResNet-50 (imported)', imagenet_top1: 0.761 });
		expect((await importanceMapsOf(researcher, set.id, 'model:resnet50-outside')).map((m) => [m.image_id, m.width])).toEqual([['cat', 4]]);

		// a map of an image the set does not have is refused before anything is stored
		await expect(importModelRun(researcher, { model: { id: 'other-net', name: 'Other', family: 'CNN', imagenetTop1: 0.5 }, setId: set.id, csv: csv('other-net,model,cat,animal,1,animal,'), file: 'o.csv', maps: new Map([['zebra', map]]) }))
			.rejects.toThrow('saliency map zebra.png: image zebra is not in the stimulus set');
		expect((await modelRunsOf(researcher, set.id)).map((r) => r.model_id)).toEqual(['resnet50-outside']);
	}, 120_000);
});
