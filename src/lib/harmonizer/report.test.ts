/** The run's files: held-out scores per image before and after, the training log, and the JSON with every setting. */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../harmonizer/train.js';
import type { EvaluationSummary, Provenance } from '../../harmonizer/model.js';
import type { HeldOutResult } from './protocol.js';
import { heldOutCsv, runReportJson, trainingLogCsv, type HarmonizeRun } from './report.js';

const map = { width: 2, height: 2, data: new Float64Array([0, 1, 2, 3]) };
const summary = (spearman: number): EvaluationSummary => ({
	harmonization: 0.5, cross_entropy: 2, mean_spearman: spearman, alignment: spearman / 0.8, mean_iou: 0.2, mean_dice: 0.3, ceiling: 0.8,
	ceiling_source: 'given (--ceiling)', comparison: 'harmonization@224', images: 2, constant_maps: []
});
const result = (after: number, rho: [number, number]): HeldOutResult => ({
	after,
	summary: summary((rho[0] + rho[1]) / 2),
	perImage: { cat: { spearman: rho[0], iou: 0.1, dice: 0.2, saliency: map }, bee: { spearman: rho[1], iou: null, dice: null, saliency: map } }
});
const provenance: Provenance = {
	method: 'neural harmonizer', reference: 'loss.py', base_model: 'mobilenet-v1-0.25', map_set: 'demo', map_source: 'clickme', settings: { ...DEFAULT_SETTINGS, steps: 2 },
	evaluate_every: 1, steps_done: 2, train_images: 6, held_out_images: ['bee', 'cat'], backend: 'wasm', backend_reason: 'WASM: chosen by hand', before: null, after: null, trained_at: '2026-11-30T03:00:00.000Z'
};
const run: HarmonizeRun = {
	provenance, stopped: false,
	steps: [1, 2].map((step) => ({ step, total: 3 - step / 10, crossEntropy: 2, weights: 40, harmonization: 1 - step / 10, seconds: 1.5 })),
	evaluations: [result(0, [0.1, 0.2]), result(1, [0.15, 0.25]), result(2, [0.2, 0.3])],
	before: result(0, [0.1, 0.2]), after: result(2, [0.2, 0.3]),
	accuracyBefore: { top1: 0.5, animal: 1, photos: 2 }, accuracyAfter: { top1: 0.5, animal: 0.5, photos: 2 }
};

describe('the harmonizer run as files', () => {
	it('held-out scores: one row per image, before and after, empty where featureReport gave none', () => {
		const rows = Papa.parse<Record<string, string>>(heldOutCsv(run), { header: true, skipEmptyLines: true }).data;
		expect(rows).toEqual([
			{ image_id: 'bee', spearman_before: '0.2', spearman_after: '0.3', iou_before: '', iou_after: '', dice_before: '', dice_after: '', steps_after: '2' },
			{ image_id: 'cat', spearman_before: '0.1', spearman_after: '0.2', iou_before: '0.1', iou_after: '0.1', dice_before: '0.2', dice_after: '0.2', steps_after: '2' }
		]);
	});
	it('the training log: every step with the loss and its terms', () => {
		const rows = Papa.parse<Record<string, string>>(trainingLogCsv(run), { header: true, skipEmptyLines: true }).data;
		expect(rows.map((r) => [r.step, r.loss, r.harmonization])).toEqual([['1', '2.9', '0.9'], ['2', '2.8', '0.8']]);
		expect(Object.keys(rows[0]!)).toEqual(['step', 'loss', 'cross_entropy', 'weights_l2', 'harmonization', 'seconds']);
	});
	it('the JSON holds every setting, the backend and why, each evaluation and how each number is computed', () => {
		const report = JSON.parse(runReportJson(run, '2026-11-30T04:00:00.000Z'));
		expect(report).toMatchObject({
			base_model: 'mobilenet-v1-0.25', maps: { set: 'demo', source: 'clickme' }, settings: { ...DEFAULT_SETTINGS, steps: 2 }, evaluate_every: 1,
			backend: 'wasm', backend_reason: 'WASM: chosen by hand', held_out_images: ['bee', 'cat'], exported_at: '2026-11-30T04:00:00.000Z',
			clean_accuracy: { photos: 'held-out images', before: { top1: 0.5, animal: 1, photos: 2 }, after: { animal: 0.5 } }
		});
		expect(report.evaluations.map((e: { after_step: number; mean_spearman: number }) => [e.after_step, e.mean_spearman])).toEqual([[0, 0.15000000000000002], [1, 0.2], [2, 0.25]]);
		expect(report.training_log).toHaveLength(2);
		expect(report.held_out.after).toMatchObject({ comparison: 'harmonization@224', ceiling_source: 'given (--ceiling)' });
		expect(Object.keys(report.how_computed)).toEqual(['loss', 'held_out_saliency', 'alignment', 'accuracy']);
	});
});
