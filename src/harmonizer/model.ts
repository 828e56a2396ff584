/**
 * What a harmonized model is, once trained: a TF.js layers model saved where the platform keeps
 * imported models (the command line: `<models>/imported/<id>/` beside `index.json`, served at
 * /model-files/imported/; the page: the browser's IndexedDB, `indexeddb://see-like-people/<id>`),
 * declared by a registry entry of family `harmonized` (checked by `parseModelEntry`), with its base
 * model and every training setting as provenance (in the entry's file and in model.json's
 * userDefinedMetadata). And the clean-image accuracy used before and after (the demo photos).
 */
import * as tf from '@tensorflow/tfjs';
import { decide, predict } from '../inference/classes.js';
import { IMPORTED_PREFIX } from '../inference/import-model.js';
import { parseModelEntry, type ModelEntry } from '../inference/registry.js';
import { preprocessBatch } from '../inference/preprocess.js';
import type { RgbImage } from '../stimuli/image.js';
import { TASKS, type Category } from '../stimuli/task.js';
import type { Evaluation, HarmonizeSettings } from './train.js';

export const HARMONIZER_REFERENCE = 'serre-lab/Harmonization at commit ffe1c49, harmonization/training/loss.py (harmonizer_loss) and pyramid.py';

/** An id for the harmonized model: `<base>-harmonized-<lambda>-<steps>` unless one is given. */
export function harmonizedId(base: ModelEntry, settings: Pick<HarmonizeSettings, 'lambda'>, steps: number): string {
	return `${base.id}-harmonized-l${settings.lambda}-s${steps}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/**
 * The harmonized model's registry entry: the base model's input, preprocessing, outputs and logits
 * layer (a layers model keeps its layer names when saved), family `harmonized`, no demo accuracy
 * until measured, and ImageNet top-1 not known (`null`, read as NaN): fine-tuning changes it, so
 * the base model's published value would be false, and nobody measured it on ImageNet. The
 * models table then holds null and the results page leaves the model out of the pareto plot,
 * saying why; the clean-image accuracy measured while harmonizing (demo photos, held-out photos)
 * stays in the provenance, labelled as what it is. `where`: the CLI's folder (`localDir`) or the browser's IndexedDB key
 * (`upstreamUrl`).
 */
export function harmonizedEntry(base: ModelEntry, id: string, where: { localDir: string } | { upstreamUrl: string }): ModelEntry {
	if (!STORED_MODEL_ID.test(id)) throw new Error(`the harmonized model's id "${id}" must be 2 to 64 lower-case letters, digits, "_", "." or "-", starting with a letter or digit: runs and ClickMe rounds store it as a model id`);
	return parseModelEntry(
		{
			...base,
			id,
			name: `${base.name}, harmonized`,
			family: 'harmonized',
			format: 'layers',
			upstreamUrl: 'upstreamUrl' in where ? where.upstreamUrl : null,
			localDir: 'localDir' in where ? where.localDir : null,
			upstream: `harmonized from ${base.id} (${base.upstream}) by the neural harmonizer (src/harmonizer)`,
			imagenetTop1: null,
			demoAccuracy: null
		},
		`the harmonized model ${id}`
	);
}

/** A model id the database stores (models.id and clickme_rounds.model_id: supabase/migrations/20261122120000_core_schema.sql, 20261129140400_clickme_trust.sql). */
export const STORED_MODEL_ID = /^[a-z0-9][a-z0-9_.-]{1,63}$/;

/** The CLI's folder for a harmonized model, relative to the model folder the app serves. */
export const harmonizedLocalDir = (id: string) => `${IMPORTED_PREFIX}/${id}`;

/**
 * A held-out evaluation in numbers, each from the existing analysis code: the loss terms
 * (loss.ts), and featureReport's (src/analysis/features.ts) mean Spearman, alignment (mean
 * Spearman / ceiling), mean IoU and Dice of the top 10 %, with the comparison (`comparison`:
 * Harmonization's preprocessing at the model's input size) and where the ceiling comes from.
 */
