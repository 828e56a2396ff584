/**
 * Node-only pieces of the harmonizer's command line and tests: the demo photos with their labels
 * (static/stimuli/photos/photos.json, the clean images whose accuracy must hold), and the progress
 * lines the command line prints.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rgbFromPng } from '../stimuli/png.js';
import { isCategory } from '../stimuli/task.js';
import type { LabelledPhoto } from './model.js';
import type { Evaluation, StepReport } from './train.js';

/** The photos of a photo folder's photos.json (id, category, imagenet_classes, file). */
export async function demoPhotos(dir: string, limit = Infinity): Promise<LabelledPhoto[]> {
	const listFile = path.join(dir, 'photos.json');
	const list = JSON.parse(await readFile(listFile, 'utf8').catch((error: Error) => Promise.reject(new Error(`cannot read ${listFile}: ${error.message}`)))) as {
		images: { id: string; category: string; imagenet_classes: number[]; file: string }[];
	};
	const photos: LabelledPhoto[] = [];
	for (const p of list.images.slice(0, limit)) {
		if (!isCategory(p.category)) throw new Error(`${listFile}: photo ${p.id} has category "${p.category}", not animal or non_animal`);
		photos.push({ image: rgbFromPng(new Uint8Array(await readFile(path.join(dir, p.file)))), classes: p.imagenet_classes, category: p.category });
	}
	return photos;
}

const f = (x: number | null, digits = 4) => (x === null ? '-' : x.toFixed(digits));

export const formatStep = (r: StepReport, of: number) =>
	`step ${String(r.step).padStart(4)}/${of}  loss ${f(r.total)} = CE ${f(r.crossEntropy)} + 1e-5 x weights ${f(r.weights, 1)} + lambda x harmonization ${f(r.harmonization)}  (${r.seconds.toFixed(1)} s)`;

export const formatEvaluation = (after: number, e: Evaluation) =>
	`held-out after ${after} steps: harmonization ${f(e.harmonization)}, CE ${f(e.crossEntropy)}, Spearman ${f(e.report.mean_spearman, 3)}, alignment ${f(e.report.alignment, 3)} (ceiling ${f(e.report.ceiling, 3)}, ${e.report.images_compared} images)`;
