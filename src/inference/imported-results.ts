/**
 * Results computed elsewhere (issue 16, item 5): a lab with models the browser cannot run (large
 * PyTorch models) brings their decisions as a trials CSV (src/analysis/trials.ts:
 * observer,kind,image_id,category,reveal,response,rt_ms with kind `model`), and optionally
 * saliency maps as PNG files named by image id. They are stored as a model run like any other
 * (backend `imported`, config.imported = true), so every figure and export shows them; the model's
 * name carries "(imported)" there.
 *
 * Matching rows to the set's stimuli: a row is the stimulus of its image whose reveal level is
 * within REVEAL_TOLERANCE of the row's reveal (levels are stored to double precision; files
 * written elsewhere may round them). Every row must match exactly one stimulus, its category
 * must be the image's, and a model answers every stimulus (no `none`).
 */
import { parseTrialsCsv, TrialInputError } from '../analysis/trials.js';
import { parseObserver } from '../stimuli/observer.js';
import type { Category } from '../stimuli/task.js';

export const REVEAL_TOLERANCE = 1e-4;

/** What the lab declares about the model, stored with it. */
export interface ImportedModel {
	id: string;
	name: string;
	family: string;
	/** Published ImageNet top-1, 0..1 (the pareto plot's accuracy axis). */
	imagenetTop1: number;
}

export interface SetStimulus {
	id: string;
	image_id: string;
	reveal: number;
	category: Category;
}

export interface ImportedAnswer {
	stimulus_id: string;
	response: Category;
}

/** Bad input: every problem, each naming the file and row. */
export class ImportedResultsError extends Error {}

const MODEL_ID = /^[a-z0-9][a-z0-9_.-]{1,63}$/;

/** Checks the declaration (the same rules the models table has), naming the field. */
export function checkImportedModel(model: ImportedModel): ImportedModel {
	if (!MODEL_ID.test(model.id)) throw new ImportedResultsError(`the model id must be 2 to 64 lower-case letters, digits, "_", "." or "-", starting with a letter or digit (got "${model.id}")`);
	if (!model.name.trim()) throw new ImportedResultsError('the model needs a name');
	if (!model.family.trim()) throw new ImportedResultsError('the model needs a family (e.g. CNN, ViT)');
	if (!(model.imagenetTop1 >= 0 && model.imagenetTop1 <= 1)) throw new ImportedResultsError(`the ImageNet top-1 must be a share from 0 to 1 (got ${model.imagenetTop1}; 76 % is 0.76)`);
	return { ...model, name: model.name.trim(), family: model.family.trim() };
}

/** The CSV's answers as the set's stimuli, or every problem naming its row. */
export function matchImportedAnswers(csv: string, file: string, modelId: string, stimuli: readonly SetStimulus[]): ImportedAnswer[] {
	let trials;
	try {
		trials = parseTrialsCsv(csv);
	} catch (error) {
		if (error instanceof TrialInputError) throw new ImportedResultsError(`${file}: ${error.message}`);
		throw error;
	}
	if (trials.length === 0) throw new ImportedResultsError(`${file} has no rows`);
	const byImage = new Map<string, SetStimulus[]>();
	for (const s of stimuli) byImage.set(s.image_id, [...(byImage.get(s.image_id) ?? []), s]);
	const problems: string[] = [];
	const answers: ImportedAnswer[] = [];
	trials.forEach((t, i) => {
		const row = `row ${i + 2}`; // parseTrialsCsv keeps the file's order; line 1 is the header
		const observer = parseObserver(t.observer)?.id ?? t.observer;
		if (t.kind !== 'model') return void problems.push(`${row}: kind must be model in imported model results (got ${t.kind})`);
		if (observer !== modelId) return void problems.push(`${row}: observer ${t.observer} is not the model being imported (${modelId})`);
		if (t.response === null) return void problems.push(`${row}: a model answers every stimulus; "none" is not an answer`);
		const levels = byImage.get(t.image_id);
		if (!levels) return void problems.push(`${row}: image ${t.image_id} is not in the stimulus set`);
		const match = levels.find((s) => Math.abs(s.reveal - t.reveal) <= REVEAL_TOLERANCE);
		if (!match) return void problems.push(`${row}: image ${t.image_id} has no stimulus at reveal ${t.reveal} (the set's levels: ${[...new Set(levels.map((s) => s.reveal))].sort((a, b) => a - b).map((r) => +r.toPrecision(6)).join(', ')})`);
		if (match.category !== t.category) return void problems.push(`${row}: image ${t.image_id} is ${match.category} in the set, not ${t.category}`);
		answers.push({ stimulus_id: match.id, response: t.response });
	});
	if (problems.length) {
		const shown = problems.slice(0, 20);
		throw new ImportedResultsError(`${file} does not fit the stimulus set:\n  ${shown.join('\n  ')}${problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : ''}`);
	}
	return answers;
}
