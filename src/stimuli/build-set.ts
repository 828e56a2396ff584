/**
 * Building a whole stimulus set from folders (Node only: file system and sharp for decoding).
 * Everything is checked before anything is written; the set is built in a temporary folder next
 * to the destination and moved into place at the end, so a failed build leaves nothing partial.
 *
 * Inputs:
 *   images/photos.json  {"images": [{"id", "category", "imagenet_classes", "file", "author", "license", "source_url"}]}
 *   images/<file>       PNG, JPEG or WebP photos
 *   maps/<id>.png|json  one importance map per image, of the image's size
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { buildImageStimuli, SEEDING_RULE, type ImageInput } from './build.js';
import { STIMULUS_DEFAULTS, type Category } from './config.js';
import { sha256Hex } from './hash.js';
import { centerBiasMap, checkImportanceMap, checkMapSource, mapFromJson, mapFromPng, mapToPng, type ImportanceMap } from './importance-map.js';
import type { RgbImage } from './image.js';
import { revealLevels } from './levels.js';
import { MANIFEST_FORMAT, type StimulusSetManifest } from './manifest.js';
import { taskOf, type TaskId } from './task.js';

export interface PhotoCatalogEntry {
	id: string;
	category: Category;
	imagenet_classes: number[];
	file?: string;
	author?: string;
	license?: string;
	source_url?: string;
}

export interface BuildSetOptions {
	imagesDir: string;
	mapsDir: string;
	outDir: string;
	levels?: number;
	seed?: number;
	/** Set name, used in stable stimulus ids (default: the out folder's name). */
	name?: string;
	/** Where the maps come from: clickme, center-bias, uploaded or model:<id>. */
	mapSource?: string;
	/** The observers' task (task.ts), recorded in the manifest; absent: the default task, not recorded. */
	task?: TaskId;
	onProgress?: (done: number, total: number, imageId: string) => void;
}

/** A problem with one input file; the build stops before writing anything. */
export class InputError extends Error {
	constructor(readonly file: string, problem: string) {
		super(`${file}: ${problem}`);
		this.name = 'InputError';
	}
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];

export async function readCatalog(imagesDir: string, task?: TaskId): Promise<PhotoCatalogEntry[]> {
	const file = path.join(imagesDir, 'photos.json');
	const categories: readonly string[] = taskOf({ task }).categories;
	if (!existsSync(file)) {
		throw new InputError(file, `missing: list each photo as {"id", "category": ${categories.map((c) => JSON.stringify(c)).join(' | ')}, "imagenet_classes": [...]} in {"images": [...]}`);
	}
	let parsed: { images?: PhotoCatalogEntry[] };
	try {
		parsed = JSON.parse(await readFile(file, 'utf8'));
	} catch (error) {
		throw new InputError(file, `not valid JSON (${(error as Error).message})`);
	}
	if (!Array.isArray(parsed.images) || parsed.images.length === 0) throw new InputError(file, 'must have a non-empty "images" array');
	const seen = new Set<string>();
	parsed.images.forEach((entry, i) => {
		const where = `images[${i}]`;
		if (typeof entry.id !== 'string' || !ID_PATTERN.test(entry.id)) throw new InputError(file, `${where}.id must be letters, digits, _ . - (got ${JSON.stringify(entry.id)})`);
		if (seen.has(entry.id)) throw new InputError(file, `${where}.id "${entry.id}" appears twice`);
		seen.add(entry.id);
		if (!categories.includes(entry.category)) throw new InputError(file, `${entry.id}: category must be ${categories.join(' or ')} (got ${JSON.stringify(entry.category)})`);
		if (!Array.isArray(entry.imagenet_classes) || entry.imagenet_classes.some((c) => !Number.isInteger(c) || c < 0 || c > 999)) {
			throw new InputError(file, `${entry.id}: imagenet_classes must be standard ImageNet-1k indices 0..999`);
		}
	});
	return parsed.images;
}

async function findImageFile(imagesDir: string, entry: PhotoCatalogEntry): Promise<string> {
	if (entry.file) return path.join(imagesDir, entry.file);
	for (const ext of IMAGE_EXTENSIONS) {
		const candidate = path.join(imagesDir, entry.id + ext);
		if (existsSync(candidate)) return candidate;
	}
	throw new InputError(path.join(imagesDir, entry.id + '.png'), `no photo for "${entry.id}" (looked for ${IMAGE_EXTENSIONS.join(', ')})`);
}

