/**
 * npm run neural -- score --responses R.npy --features DIR --out O.json [--correlation spearman|pearson] [--components 25] [--sidecar R.json]
 * npm run neural -- features --model ID --images DIR --grid G --out DIR [--models DIR] [--backend wasm|cpu] [--layers a,b]
 * npm run neural -- brainscore --assembly A.nc --features DIR --out O.json [--time-bin K] [--components 25]
 *
 * score: the spatial fit (spatial.ts) of every `<layer>.npy` [image, gy, gx, channel] in DIR (in
 * the order DIR/features.json lists them, else by file name) to R.npy [image, gy, gx, neuron];
 * writes the report (report.ts) and prints one line per layer. The sidecar (R.json beside R.npy by
 * default) is optional here; when it and DIR/features.json both name the images, they must agree.
 * features: every image of DIR (.png, .jpg, .jpeg, .webp, by file name) through a registered model
 * (features.ts), one `<layer>.npy` per layer pooled to G x G, and DIR/features.json (model, grid,
 * images with their sha256, layers with their files). A second run with the same model, grid and
 * images finds them there and recomputes nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { commandOrUsage, fail, NUMBER_RULES, numberOption } from '../lib/command-line.js';
import type { RgbImage } from '../stimuli/image.js';
import { CORRELATIONS, type Correlation } from './spatial.js';
import { parseNpy, writeNpy, NpyError } from './npy.js';
import { parseSidecar, RecordingsError } from './recordings.js';
import { scoreAllLayers } from './report.js';
import type { BrainScoreResult } from './brainscore.js';

const USAGE = `usage:
  npm run neural -- score --responses R.npy --features DIR --out O.json [--correlation spearman|pearson] [--components 25] [--sidecar R.json]
  npm run neural -- features --model ID --images DIR --grid G --out DIR [--models DIR] [--backend wasm|cpu] [--layers NAME,NAME]
  npm run neural -- brainscore --assembly A.nc --features DIR --out O.json [--time-bin K] [--components 25]`;

/** DIR/features.json: what the features are, for the cache and for score. */
export interface FeatureManifest {
	model: string;
	grid: number;
	images: { name: string; sha256: string }[];
	layers: { name: string; file: string; kind: string; shape: number[] }[];
}

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;
/** A layer name as a file name: characters outside [A-Za-z0-9._-] become '_'. */
export const layerFile = (name: string) => `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.npy`;