export interface EvaluationSummary {
	harmonization: number;
	cross_entropy: number;
	mean_spearman: number | null;
	alignment: number | null;
	mean_iou: number | null;
	mean_dice: number | null;
	ceiling: number;
	ceiling_source: string;
	comparison: string;
	images: number;
	/** Held-out images left out of the means: a constant map has no ranking to compare. */
	constant_maps: string[];
}

export const summarize = (e: Evaluation): EvaluationSummary => ({
	harmonization: e.harmonization,
	cross_entropy: e.crossEntropy,
	mean_spearman: e.report.mean_spearman,
	alignment: e.report.alignment,
	mean_iou: e.report.mean_iou,
	mean_dice: e.report.mean_dice,
	ceiling: e.report.ceiling,
	ceiling_source: e.report.ceiling_source,
	comparison: e.report.comparison.id,
	images: e.report.images_compared,
	constant_maps: e.report.constant_maps
});

/** Everything that says how the model was made: kept in entry.json and model.json's metadata. */
export interface Provenance {
	method: 'neural harmonizer';
	reference: string;
	base_model: string;
	map_set: string;
	map_source: string;
	settings: HarmonizeSettings;
	/** Held-out evaluations every this many steps (0: before and after only); changes no weight. */
	evaluate_every?: number;
	steps_done: number;
	train_images: number;
	held_out_images: string[];
	backend: string;
	/** Why that backend trained: the measured probe's sentence, or "chosen by hand" (browser only). */
	backend_reason?: string;
	before: EvaluationSummary | null;
	after: EvaluationSummary | null;
	trained_at: string;
}

/** A photo with its classes and category, as the demo photos list them. */
export interface LabelledPhoto {
	image: RgbImage;
	classes: readonly number[];
	category: Category;
}

/**
 * Clean-image accuracy as src/inference/zoo.test.ts measures the zoo: top-1 = the top class is
 * one of the photo's listed ImageNet classes; animal = the paper's top-1 decision rule
 * (`decide`, src/inference/classes.ts) gives the photo's category.
 */
export async function cleanAccuracy(model: tf.LayersModel, entry: ModelEntry, photos: readonly LabelledPhoto[], batch = 8): Promise<{ top1: number; animal: number; photos: number }> {
	let top1 = 0, animal = 0;
	for (let i = 0; i < photos.length; i += batch) {
		const part = photos.slice(i, i + batch);
		const output = tf.tidy(() => {
			const x = preprocessBatch(part.map((p) => p.image), entry.inputSize, entry.preprocessing);
			return (model.predict(x) as tf.Tensor).reshape([part.length, -1]);
		});
		const values = await output.data();
		const width = output.shape[1]!;
		output.dispose();
		part.forEach((p, k) => {
			const prediction = predict(values.subarray(k * width, (k + 1) * width), entry);
			if (p.classes.includes(prediction.top5[0]!.class)) top1++;
			if (decide(prediction, TASKS['animal-vs-non-animal']).response === p.category) animal++;
		});
	}
	return { top1: top1 / photos.length, animal: animal / photos.length, photos: photos.length };
}

/** The provenance of a model file's metadata (`userDefinedMetadata.harmonization`), or null when it has none. */
export function provenanceOf(metadata: unknown): Provenance | null {
	const p = (metadata as { harmonization?: Partial<Provenance> } | null | undefined)?.harmonization;
	if (!p || typeof p !== 'object' || typeof p.base_model !== 'string' || !p.settings || typeof p.steps_done !== 'number') return null;
	return p as Provenance;
}

/** One line a person reads: "harmonized from mobilenet-v1-0.25: lambda 1, 2 of 20 steps, Adam lr 3e-5, batch 4, on maps demo / clickme (2026-11-30)". */
export function describeProvenance(p: Provenance): string {
	const s = p.settings;
	const steps = p.steps_done === s.steps ? `${s.steps} steps` : `${p.steps_done} of ${s.steps} steps (stopped)`;
	return `harmonized from ${p.base_model}: lambda ${s.lambda}, ${steps}, ${s.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${s.learningRate}, batch ${s.batchSize}, on maps ${p.map_set} / ${p.map_source} (${p.trained_at.slice(0, 10)})`;
}