/** Decodes a PNG, JPEG or WebP photo to 8-bit RGB (alpha composited over white). */
export async function decodePhoto(file: string): Promise<RgbImage> {
	if (!existsSync(file)) throw new InputError(file, 'file not found');
	try {
		const { data, info } = await sharp(file).flatten({ background: '#ffffff' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
		return { width: info.width, height: info.height, data: new Uint8Array(data) };
	} catch (error) {
		throw new InputError(file, `unreadable image (${(error as Error).message})`);
	}
}

async function readMap(mapsDir: string, id: string, expected: { width: number; height: number }): Promise<ImportanceMap> {
	const candidates = [path.join(mapsDir, `${id}.png`), path.join(mapsDir, `${id}.json`)];
	const file = candidates.find((c) => existsSync(c));
	if (!file) throw new InputError(candidates[0]!, `no importance map for "${id}" (expected ${id}.png or ${id}.json)`);
	try {
		const bytes = await readFile(file);
		const map = file.endsWith('.json') ? mapFromJson(bytes.toString('utf8')) : mapFromPng(new Uint8Array(bytes));
		return checkImportanceMap(map, expected);
	} catch (error) {
		throw new InputError(file, (error as Error).message);
	}
}

export async function buildStimulusSet(options: BuildSetOptions): Promise<StimulusSetManifest> {
	const seed = options.seed ?? STIMULUS_DEFAULTS.seed;
	if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer (got ${options.seed})`);
	const levels = revealLevels(options.levels ?? STIMULUS_DEFAULTS.levels);
	const mapSource = checkMapSource(options.mapSource ?? 'uploaded');
	const outDir = path.resolve(options.outDir);
	const name = options.name ?? path.basename(outDir);
	if (existsSync(outDir) && (await readdir(outDir)).length > 0 && !existsSync(path.join(outDir, 'manifest.json'))) {
		throw new Error(`${outDir} exists and is not a stimulus set (no manifest.json): choose an empty or new folder`);
	}

	// 1. Read and check every input before writing anything.
	const catalog = await readCatalog(options.imagesDir, options.task);
	const inputs: ImageInput[] = [];
	for (const entry of catalog) {
		const image = await decodePhoto(await findImageFile(options.imagesDir, entry));
		const map = await readMap(options.mapsDir, entry.id, image);
		inputs.push({
			imageId: entry.id,
			category: entry.category,
			imagenetClasses: entry.imagenet_classes,
			attribution: entry.license ? { author: entry.author ?? '', license: entry.license, source: entry.source_url ?? '' } : null,
			image,
			map
		});
	}

	// 2. Build into a temporary folder beside the destination.
	const staging = `${outDir}.partial-${process.pid}`;
	await rm(staging, { recursive: true, force: true });
	try {
		const manifest: StimulusSetManifest = { format: MANIFEST_FORMAT, name, ...(options.task ? { task: options.task } : {}), seed, levels, map_source: mapSource, seeding: SEEDING_RULE, images: [], stimuli: [] };
		for (const [i, input] of inputs.entries()) {
			const built = await buildImageStimuli(name, input, levels, seed);
			for (const file of built.files) {
				await mkdir(path.dirname(path.join(staging, file.path)), { recursive: true });
				await writeFile(path.join(staging, file.path), file.bytes);
			}
			manifest.images.push(built.image);
			manifest.stimuli.push(...built.stimuli);
			options.onProgress?.(i + 1, inputs.length, input.imageId);
		}
		await writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');

		// 3. Swap it into place.
		const previous = `${outDir}.previous-${process.pid}`;
		if (existsSync(outDir)) await rename(outDir, previous);
		await rename(staging, outDir);
		await rm(previous, { recursive: true, force: true });
		return manifest;
	} catch (error) {
		await rm(staging, { recursive: true, force: true });
		throw error;
	}
}

/** Writes a center-bias map (16-bit PNG) for every photo of the catalog, at the photo's size. */
export async function writeCenterBiasMaps(imagesDir: string, outDir: string): Promise<number> {
	const catalog = await readCatalog(imagesDir);
	await mkdir(outDir, { recursive: true });
	for (const entry of catalog) {
		const { width, height } = await sharp(await findImageFile(imagesDir, entry)).metadata();
		await writeFile(path.join(outDir, `${entry.id}.png`), mapToPng(centerBiasMap(width!, height!)));
	}
	return catalog.length;
}

/** sha256 of a set's manifest file: identifies one build of a set. */
export async function manifestSha256(setDir: string): Promise<string> {
	return sha256Hex(new Uint8Array(await readFile(path.join(setDir, 'manifest.json'))));
}
