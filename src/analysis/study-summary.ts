/**
 * What the dashboard shows about one study, put together from the reports: the session overview
 * with exclusions, one row per model with every metric of the registry (metrics.ts), and the rows
 * its figures draw. Pure: the page fetches, this summarizes.
 *
 * Every report is keyed by the observer's text form (src/stimuli/observer.ts): the decision
 * report by `[test:]human:<id>` and `[test:]model:<id>`, the feature reports by `model:<id>` (a
 * model's map source; maps are not test-marked per run).
 */
import { formatObserver, modelObserver, parseObserver, type Observer } from '../stimuli/observer.js';
import { featureIntervals, NO_INTERVAL, type Interval } from './bootstrap.js';
import { decisionOptions, decisionReport, type DecisionOptions, type DecisionReport } from './decision.js';
import { exportTrials, type StoredDecisionTrial } from './export.js';
import type { FeatureReport } from './features.js';
import { HEADLINE_METRICS, METRICS, type MetricId } from './metrics.js';
import { humanCurveLabel, observerStyle, type ObserverStyle } from './observer-style.js';
import type { ParetoPoint } from './pareto.js';
import type { Trial } from './trials.js';

export interface SessionRow {
	session_id: string;
	/** started, completed, declined or turned_away (src/data/contracts.ts SessionStatus). */
	status: string;
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
	/**
	 * People whose exclusion check rested on fewer fully revealed trials than `minFullRevealTrials`
	 * (the decision report's option; null without a report), with how many they had.
	 */
	fewFullReveal: { observer: string; trials: number; test: boolean }[];
	minFullRevealTrials: number | null;
}

/** A report key's observer; a free name (hand-written file) of the given kind. */
const observerOf = (key: string, kind: Observer['kind']) => parseObserver(key, kind);

/** Counts over the sessions in view (test sessions only when included). */
export function sessionOverview(sessions: readonly SessionRow[], report: DecisionReport | null, includeTest: boolean): SessionOverview {
	const shown = sessions.filter((s) => includeTest || !s.is_test);
	return {
		sessions: shown.length,
		completed: shown.filter((s) => s.status === 'completed').length,
		inProgress: shown.filter((s) => s.status === 'started').length,
		testSessions: sessions.filter((s) => s.is_test).length,
		included: report?.humans.included.length ?? 0,
		excluded: (report?.humans.excluded ?? []).map((e) => ({ observer: e.id, reason: e.reason, test: observerOf(e.id, 'human').test })),
		fewFullReveal: (report?.humans.few_full_reveal ?? []).map((id) => ({ observer: id, trials: report!.humans.full_reveal_trials[id] ?? 0, test: observerOf(id, 'human').test })),
		minFullRevealTrials: report?.options.min_full_reveal_trials ?? null
	};
}

export interface ModelSummary {
	/** The model's key in the decision report (its text form: model:<id>, or test:model:<id> for test runs). */
	observer: string;
	model: Observer;
	imagenetTop1: number | null;
	/** Accuracy over all the model's trials. */
	accuracy: number | null;
	/** Every metric of the registry (metrics.ts, METRICS) by id; null where there is no value. */
	metrics: Record<MetricId, number | null>;
	/**
	 * Each metric's 95 % bootstrap interval (bootstrap.ts): decision metrics over images and
	 * people (the decision report's `ci`), feature metrics over the images compared; both ends
	 * null where it is not estimable.
	 */
	intervals: Record<MetricId, Interval>;
	/** ImageNet top-1's interval: not known for the registry's published accuracies (null ends). */
	imagenetTop1Interval: Interval;
	/** Images the feature metrics compared. */
	featureImages: number;
}

/**
 * One row per model in the decision report or with a feature report. Overall accuracy is
 * correct / answered over all levels (from the per-level accuracies and counts).
 * `features` is keyed by the model's map source (`model:<id>`), `imagenetTop1` by registry id.
 * The feature metrics' intervals use the decision report's bootstrap options (resamples and
 * seed), or the defaults without a report.
 */