async function readImage(file: string): Promise<RgbImage> {
	const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
	return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

async function featuresCommand(values: Record<string, string | boolean | undefined>): Promise<void> {
	const [id, imagesDir, out] = [values.model, values.images, values.out] as (string | undefined)[];
	if (!id || !imagesDir || !out) fail('features needs --model ID --images DIR --grid G --out DIR');
	const grid = numberOption('grid', values.grid as string | undefined, ...NUMBER_RULES.positiveInteger);
	if (grid === undefined) fail('features needs --grid G (the recordings\' G x G positions)');
	const names = (await readdir(imagesDir).catch(() => fail(`cannot read the images folder ${imagesDir}`))).filter((f) => IMAGE_FILE.test(f)).sort();
	if (names.length < 2) fail(`${imagesDir} holds ${names.length} image(s) (.png, .jpg, .webp); the fit needs at least 2`);
	const bytes = await Promise.all(names.map((n) => readFile(path.join(imagesDir, n))));
	const images = names.map((name, i) => ({ name, sha256: createHash('sha256').update(bytes[i]!).digest('hex') }));
	const manifestFile = path.join(out, 'features.json');
	const wanted = typeof values.layers === 'string' ? values.layers.split(',').map((s) => s.trim()).filter(Boolean) : null;
	if (existsSync(manifestFile)) {
		const old = JSON.parse(await readFile(manifestFile, 'utf8')) as FeatureManifest;
		const same = old.model === id && old.grid === grid && JSON.stringify(old.images) === JSON.stringify(images) &&
			(wanted === null || wanted.every((w) => old.layers.some((l) => l.name === w))) && old.layers.every((l) => existsSync(path.join(out, l.file)));
		if (same) {
			console.log(`features of ${id} for these ${images.length} images on a ${grid} x ${grid} grid are already in ${out} (${old.layers.length} layers): nothing recomputed`);
			return;
		}
	}
	const { loadClassifier } = await import('../inference/classifier.js');
	const { localModelSource, useFastestNodeBackend } = await import('../inference/node.js');
	const { modelEntry, UnknownModelError } = await import('../inference/registry.js');
	const { defaultModelDir } = await import('../inference/model-dir.js');
	let entry;
	try {
		entry = modelEntry(id);
	} catch (error) {
		if (error instanceof UnknownModelError) fail(error.message);
		throw error;
	}
	const backend = values.backend as 'wasm' | 'cpu' | undefined;
	if (backend && backend !== 'wasm' && backend !== 'cpu') fail('--backend must be wasm or cpu');
	await useFastestNodeBackend(backend);
	const modelDir = (values.models as string | undefined) ?? defaultModelDir();
	const classifier = await loadClassifier(entry, localModelSource(entry, modelDir));
	const { featureLayers, layerFeatures } = await import('./features.js');
	const decoded = await Promise.all(names.map((n) => readImage(path.join(imagesDir, n))));
	let layers = await featureLayers(classifier, decoded[0]!);
	if (wanted) {
		const missing = wanted.filter((w) => !layers.some((l) => l.name === w));
		if (missing.length) fail(`${id} has no spatial layer ${missing.join(', ')}`);
		layers = layers.filter((l) => wanted.includes(l.name));
	}
	await mkdir(out, { recursive: true });
	const manifest: FeatureManifest = { model: id, grid, images, layers: [] };
	for (const [i, layer] of layers.entries()) {
		const started = performance.now();
		const f = await layerFeatures(classifier, decoded, layer, grid);
		const file = layerFile(layer.name);
		await writeFile(path.join(out, file), writeNpy([f.images, grid, grid, f.channels], f.data));
		manifest.layers.push({ name: layer.name, file, kind: layer.kind, shape: layer.shape });
		console.error(`[${i + 1}/${layers.length}] ${layer.name} ${layer.shape.join('x')} -> ${grid}x${grid}x${f.channels} (${Math.round(performance.now() - started)} ms)`);
	}
	classifier.dispose();
	await writeFile(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
	console.log(`wrote ${layers.length} layers of ${id} for ${images.length} images to ${out}`);
}

async function scoreCommand(values: Record<string, string | boolean | undefined>): Promise<void> {
	const [responses, dir, out] = [values.responses, values.features, values.out] as (string | undefined)[];
	if (!responses || !dir || !out) fail('score needs --responses R.npy --features DIR --out O.json');
	const correlation = ((values.correlation as string | undefined) ?? 'spearman') as Correlation;
	if (!CORRELATIONS.includes(correlation)) fail(`--correlation must be ${CORRELATIONS.join(' or ')} (got "${correlation}")`);
	const components = numberOption('components', values.components as string | undefined, ...NUMBER_RULES.positiveInteger) ?? 25;
	let R;
	try {
		R = parseNpy(new Uint8Array(await readFile(responses).catch(() => fail(`cannot read ${responses}`))), responses);
	} catch (error) {
		if (error instanceof NpyError) fail(error.message);
		throw error;
	}
	if (R.shape.length !== 4) fail(`${responses}: shape (${R.shape.join(', ')}) must be [image, gy, gx, neuron]`);
	const [images, gy, gx, neurons] = R.shape as [number, number, number, number];
	if (gy !== gx) fail(`${responses}: the positions are ${gy} x ${gx}; a square grid is expected`);
	const sidecarFile = (values.sidecar as string | undefined) ?? responses.replace(/\.npy$/i, '.json');
	const manifestFile = path.join(dir, 'features.json');
	const manifest = existsSync(manifestFile) ? (JSON.parse(await readFile(manifestFile, 'utf8')) as FeatureManifest) : null;
	if (existsSync(sidecarFile) && sidecarFile !== responses) {
		try {
			const side = parseSidecar(await readFile(sidecarFile, 'utf8'), sidecarFile);
			if (manifest && JSON.stringify(side.images) !== JSON.stringify(manifest.images.map((i) => i.name)))
				fail(`${sidecarFile} "images" (${side.images.join(', ')}) are not the images of ${manifestFile} (${manifest.images.map((i) => i.name).join(', ')}), in the same order`);
		} catch (error) {
			if (error instanceof RecordingsError) fail(error.message);
			throw error;
		}
	}
	const files = manifest ? manifest.layers.map((l) => ({ name: l.name, file: l.file })) : (await readdir(dir).catch(() => fail(`cannot read the features folder ${dir}`))).filter((f) => f.endsWith('.npy')).sort().map((f) => ({ name: f.slice(0, -4), file: f }));
	if (files.length === 0) fail(`${dir} holds no <layer>.npy`);
	const rec = { images, grid: gy, neurons, data: R.data };
	const report = await scoreAllLayers(
		rec,
		files.map((f) => f.name),
		async (name) => {
			const file = path.join(dir, files.find((f) => f.name === name)!.file);
			let F;
			try {
				F = parseNpy(new Uint8Array(await readFile(file)), file);
			} catch (error) {
				if (error instanceof NpyError) fail(error.message);
				throw error;
			}
			const [fi, fy, fx, channels] = F.shape as [number, number, number, number];
			if (F.shape.length !== 4 || fi !== images || fy !== gy || fx !== gx) fail(`${file}: shape (${F.shape.join(', ')}) must be [${images}, ${gy}, ${gx}, channel] to match ${responses}`);
			return { images, grid: gy, channels, data: F.data };
		},
		{ correlation, components },
		(name, i, s) => console.error(`[${i + 1}/${files.length}] ${name}: ${Number.isFinite(s.score) ? s.score.toFixed(4) : 'no score'} (SD ${Number.isFinite(s.sd) ? s.sd.toFixed(4) : '-'})`)
	);
	await mkdir(path.dirname(path.resolve(out)), { recursive: true });
	await writeFile(out, JSON.stringify(report, null, 2) + '\n');
	console.log(`best layer ${report.best_layer}: ${report.best_score?.toFixed(4)} (${correlation}, ceiling mean ${report.ceiling.mean?.toFixed(4)}); wrote ${out}`);
}

async function brainscoreCommand(values: Record<string, string | boolean | undefined>): Promise<void> {
	const [assemblyFile, dir, out] = [values.assembly, values.features, values.out] as (string | undefined)[];
	if (!assemblyFile || !dir || !out) fail('brainscore needs --assembly A.nc --features DIR --out O.json');
	const components = numberOption('components', values.components as string | undefined, ...NUMBER_RULES.positiveInteger) ?? 25;
	const timeBin = numberOption('time-bin', values['time-bin'] as string | undefined, ...NUMBER_RULES.nonNegativeInteger);
	const { readAssembly } = await import('./assembly.js');
	const { brainScore, brainScoreReport } = await import('./brainscore.js');
	let read;
	try {
		read = await readAssembly(new Uint8Array(await readFile(assemblyFile).catch(() => fail(`cannot read ${assemblyFile}`))), assemblyFile, { timeBin });
	} catch (error) {
		if (error instanceof RecordingsError) fail(error.message);
		throw error;
	}
	if (read.kind === 'spatial') fail(`${assemblyFile} has positions (position_y, position_x): it is spatial; fit it with score (or on the page)`);
	const assembly = { ...read.dataset, imageIds: read.dataset.imageNames };
	const manifestFile = path.join(dir, 'features.json');
	const manifest = existsSync(manifestFile) ? (JSON.parse(await readFile(manifestFile, 'utf8')) as FeatureManifest) : null;
	if (manifest) {
		const names = manifest.images.map((i) => i.name.replace(/\.[^.]+$/, ''));
		if (JSON.stringify(names) !== JSON.stringify(assembly.imageIds)) fail(`the images of ${manifestFile} (${names.join(', ')}) are not ${assemblyFile}'s image_ids (${assembly.imageIds.join(', ')}), in the same order`);
	}
	const files = manifest ? manifest.layers.map((l) => ({ name: l.name, file: l.file })) : (await readdir(dir).catch(() => fail(`cannot read the features folder ${dir}`))).filter((f) => f.endsWith('.npy')).sort().map((f) => ({ name: f.slice(0, -4), file: f }));
	if (files.length === 0) fail(`${dir} holds no <layer>.npy`);
	const results: Record<string, BrainScoreResult> = {};
	const grids = new Set<number>();
	for (const [i, { name, file }] of files.entries()) {
		const where = path.join(dir, file);
		let F;
		try {
			F = parseNpy(new Uint8Array(await readFile(where)), where);
		} catch (error) {
			if (error instanceof NpyError) fail(error.message);
			throw error;
		}
		if (F.shape[0] !== assembly.images) fail(`${where}: ${F.shape[0]} images, ${assemblyFile} has ${assembly.images}`);
		grids.add(F.shape.length === 4 ? F.shape[1]! : 1);
		// [image, gy, gx, channel] flattened per image (features.ts flatFeatures)
		const r = (results[name] = brainScore(assembly, { channels: F.data.length / assembly.images, data: F.data }, { components }));
		console.error(`[${i + 1}/${files.length}] ${name}: raw ${r.raw.toFixed(4)}, ceiled ${r.ceiled?.toFixed(4) ?? '-'}`);
	}
	const report = brainScoreReport(results, { components, featureGrid: grids.size === 1 ? [...grids][0] : undefined });
	const best = report.best_layer;
	await writeFile(out, JSON.stringify(report, null, 2) + '\n');
	console.log(`best layer ${best}: raw ${report.best_raw?.toFixed(4)}, ceiled ${report.best_ceiled?.toFixed(4) ?? '-'}; wrote ${out}`);
}

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		responses: { type: 'string' },
		sidecar: { type: 'string' },
		features: { type: 'string' },
		out: { type: 'string' },
		correlation: { type: 'string' },
		components: { type: 'string' },
		model: { type: 'string' },
		images: { type: 'string' },
		grid: { type: 'string' },
		models: { type: 'string' },
		backend: { type: 'string' },
		layers: { type: 'string' },
		assembly: { type: 'string' },
		'time-bin': { type: 'string' },
		help: { type: 'boolean', short: 'h' }
	}
});

const command = commandOrUsage(positionals, values.help, USAGE);
if (command === 'score') await scoreCommand(values);
else if (command === 'features') await featuresCommand(values);
else if (command === 'brainscore') await brainscoreCommand(values);
else fail(`unknown command "${command}"\n${USAGE}`);
