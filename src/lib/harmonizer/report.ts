/**
 * What a researcher needs to report a harmonizer run, as files: the held-out scores per image
 * before and after (CSV), the training log, step by step (CSV), and everything in one JSON file
 * (every setting, the provenance, the backend and why, each step, each evaluation, the clean-image
 * accuracy and on which photos, how each number was computed). The numbers are those the page
 * shows: featureReport's (src/analysis/features.ts) and cleanAccuracy's (src/harmonizer/model.ts).
 * Saliency maps are not included (224 x 224 per image): the page shows them.
 */
import { rowsToCsv, type CsvRow } from '../figure-data.js';
import { HARMONIZER_REFERENCE, type Provenance } from '../../harmonizer/model.js';
import type { StepReport } from '../../harmonizer/train.js';
import type { Accuracy, HeldOutResult } from './protocol.js';

export interface HarmonizeRun {
	provenance: Provenance;
	stopped: boolean;
	steps: readonly StepReport[];
	evaluations: readonly HeldOutResult[];
	before: HeldOutResult;
	after: HeldOutResult;
	accuracyBefore: Accuracy;
	accuracyAfter: Accuracy;
}

/** How each number is computed, in words, with its code. */
export const HOW_COMPUTED = {
	loss: `loss = cross-entropy (label smoothing 0.1) + 1e-5 x sum of ||w||^2 / 2 + lambda x harmonization term (pyramidal MSE of standardized, ReLU-cut saliency and human maps over 5 levels); ${HARMONIZER_REFERENCE}; src/harmonizer/loss.ts`,
	held_out_saliency: "max over colour channels of |d logit / d input| for the image's target class (of its listed ImageNet classes, the one the base model scores highest), at the model's input size; src/harmonizer/train.ts evaluate",
	alignment: "featureReport (src/analysis/features.ts): per image Spearman's rho of the two maps after the comparison's preprocessing, IoU and Dice of their top 10 %; alignment = mean Spearman / ceiling; images with a constant map are left out of the means",
	accuracy: "cleanAccuracy (src/harmonizer/model.ts), the zoo's measure: top-1 = the top class is one of the photo's listed ImageNet classes; animal = the paper's top-1 decision rule gives the photo's category. On the page: the held-out photos only, a proxy, not ImageNet top-1"
} as const;

/** One row per held-out image: its scores before and after. */
export function heldOutRows(run: Pick<HarmonizeRun, 'before' | 'after'>): CsvRow[] {
	const ids = [...new Set([...Object.keys(run.before.perImage), ...Object.keys(run.after.perImage)])].sort();
	return ids.map((image_id) => {
		const b = run.before.perImage[image_id];
		const a = run.after.perImage[image_id];
		return {
			image_id,
			spearman_before: b?.spearman ?? null,
			spearman_after: a?.spearman ?? null,
			iou_before: b?.iou ?? null,
			iou_after: a?.iou ?? null,
			dice_before: b?.dice ?? null,
			dice_after: a?.dice ?? null,
			steps_after: run.after.after
		};
	});
}

/** One row per training step: the loss and its terms, and the seconds it took. */
export const trainingLogRows = (steps: readonly StepReport[]): CsvRow[] =>
	steps.map((s) => ({ step: s.step, loss: s.total, cross_entropy: s.crossEntropy, weights_l2: s.weights, harmonization: s.harmonization, seconds: s.seconds }));

export const heldOutCsv = (run: HarmonizeRun) => rowsToCsv(heldOutRows(run));
export const trainingLogCsv = (run: HarmonizeRun) => rowsToCsv(trainingLogRows(run.steps));

/** Everything about the run, for a methods section: settings, provenance, log, evaluations, accuracy, how computed. */
export function runReportJson(run: HarmonizeRun, exportedAt = new Date().toISOString()): string {
	const { provenance } = run;
	return JSON.stringify(
		{
			method: provenance.method,
			reference: provenance.reference,
			exported_at: exportedAt,
			base_model: provenance.base_model,
			maps: { set: provenance.map_set, source: provenance.map_source },
			settings: provenance.settings,
			evaluate_every: provenance.evaluate_every ?? null,
			steps_done: provenance.steps_done,
			stopped: run.stopped,
			train_images: provenance.train_images,
			held_out_images: provenance.held_out_images,
			backend: provenance.backend,
			backend_reason: provenance.backend_reason ?? null,
			trained_at: provenance.trained_at,
			how_computed: HOW_COMPUTED,
			held_out: { before: run.before.summary, after: run.after.summary, images: heldOutRows(run) },
			clean_accuracy: { photos: 'held-out images', before: run.accuracyBefore, after: run.accuracyAfter },
			evaluations: run.evaluations.map((e) => ({ after_step: e.after, ...e.summary })),
			training_log: trainingLogRows(run.steps)
		},
		null,
		'\t'
	) + '\n';
}
