/**
 * The neural harmonizer: fine-tunes a registered model toward people's ClickMe maps with the loss
 * of serre-lab/Harmonization, in the browser (a Web Worker) and in Node (`npm run harmonize`).
 * Loaded only by /models/harmonize and the command line.
 */
export { DEFAULT_LAMBDA, harmonizationTerm, harmonizerLoss, lossSaliency, pyramid, pyramidalMseWithTokens, smoothedCrossEntropy, standardizeCut, weightDecay, type LossInputs, type LossTerms } from './loss.js';
export { registerSecondOrderGradients } from './second-order.js';
export { registerWasmDepthwiseBackpropFilter } from './wasm-depthwise-gradient.js';
export { DEFAULT_HELD_OUT, HarmonizeDataError, harmonizeImages, humanMapFromRow, splitHeldOut, trainingMap, type HarmonizeImage } from './data.js';
export { checkSettings, DEFAULT_SETTINGS, Harmonizer, HarmonizeModelError, HarmonizeSettingsError, withTrainingKernels, type Evaluation, type HarmonizeSettings, type StepReport } from './train.js';
export { runHarmonizer, type HarmonizeEvent, type RunOptions, type RunResult } from './session.js';
export { cleanAccuracy, describeProvenance, harmonizedEntry, provenanceOf, harmonizedId, harmonizedLocalDir, HARMONIZER_REFERENCE, summarize, type EvaluationSummary, type LabelledPhoto, type Provenance } from './model.js';
export { loadTrainable } from './load.js';
