// The analysis module's public surface: pure maths shared by the dashboard and the command line.
export { averageRanks, pearson, spearman } from './spearman.js';
export { mean, percentile, finiteOrNull } from './stats.js';
export { parseTrialsCsv, trialsToCsv, detailedTrialsToCsv, roundTo, TrialInputError, TRIAL_COLUMNS, TRIAL_DETAIL_COLUMNS, CSV_PRECISION, type Trial, type TrialDetails } from './trials.js';
export { exportTrials, exportDetailedCsv, rawTrialsCsv, type StoredDecisionTrial } from './export.js';
export {
	bootstrapCurve,
	decisionOptions,
	decisionReport,
	DECISION_DEFAULTS,
	FULL_REVEAL,
	fullRevealIndex,
	humanBaseline,
	isTimeoutRule,
	normalizedCurve,
	TIMEOUT_RULES,
	type DecisionOptions,
	type DecisionReport,
	type DecisionReportOptions,
	type ExcludedHuman,
	type HumanBaseline,
	type TimeoutRule
} from './decision.js';
export {
	compareByLevel,
	DECISION_METRICS,
	errorConsistency,
	FEATURE_METRICS,
	formatInterval,
	formatMetric,
	HEADLINE_METRICS,
	levelCurve,
	levelThenPeopleMean,
	metricById,
	METRICS,
	PAIRWISE_METRICS,
	pairScore,
	PARETO_DEFAULT_METRIC,
	PARETO_METRICS,
	score,
	scoreAll,
	type DecisionMetric,
	type Direction,
	type LevelAnswers,
	type LevelComparison,
	type PairwiseMetricId,
	type DecisionMetricId,
	type DecisionMetricInput,
	type FeatureMetric,
	type FeatureMetricId,
	type FeatureMetricInput,
	type Metric,
	type MetricId
} from './metrics.js';
export {
	comparisonId,
	comparisonOf,
	DEFAULT_COMPARISON,
	featureReport,
	FeatureInputError,
	imagesLeftOut,
	humanAsCompared,
	modelAsCompared,
	gaussianBlur,
	gaussianKernel,
	harmonizationPreprocess,
	HARMONIZATION_CEILING,
	HARMONIZATION_PREPROCESSING,
	maskOverlap,
	parseFeatureMaps,
	resizeBilinear,
	TOP_PERCENT,
	topPercentMask,
	type FeatureMap,
	type FeatureOptions,
	type FeatureReport,
	type HumanFeatureMap,
	type ImageAlignment,
	type MapComparison
} from './features.js';
export { MAP_FOLDER_METADATA, parseMapFolderMetadata, storedFeatureMap, type MapReliability } from './map-folder.js';
export { dominates, paretoFront, type ParetoPoint } from './pareto.js';
export { HUMAN_STYLE, humanCurveLabel, modelColour, modelMarker, observerStyle, type Marker, type ObserverStyle } from './observer-style.js';
export {
	decisionRulesOf,
	alignmentRows,
	humanLabelOf,
	modelKey,
	modelStyles,
	modelSummaries,
	participantChecks,
	paretoPoints,
	resultsDocument,
	sessionOverview,
	studyDecision,
	type AlignmentRow,
	type ModelSummary,
	type ParticipantTrial,
	type SessionOverview,
	type SessionRow
} from './study-summary.js';
export { formatObserver, modelObserver, parseObserver, TEST_OBSERVER_PREFIX, type Observer, type ObserverKind } from '../stimuli/observer.js';
export { baselineDraws, baselineIntervals, CI_LEVEL, decisionDraws, decisionIntervals, featureDraws, featureIntervals, NO_INTERVAL, percentileInterval, type Interval } from './bootstrap.js';
export { balancedAccuracy, dPrime, LOG_LINEAR_CORRECTION, normalQuantile, SIGNAL_CATEGORY, signalCurves, type SignalCounts } from './signal-detection.js';
export type { ModelExtras, SignalDetectionCurves } from './decision.js';
