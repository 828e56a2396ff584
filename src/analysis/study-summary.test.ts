/** The dashboard's summaries: session counts with test data held apart, and one row per model. */
import { describe, expect, it } from 'vitest';
import { decisionReport } from './decision.js';
import type { FeatureReport } from './features.js';
import { METRICS } from './metrics.js';
import { decisionRulesOf, modelSummaries, resultsDocument, sessionOverview } from './study-summary.js';
import type { Trial } from './trials.js';

const t = (observer: string, image: string, reveal: number, right: boolean): Trial => ({
	observer, kind: observer.includes('model:') ? 'model' : 'human', image_id: image, category: 'animal', reveal, response: right ? 'animal' : 'non_animal', rt_ms: null
});

describe('study summaries', () => {
	// human:a right on both whole images; test:human:b wrong on them (excluded); model m 3 of 4 right
	const report = decisionReport([
		t('human:a', 'x', 1, true), t('human:a', 'y', 1, true), t('human:a', 'z', 0.5, false),
		t('test:human:b', 'x', 1, false), t('test:human:b', 'y', 1, false),
		t('model:m', 'x', 1, true), t('model:m', 'y', 1, false), t('model:m', 'z', 0.5, true), t('model:m', 'w', 0.5, true)
	], { bootstrap: 0 });

	it('counts sessions in view, keeps test sessions counted apart, and lists exclusions marked as test', () => {
		const sessions = [
			{ session_id: '1', status: 'completed' as const, is_test: false },
			{ session_id: '2', status: 'completed' as const, is_test: true },
			{ session_id: '3', status: 'started' as const, is_test: false }
		];
		expect(sessionOverview(sessions, report, false)).toEqual({
			sessions: 2, completed: 1, inProgress: 1, testSessions: 1, included: 1,
			excluded: [{ observer: 'test:human:b', reason: 'accuracy on fully revealed images 0.000 is at most 0.5 (2 fully revealed trials)', test: true }],
			// both people's checks rest on 2 fully revealed trials, fewer than the default 10
			fewFullReveal: [{ observer: 'human:a', trials: 2, test: false }, { observer: 'test:human:b', trials: 2, test: true }],
			minFullRevealTrials: 10
		});
		expect(sessionOverview(sessions, null, true)).toMatchObject({ sessions: 3, completed: 2, included: 0, excluded: [], fewFullReveal: [], minFullRevealTrials: null });
	});

	it('gives one row per model: overall accuracy, decision and feature alignment, top-1', () => {
		const feature = { alignment: 0.8, mean_spearman: 0.52, mean_iou: 0.3, mean_dice: 0.45, images_compared: 2, images: {}, ceiling: 0.65 } as unknown as FeatureReport;
		// feature reports are keyed by the model's map source, model:<id>
		const rows = modelSummaries(report, { 'model:m': feature, 'model:other': { ...feature, alignment: 0.1 } }, { m: 0.7 });
		expect(rows.map((r) => r.observer)).toEqual(['model:m', 'model:other']); // one row per model
		// accuracy 3 / 4; with human:a the model shares, per level: at 0.5 (z) a wrong, m right: c_obs 0,
		// c_exp 0 x 1 + 1 x 0 = 0, kappa 0; at 1 (x) both right, (y) a right, m wrong: p_a 1, p_m 1/2,
		// c_obs 1/2, c_exp 1/2, kappa 0. Mean over levels 0. (Pooled over levels, as before issue #14:
		// p_a = p_m = 2/3, c_obs = 1/3, c_exp = 5/9, kappa -0.5.)
		expect(rows[0]).toMatchObject({ model: { kind: 'model', id: 'm', test: false }, imagenetTop1: 0.7, accuracy: 0.75, metrics: { alignment: 0.8 }, featureImages: 2 });
		expect(rows[0]!.metrics.error_consistency).toBe(0);
		expect(rows[1]).toMatchObject({ model: { id: 'other' }, imagenetTop1: null, accuracy: null, metrics: { error_consistency: null, alignment: 0.1 } });
		// a test run's row: its model id and test flag come from the observer's parts
		const testRun = modelSummaries({ ...report, models: { 'test:model:mobilenet-v1-0.25': report.models['model:m']! } }, {}, {});
		expect(testRun[0]!.model).toEqual({ kind: 'model', id: 'mobilenet-v1-0.25', test: true });
	});

	it('gives every metric of the registry in every row', () => {
		const rows = modelSummaries(report, {}, {});
		expect(Object.keys(rows[0]!.metrics)).toEqual(METRICS.map((m) => m.id));
	});

	it('records in the results download every option the numbers were made with', () => {
		const document = (options: { timeouts?: 'drop' | 'wrong' }, withReport: boolean) =>
			resultsDocument({ study: 's', generatedAt: new Date(0), includeTest: false, options, report: withReport ? report : null, features: {}, summaries: [] });
		// the report's own record (bootstrap 0 above), or the defaults with the page's choice before there is a report
		expect(document({}, true).options).toEqual({ timeouts: 'drop', exclusion_threshold: 0.5, bootstrap: 0, seed: 1, min_full_reveal_trials: 10 });
		expect(document({ timeouts: 'wrong' }, false).options).toEqual({ timeouts: 'wrong', exclusion_threshold: 0.5, bootstrap: 1000, seed: 1, min_full_reveal_trials: 10 });
	});
});

describe('decisionRulesOf', () => {
	it('lists each model\'s rules in first-use order, naming runs from before the rule was recorded', () => {
		const rules = decisionRulesOf([
			{ model_id: 'a', config: { decision_rule: 'top-1' } },
			{ model_id: 'b', config: {} },
			{ model_id: 'a', config: { decision_rule: 'summed' } },
			{ model_id: 'a', config: { decision_rule: 'top-1' } }
		]);
		expect(rules).toEqual({ a: ['top-1', 'summed'], b: ['summed (not recorded)'] });
	});
});
