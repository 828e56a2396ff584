/**
 * What the dashboard shows about one study, put together from the reports: the session overview
 * with exclusions, and one alignment row per model. Pure: the page fetches, this summarizes.
 */
import type { DecisionReport } from './decision.js';
import { isTestObserver, TEST_OBSERVER_PREFIX } from './export.js';
import type { FeatureReport } from './features.js';

export interface SessionRow {
	session_id: string;
	observer: string;
	status: 'started' | 'completed';
	is_test: boolean;
}

export interface SessionOverview {
	sessions: number;
	completed: number;
	inProgress: number;
	/** Sessions made by automated runs: shown only when test data is included, always counted. */
	testSessions: number;
	/** People whose data the human curve uses, and those excluded (with the reason). */
	included: number;
	excluded: { observer: string; reason: string; test: boolean }[];
}

/** Counts over the sessions in view (test sessions only when included). */
export function sessionOverview(sessions: readonly SessionRow[], report: DecisionReport | null, includeTest: boolean): SessionOverview {
	const shown = sessions.filter((s) => includeTest || !s.is_test);
	return {
		sessions: shown.length,
		completed: shown.filter((s) => s.status === 'completed').length,
		inProgress: shown.filter((s) => s.status === 'started').length,
		testSessions: sessions.filter((s) => s.is_test).length,
		included: report?.humans.included.length ?? 0,
		excluded: (report?.humans.excluded ?? []).map((e) => ({ observer: e.id, reason: e.reason, test: isTestObserver(e.id) }))
	};
}

export interface ModelSummary {
	/** The observer id in the report (model:<id>, or test:model:<id> for test runs). */
	observer: string;
	modelId: string;
	test: boolean;
	imagenetTop1: number | null;
	/** Accuracy over all the model's trials. */
	accuracy: number | null;
	errorConsistency: number | null;
	curveCorrelation: number | null;
	featureAlignment: number | null;
	meanSpearman: number | null;
	meanIou: number | null;
	meanDice: number | null;
	featureImages: number;
}

/** The registry id behind a report's observer id: "test:model:x" -> "x". */
export const modelIdOf = (observer: string) => observer.replace(TEST_OBSERVER_PREFIX, '').replace(/^model:/, '');

/**
 * One row per model in the decision report or with a feature report. Overall accuracy is
 * correct / answered over all levels (from the per-level accuracies and counts).
 */
export function modelSummaries(report: DecisionReport | null, features: Record<string, FeatureReport>, imagenetTop1: Record<string, number | null>): ModelSummary[] {
	const decided = Object.keys(report?.models ?? {});
	const mapsOnly = Object.keys(features).filter((id) => !decided.some((o) => modelIdOf(o) === id)).map((id) => `model:${id}`);
	const observers = [...decided, ...mapsOnly];
	return observers.sort().map((observer) => {
		const modelId = modelIdOf(observer);
		const decision = report?.models[observer];
		const counts = report?.observers[observer];
		const answered = counts ? counts.n.reduce((a, b) => a + b, 0) : 0;
		const correct = counts ? counts.n.reduce((sum, n, l) => sum + n * (counts.accuracy[l] ?? 0), 0) : 0;
		// feature maps are not test-marked per run: a test run's row shows the model's maps too
		const feature = features[modelId];
		return {
			observer,
			modelId,
			test: isTestObserver(observer),
			imagenetTop1: imagenetTop1[modelId] ?? null,
			accuracy: answered ? correct / answered : null,
			errorConsistency: decision?.error_consistency ?? null,
			curveCorrelation: decision?.curve_correlation ?? null,
			featureAlignment: feature?.alignment ?? null,
			meanSpearman: feature?.mean_spearman ?? null,
			meanIou: feature?.mean_iou ?? null,
			meanDice: feature?.mean_dice ?? null,
			featureImages: feature?.images_compared ?? 0
		};
	});
}