export function modelSummaries(report: DecisionReport | null, features: Readonly<Record<string, FeatureReport>>, imagenetTop1: Readonly<Record<string, number | null>>): ModelSummary[] {
	const { bootstrap: resamples, seed } = report?.options ?? decisionOptions();
	const decided = Object.keys(report?.models ?? {});
	const decidedModels = new Set(decided.map((o) => observerOf(o, 'model').id));
	const mapsOnly = Object.keys(features).filter((source) => !decidedModels.has(observerOf(source, 'model').id));
	return [...decided, ...mapsOnly].sort().map((observer) => {
		const model = observerOf(observer, 'model');
		const decision = report?.models[observer];
		const counts = report?.observers[observer];
		const answered = counts ? counts.n.reduce((a, b) => a + b, 0) : 0;
		const correct = counts ? counts.n.reduce((sum, n, l) => sum + n * (counts.accuracy[l] ?? 0), 0) : 0;
		// feature maps are not test-marked per run: a test run's row shows the model's maps too
		const source = formatObserver({ ...model, test: false });
		const feature = features[source];
		const metrics = Object.fromEntries(
			METRICS.map((m) => [m.id, (m.scope === 'decision' ? decision?.[m.id] : feature?.[m.id]) ?? null])
		) as Record<MetricId, number | null>;
		const featureCi = feature ? featureIntervals(feature.images, feature.ceiling, { resamples, seed, source }) : null;
		const intervals = Object.fromEntries(
			METRICS.map((m) => [m.id, (m.scope === 'decision' ? decision?.ci?.[m.id] : featureCi?.[m.id]) ?? NO_INTERVAL])
		) as Record<MetricId, Interval>;
		return {
			observer,
			model,
			imagenetTop1: imagenetTop1[model.id] ?? null,
			accuracy: answered ? correct / answered : null,
			metrics,
			intervals,
			imagenetTop1Interval: NO_INTERVAL,
			featureImages: feature?.images_compared ?? 0
		};
	});
}

/** Each model's style (label, colour, marker) by its report key. */
export function modelStyles(summaries: readonly ModelSummary[], modelNames: Readonly<Record<string, string>>): Record<string, ObserverStyle> {
	return Object.fromEntries(summaries.map((s) => [s.observer, observerStyle(s.model, modelNames)]));
}

/** The human curve's label for a report: "People", or says that test sessions are in it. */
export const humanLabelOf = (report: DecisionReport | null) => humanCurveLabel((report?.humans.included ?? []).map((id) => observerOf(id, 'human')));

export interface AlignmentRow {
	/** The model's label (observer-style.ts). */
	model: string;
	colour: string;
	/** The metric's label (metrics.ts). */
	measure: string;
	value: number;
	/** The value's 95 % bootstrap interval (bootstrap.ts); null ends where it is not estimable. */
	ci_low: number | null;
	ci_high: number | null;
}

/** The alignment figure's bars: every headline metric of every model that has a value. */
export function alignmentRows(summaries: readonly ModelSummary[], styles: Readonly<Record<string, ObserverStyle>>): AlignmentRow[] {
	return summaries.flatMap((s) =>
		HEADLINE_METRICS.flatMap((m) => {
			const value = s.metrics[m.id];
			return value === null ? [] : [{ model: styles[s.observer]!.label, colour: styles[s.observer]!.colour, measure: m.label, value, ...s.intervals[m.id] }];
		})
	);
}

/**
 * The pareto figure's points: models with both a published ImageNet top-1 and the chosen metric,
 * each with the metric's 95 % interval (`ci_low`, `ci_high`) and top-1's (`x_ci_low`,
 * `x_ci_high`, null unless known).
 */
export function paretoPoints(summaries: readonly ModelSummary[], metric: MetricId, styles: Readonly<Record<string, ObserverStyle>>): (ParetoPoint & ObserverStyle)[] {
	return summaries.flatMap((s) => {
		const y = s.metrics[metric];
		if (s.imagenetTop1 === null || y === null) return [];
		const { ci_low, ci_high } = s.intervals[metric];
		return [{ id: s.observer, x: s.imagenetTop1, y, ci_low, ci_high, x_ci_low: s.imagenetTop1Interval.ci_low, x_ci_high: s.imagenetTop1Interval.ci_high, ...styles[s.observer]! }];
	});
}

