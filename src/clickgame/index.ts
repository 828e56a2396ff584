/**
 * ClickMe: players paint what matters in a photo while a network in the browser tries to
 * recognize the painted parts; their strokes become feature-importance maps (source "clickme").
 */
export { CLICKME_DEFAULTS, scaledToImage, type ClickmeConfig } from './config.js';
export { paintedFraction, paintedMask, paintStroke, type Stroke, type StrokePoint } from './paint.js';
export { blurSizeFor, circleBlur, circleKernelRows, clickCounts, CLICKMAP_METHOD, clickMap, clickmeBlur, meanMap, scaledToMax } from './maps.js';
export { flagPlayers, leaveOneOut, reliabilityParams, splitHalfReliability, type ImagePlayers, type PlayerAgreement, type SplitHalfOptions } from './reliability.js';
export { aggregateClickme, DEFAULT_AGGREGATION, minPlayersProblem, type AggregationOptions, type ClickmeAggregate, type StoredRound } from './aggregate.js';
export { roundScore } from './score.js';
export { PaintedRound } from './round.js';
export { clickmeQueue, RoundRecorder } from './recording.js';
