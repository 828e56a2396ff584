// The neural-predictivity module's public surface (issue #18): pure maths and file formats shared
// by the dashboard page (/dashboard/neural), its worker and the command line (npm run neural).
export { fitPls, predictPls, type PlsModel, type PlsOptions } from './pls.js';
export { poolBatch, poolToGrid, spatialShape } from './pool.js';
export {
	bestLayer,
	chosenLayerVariant,
	correlate,
	CORRELATIONS,
	DEFAULT_COMPONENTS,
	imageScore,
	meanCeiling,
	meanSd,
	median,
	neuronCeilings,
	scoreLayer,
	type ChosenLayerVariant,
	type Correlation,
	type FitOptions,
	type GridFeatures,
	type LayerScore,
	type Recordings
} from './spatial.js';
export { bootstrapInterval, layerReport, scoreAllLayers, spatialReport, type LayerReport, type SpatialReport } from './report.js';
export { brainScore, splitHalfCeiling, stratifiedSplits, type BrainScoreResult, type PresentationRecordings } from './brainscore.js';
export { NpyError, parseNpy, writeNpy, type NpyArray } from './npy.js';
export { isHdf5Mat, MatFileError, readMat5Variable, type MatArray } from './mat5.js';
export { datasetFromMat, datasetFromNpy, parseSidecar, recordingsFromImageRf, RecordingsError, type ImageRfChoice, type NeuralDataset, type Sidecar } from './recordings.js';
export { readAssembly, type Assembly, type AssemblyChoice } from './assembly.js';
export { readNetcdf, type NetcdfView, type NetcdfVariable } from './netcdf.js';
export { presentationFromNpy, presentationNpy, type PresentationDataset } from './presentation.js';