/** What the participant checks read of each answer (the decision_trials view's row). */
export interface ParticipantTrial {
	observer_kind: Observer['kind'];
	block: 'practice' | 'main';
	is_test: boolean;
	rt_ms: number | null;
	duration_ms: number | null;
}

/** People's main trials in view, their response times (answers in time) and measured display durations. */
export function participantChecks(rows: readonly ParticipantTrial[], includeTest: boolean): { trials: number; rts: number[]; durations: number[] } {
	const people = rows.filter((t) => t.observer_kind === 'human' && t.block === 'main' && (includeTest || !t.is_test));
	return {
		trials: people.length,
		rts: people.map((t) => t.rt_ms).filter((v): v is number => v !== null),
		durations: people.map((t) => t.duration_ms).filter((v): v is number => v !== null)
	};
}

/** The text form of a model's observer: its key in the feature reports and its map source. */
export const modelKey = (modelId: string) => formatObserver(modelObserver(modelId));

/**
 * The study's trials as the analysis sees them: the export (main block, test data only when
 * included, one answer per observer, image and level) and its decision report with the analyst's
 * options (the rest DECISION_DEFAULTS), null without trials.
 */
export function studyDecision(rows: readonly StoredDecisionTrial[], includeTest: boolean, options: DecisionOptions = {}): { exported: Trial[]; report: DecisionReport | null } {
	const exported = exportTrials(rows, { includeTest });
	return { exported, report: exported.length ? decisionReport(exported, options) : null };
}

/** The results download: the reports as the page shows them, and where each number's formula lives. */
export function resultsDocument(input: {
	study: string;
	generatedAt: Date;
	includeTest: boolean;
	/** The decision analysis's options (recorded even when there is no report yet). */
	options: DecisionOptions;
	report: DecisionReport | null;
	features: Readonly<Record<string, FeatureReport>>;
	summaries: readonly ModelSummary[];
	/** The decision rules each model's runs used (decisionRulesOf), by registry id. */
	decisionRules?: Readonly<Record<string, string[]>>;
}) {
	return {
		study: input.study,
		generated_at: input.generatedAt.toISOString(),
		include_test_data: input.includeTest,
		// every choice the numbers were made with, as `npm run analyze -- decision` records them
		options: input.report?.options ?? decisionOptions(input.options),
		decision: input.report,
		features: input.features,
		models: input.summaries,
		decision_rules: input.decisionRules ?? {},
		notes: {
			decision: 'src/analysis/decision.ts: accuracy, exclusions, normalized curves, 95 % bootstrap, trials with no answer (options.timeouts), the human baseline over pairs of people',
			features: 'src/analysis/features.ts: Harmonization preprocessing, Spearman, top-10 % IoU and Dice per image',
			intervals: `src/analysis/bootstrap.ts: 95 % percentile bootstrap intervals (ci_low, ci_high) over options.bootstrap resamples seeded by options.seed; decision metrics resample images and people, feature metrics the images compared`,
			signal_detection: "src/analysis/signal-detection.ts: balanced accuracy (TPR + TNR) / 2 and d' = z(H) - z(F) per level, 'animal' the signal, log-linear correction (Hautus 1995)",
			metrics: METRICS.map((m) => ({ id: m.id, label: m.label, formula: m.formula, source: m.source })),
			decision_rules: "src/stimuli/task.ts DECISION_RULES: how each model's probabilities became its answers, as stored with its runs (model_runs.config.decision_rule)",
			observers: 'src/stimuli/observer.ts: observers are keyed [test:]<kind>:<id>; feature reports by the model map source model:<id>'
		}
	};
}

/**
 * The decision rules (src/stimuli/task.ts DECISION_RULES) that each model's stored runs used, from
 * `model_runs.config.decision_rule`, in first-use order. Runs stored before the rule was recorded
 * used the summed rule, the platform's only rule then; they are named so.
 */
export function decisionRulesOf(runs: readonly { model_id: string; config: Record<string, unknown> }[]): Record<string, string[]> {
	const rules: Record<string, string[]> = {};
	for (const run of runs) {
		const rule = typeof run.config.decision_rule === 'string' ? run.config.decision_rule : 'summed (not recorded)';
		const list = (rules[run.model_id] ??= []);
		if (!list.includes(rule)) list.push(rule);
	}
	return rules;
}
