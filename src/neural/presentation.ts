/**
 * Recordings without positions, presentation x neuroid (Brain-Score's neural assemblies), as the
 * platform holds them for the standard Brain-Score variant (brainscore.ts, issue #18 item 4): a
 * `PresentationDataset`, R[repetition, image, neuroid] with what it is (image names, neuroid
 * names, per-image labels that stratify the splits, area, time window, synthetic or not).
 * Imported from
 * (a) an .npy `[image, neuroid]` (one repetition: already averaged, so no split-half ceiling) or
 *     `[repetition, image, neuroid]` with a JSON sidecar `{"images", "area", "time_window_ms",
 *     "neurons"?, "labels"?, "synthetic"?}` (no "grid": that is what makes it presentation x
 *     neuroid), `presentationFromNpy`;
 * (b) a Brain-Score NetCDF assembly (assembly.ts).
 * Stored as a float32 .npy [repetition, image, neuroid] (`presentationNpy`).
 */
import type { PresentationRecordings } from './brainscore.js';
import { NpyError, parseNpy, writeNpy } from './npy.js';
import { checkFinite, parseSidecar, RecordingsError } from './recordings.js';

export interface PresentationDataset extends PresentationRecordings {
	imageNames: string[];
	neuronNames: string[];
	area: string;
	/** ms after stimulus onset (null: synthetic). */
	timeWindowMs: [number, number] | null;
	synthetic: boolean;
}

/** (a) An .npy [image, neuroid] or [repetition, image, neuroid] with its sidecar. */
export function presentationFromNpy(npyBytes: Uint8Array, npyFile: string, sidecarText: string, sidecarFile: string): PresentationDataset {
	const side = parseSidecar(sidecarText, sidecarFile, false);
	let array;
	try {
		array = parseNpy(npyBytes, npyFile);
	} catch (error) {
		if (error instanceof NpyError) throw new RecordingsError(error.message);
		throw error;
	}
	if (array.shape.length !== 2 && array.shape.length !== 3) throw new RecordingsError(`${npyFile}: shape (${array.shape.join(', ')}) must be [image, neuroid] or [repetition, image, neuroid]`);
	const [repetitions, images, neuroids] = (array.shape.length === 2 ? [1, ...array.shape] : array.shape) as [number, number, number];
	if (images !== side.images.length) throw new RecordingsError(`${npyFile}: ${images} images in the array, ${side.images.length} in ${sidecarFile} "images"`);
	if (side.neurons && side.neurons.length !== neuroids) throw new RecordingsError(`${npyFile}: ${neuroids} neuroids in the array, ${side.neurons.length} in ${sidecarFile} "neurons"`);
	if (neuroids < 2) throw new RecordingsError(`${npyFile}: at least 2 neuroids are needed (the score is a median over neuroids)`);
	checkFinite(array.data, npyFile, 'the array');
	return {
		repetitions,
		images,
		neuroids,
		data: array.data,
		labels: side.labels,
		imageNames: side.images,
		neuronNames: side.neurons ?? Array.from({ length: neuroids }, (_, n) => `n${n + 1}`),
		area: side.area,
		timeWindowMs: side.time_window_ms,
		synthetic: side.synthetic ?? false
	};
}

/** The stored form: a float32 .npy [repetition, image, neuroid]. */
export const presentationNpy = (d: PresentationRecordings) => writeNpy([d.repetitions, d.images, d.neuroids], d.data);
