/**
 * Stores results computed elsewhere as a model run (imported-results.ts says what is checked):
 * the model in the shared list (named "<name> (imported)"), a run with backend 'imported' and
 * config.imported = true, its answers, and its saliency maps (source model:<id>). Used by
 * `npm run models -- import-results` and the models page, so both end in the same place.
 */
import { ensureModel, finishModelRun, importImportanceMaps, recordModelResults, setStimuli, startModelRun, type PlatformClient } from '../data/index.js';
import { mapFromPng } from '../stimuli/importance-map.js';
import { stableUuid } from '../stimuli/hash.js';
import { checkImportedModel, ImportedResultsError, matchImportedAnswers, type ImportedModel } from './imported-results.js';

export interface ImportRunInput {
	model: ImportedModel;
	setId: string;
	studyId?: string | null;
	/** The decisions CSV and its file name (named in errors and stored with the run). */
	csv: string;
	file: string;
	/** Saliency maps by image id (PNG bytes), optional. */
	maps?: ReadonlyMap<string, Uint8Array>;
	isTest?: boolean;
}

export interface ImportedRunSummary {
	runId: string;
	answers: number;
	maps: number;
}

export const importedName = (name: string) => (/\(imported\)$/.test(name) ? name : `${name} (imported)`);

export async function importModelRun(client: PlatformClient, input: ImportRunInput): Promise<ImportedRunSummary> {
	const model = checkImportedModel(input.model);
	const stimuli = await setStimuli(client, input.setId);
	if (stimuli.length === 0) throw new ImportedResultsError('the stimulus set has no stimuli (or you may not read it)');
	const answers = matchImportedAnswers(input.csv, input.file, model.id, stimuli);
	const images = new Set(stimuli.map((s) => s.image_id));
	const maps = [...(input.maps ?? new Map<string, Uint8Array>())].map(([imageId, png]) => {
		if (!images.has(imageId)) throw new ImportedResultsError(`saliency map ${imageId}.png: image ${imageId} is not in the stimulus set`);
		try {
			const map = mapFromPng(png);
			return { image_id: imageId, width: map.width, height: map.height, png, params: { imported: true, file: `${imageId}.png` } };
		} catch (error) {
			throw new ImportedResultsError(`saliency map ${imageId}.png: ${(error as Error).message}`);
		}
	});

	await ensureModel(client, { id: model.id, name: importedName(model.name), family: model.family, imagenet_top1: model.imagenetTop1, source_url: `imported: ${input.file}` });
	const runId = crypto.randomUUID();
	await startModelRun(client, {
		id: runId,
		modelId: model.id,
		stimulusSetId: input.setId,
		studyId: input.studyId ?? null,
		backend: 'imported',
		config: { imported: true, file: input.file, declared_top1: model.imagenetTop1, family: model.family, decision_rule: 'as computed elsewhere', saliency_maps: maps.length },
		isTest: input.isTest ?? false
	});
	try {
		const rows = await Promise.all(answers.map(async (a) => ({ id: await stableUuid(runId, a.stimulus_id), stimulus_id: a.stimulus_id, response: a.response, p_animal: null, top5: [] })));
		for (let i = 0; i < rows.length; i += 500) await recordModelResults(client, runId, rows.slice(i, i + 500));
		if (maps.length) await importImportanceMaps(client, input.setId, `model:${model.id}`, maps);
		await finishModelRun(client, runId, 'done', rows.length);
	} catch (error) {
		await finishModelRun(client, runId, 'failed', 0).catch(() => undefined);
		throw error;
	}
	return { runId, answers: answers.length, maps: maps.length };
}
