/**
 * Masked stimuli shared by people and models: levels, importance maps, phase-scrambled noise,
 * top-k reveal with centering, and the set manifest. Pure TypeScript (no DOM, no file system):
 * the Node CLI (cli.ts, build-set.ts) and the browser use the same code.
 */
export { STIMULUS_DEFAULTS, CATEGORIES, type Category } from './config.js';
export { revealLevels, revealedPixelCount } from './levels.js';
export { seededRandom } from './random.js';
export { fft2d, ifft2d, realToComplex, type ComplexImage } from './fft.js';
export { phaseScrambledNoise, randomPhaseField } from './phase-scramble.js';
export {
	centerBiasMap,
	checkImportanceMap,
	checkMapSource,
	mapFromJson,
	mapFromPng,
	mapToJson,
	mapToPng,
	MAP_SOURCE_PATTERN,
	type ImportanceMap
} from './importance-map.js';
export { checkRgbImage, type RgbImage } from './image.js';
export { maskToPng, rgbFromPng, rgbToPng } from './png.js';
export { centeringShift, composeStimulus, importanceOrder, topKMask, type Shift } from './reveal.js';
export { buildImageStimuli, SEEDING_RULE, type BuiltFile, type BuiltImage, type ImageInput } from './build.js';
export { checkManifest, MANIFEST_FORMAT, type Attribution, type ImageRecord, type StimulusRecord, type StimulusSetManifest } from './manifest.js';
export { sha256Hex, stableUuid } from './hash.js';
export { loadStimulusSet, fetchVerified, fetchUrlVerified, type LoadedStimulusSet } from './load.js';
export { preparePhoto, prepareMap, squareCropBox } from './prepare.js';
export { validateBuild, refusals, warnings, RULES as BUILD_RULES, type Finding, type BuildRequest } from './validate.js';
export { MAP_SOURCE_KINDS, MAP_SOURCE_LABELS, manifestMapSource, describeMapSource, type MapSourceChoice, type MapSourceKind } from './map-source.js';
