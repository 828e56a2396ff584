// The analysis module's public surface: pure maths shared by the dashboard and the command line.
export { averageRanks, pearson, spearman } from './spearman.js';
export { mean, percentile, finiteOrNull } from './stats.js';
export { parseTrialsCsv, trialsToCsv, TrialInputError, TRIAL_COLUMNS, type Trial, type ObserverKind, type Answer } from './trials.js';
export { exportTrials, isTestObserver, TEST_OBSERVER_PREFIX, type StoredDecisionTrial } from './export.js';
export {
	bootstrapCurve,
	decisionReport,
	DECISION_DEFAULTS,
	errorConsistency,
	isCorrect,
	normalizedCurve,
	type DecisionOptions,
	type DecisionReport,
	type ExcludedHuman
} from './decision.js';
export {
	featureReport,
	FeatureInputError,
	gaussianBlur,
	gaussianKernel,
	harmonizationPreprocess,
	HARMONIZATION_CEILING,
	HARMONIZATION_PREPROCESSING,
	maskOverlap,
	parseFeatureMaps,
	resizeBilinear,
	topPercentMask,
	type FeatureMap,
	type FeatureOptions,
	type FeatureReport,
	type HumanFeatureMap,
	type ImageAlignment
} from './features.js';
export { dominates, paretoFront, type ParetoPoint } from './pareto.js';
export { modelIdOf, modelSummaries, sessionOverview, type ModelSummary, type SessionOverview, type SessionRow } from './study-summary.js';
