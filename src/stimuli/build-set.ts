/**
 * Building a whole stimulus set from folders (Node only: file system and sharp for decoding).
 * Everything is read and checked first (validate.ts, the rules the dashboard applies too); refusals
 * stop the build before anything is written, warnings are handed to the caller before building.
 * Photos are brought to the set's N x N (prepare.ts: centre crop, then resize). The set is built in
 * a temporary folder next to the destination and moved into place at the end, so a failed build
 * leaves nothing partial.
 *
 * Inputs:
 *   images/photos.json  {"images": [{"id", "category", "imagenet_classes", "file", "author", "license", "source_url"}]}
 *   images/<file>       PNG, JPEG or WebP photos
 *   maps/<id>.png|json  one importance map per image, of the photo's size or N x N
 *                       (no maps folder with the center-bias source: centre-bias maps are made at N x N)
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { addImageToSet, manifestFile, newSetManifest, type ImageInput } from './build.js';
import { STIMULUS_DEFAULTS, type Category } from './config.js';
import { sha256Hex } from './hash.js';
import { centerBiasMap, checkMapSource, mapFromJson, mapFromPng, mapToPng, type ImportanceMap } from './importance-map.js';
import type { RgbImage } from './image.js';
import { revealLevels } from './levels.js';
import type { StimulusSetManifest } from './manifest.js';
import { prepareMap, preparePhoto } from './prepare.js';
import { taskOf, type TaskId } from './task.js';
import { checkLevelCount, checkSeed, checkSize, refusals, validateBuild, type Finding } from './validate.js';

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
	/** One map per photo; may be absent only with the center-bias source. */
	mapsDir?: string;
	outDir: string;
	/** Numbers, or the text of a command-line option: validate.ts checks either. */
	levels?: number | string;
	seed?: number | string;
	/** Side of the built stimuli in px (default STIMULUS_DEFAULTS.photoSize). */
	size?: number | string;
	/** Set name, used in stable stimulus ids (default: the out folder's name). */
	name?: string;
	/** Where the maps come from: clickme, center-bias, uploaded or model:<id>. */
	mapSource?: string;
	/** The observers' task (task.ts), recorded in the manifest; absent: the default task, not recorded. */
	task?: TaskId;
	/** The warnings and notes about the inputs, before anything is built. */
	onFindings?: (findings: Finding[]) => void;
	onProgress?: (done: number, total: number, imageId: string) => void;
}

/** A problem with one input file; the build stops before writing anything. */
export class InputError extends Error {
	constructor(readonly file: string, problem: string) {
		super(`${file}: ${problem}`);
		this.name = 'InputError';
	}
}

/** The inputs broke validate.ts rules: one sentence per refusal, one per line. */
export class RefusedError extends Error {
	constructor(readonly findings: Finding[]) {
		super(findings.map((f) => f.message).join('\n'));
		this.name = 'RefusedError';
	}
}

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

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

/** The map of one photo from the maps folder (<id>.png or <id>.json), or null when there is none. */
async function readMap(mapsDir: string, id: string): Promise<ImportanceMap | null> {
	const file = [path.join(mapsDir, `${id}.png`), path.join(mapsDir, `${id}.json`)].find((c) => existsSync(c));
	if (!file) return null;
	try {
		const bytes = await readFile(file);
		return file.endsWith('.json') ? mapFromJson(bytes.toString('utf8')) : mapFromPng(new Uint8Array(bytes));
	} catch (error) {
		throw new InputError(file, (error as Error).message);
	}
}

export async function buildStimulusSet(options: BuildSetOptions): Promise<StimulusSetManifest> {
	// 1. The parameters, before reading anything.
	const levelsValue = options.levels ?? STIMULUS_DEFAULTS.levels, seedValue = options.seed ?? STIMULUS_DEFAULTS.seed;
	const sizeValue = options.size ?? STIMULUS_DEFAULTS.photoSize;
	const wrong = refusals([...checkLevelCount(levelsValue), ...checkSeed(seedValue), ...checkSize(sizeValue)]);
	if (wrong.length) throw new RefusedError(wrong);
	const [levelCount, seed, size] = [Number(levelsValue), Number(seedValue), Number(sizeValue)];
	const mapSource = checkMapSource(options.mapSource ?? 'uploaded');
	if (!options.mapsDir && mapSource !== 'center-bias') throw new RefusedError([{ level: 'refuse', rule: 'maps', message: `The ${mapSource} map source needs a maps folder (--maps DIR); only center-bias maps are made by the build.` }]);
	const outDir = path.resolve(options.outDir);
	const name = options.name ?? path.basename(outDir);
	if (existsSync(outDir) && (await readdir(outDir)).length > 0 && !existsSync(path.join(outDir, 'manifest.json'))) {
		throw new Error(`${outDir} exists and is not a stimulus set (no manifest.json): choose an empty or new folder`);
	}

	// 2. Read every input, then check them all (validate.ts) before writing anything.
	const catalog = await readCatalog(options.imagesDir, options.task);
	const photos = new Map<string, RgbImage>();
	const maps = options.mapsDir ? new Map<string, ImportanceMap>() : undefined;
	for (const entry of catalog) {
		photos.set(entry.id, await decodePhoto(await findImageFile(options.imagesDir, entry)));
		const map = maps && (await readMap(options.mapsDir!, entry.id));
		if (map) maps!.set(entry.id, map);
	}
	const findings = validateBuild({
		levels: levelCount, seed, size, task: options.task, maps, mapSourceName: `the maps folder ${options.mapsDir}`,
		photos: catalog.map((entry) => ({ id: entry.id, category: entry.category, width: photos.get(entry.id)!.width, height: photos.get(entry.id)!.height }))
	});
	if (refusals(findings).length) throw new RefusedError(refusals(findings));
	options.onFindings?.(findings);
	const inputs: ImageInput[] = catalog.map((entry) => {
		const photo = photos.get(entry.id)!;
		return {
			imageId: entry.id,
			category: entry.category,
			imagenetClasses: entry.imagenet_classes,
			attribution: entry.license ? { author: entry.author ?? '', license: entry.license, source: entry.source_url ?? '' } : null,
			image: preparePhoto(photo, size),
			map: maps ? prepareMap(maps.get(entry.id)!, photo, size) : centerBiasMap(size, size)
		};
	});

	// 3. Build into a temporary folder beside the destination.
	const staging = `${outDir}.partial-${process.pid}`;
	await rm(staging, { recursive: true, force: true });
	try {
		const manifest = newSetManifest({ name, levels: revealLevels(levelCount), seed, mapSource, task: options.task });
		const write = async (file: { path: string; bytes: Uint8Array }) => {
			await mkdir(path.dirname(path.join(staging, file.path)), { recursive: true });
			await writeFile(path.join(staging, file.path), file.bytes);
		};
		for (const [i, input] of inputs.entries()) {
			for (const file of await addImageToSet(manifest, input)) await write(file);
			options.onProgress?.(i + 1, inputs.length, input.imageId);
		}
		await write(manifestFile(manifest));

		// 4. Swap it into place.
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
