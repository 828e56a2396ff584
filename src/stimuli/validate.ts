/**
 * The checks before a set is built, shared by the dashboard (/dashboard/sets) and the command
 * line (`npm run stimuli -- build`): one rule per function, each returning findings - a refusal
 * stops the build, a warning is shown before it, a note says what will be done - every one a
 * single sentence naming the value. Pure: sizes and values only, no decoding, no file system.
 */
import { STIMULUS_DEFAULTS } from './config.js';
import type { ImportanceMap } from './importance-map.js';
import { squareCropBox } from './prepare.js';
import { taskOf, type TaskId } from './task.js';

export type FindingLevel = 'refuse' | 'warn' | 'note';

export interface Finding {
	level: FindingLevel;
	/** The rule that found it (a key of RULES). */
	rule: keyof typeof RULES;
	message: string;
}

/** Limits the rules enforce, in one place. */
export const LIMITS = {
	/** A seed is stored as a PostgreSQL integer. */
	maxSeed: 2 ** 31 - 1,
	/** Fewer than 2 levels is no curve; more than 100 is no study (each level needs trials). */
	minLevels: 2,
	maxLevels: 100,
	/** Level counts outside this range get a warning (the paper uses 10). */
	usualLevels: [4, 20] as const,
	/** Side of the built stimuli, px. */
	minSize: 16,
	maxSize: 1024,
	/** A name and an image id, as the database stores them. */
	maxNameLength: 200,
	imageId: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
	slug: /^[a-z0-9][a-z0-9-]{1,62}$/
} as const;

const got = (value: unknown) => (value === null || value === undefined || value === '' ? 'nothing' : typeof value === 'string' ? `"${value}"` : String(value));
const refuse = (rule: Finding['rule'], message: string): Finding => ({ level: 'refuse', rule, message });
const warn = (rule: Finding['rule'], message: string): Finding => ({ level: 'warn', rule, message });
const note = (rule: Finding['rule'], message: string): Finding => ({ level: 'note', rule, message });
/** A number from a form field or a command-line option ('' and non-numbers stay NaN). */
const asNumber = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN);

export function checkSeed(value: unknown): Finding[] {
	const seed = asNumber(value);
	if (!Number.isInteger(seed) || seed < 0 || seed > LIMITS.maxSeed) {
		return [refuse('seed', `The seed must be a whole number from 0 to ${LIMITS.maxSeed} (got ${got(value)}).`)];
	}
	return [];
}

export function checkLevelCount(value: unknown): Finding[] {
	const levels = asNumber(value);
	if (!Number.isInteger(levels) || levels < LIMITS.minLevels || levels > LIMITS.maxLevels) {
		return [refuse('levels', `The number of reveal levels must be a whole number from ${LIMITS.minLevels} to ${LIMITS.maxLevels} (got ${got(value)}).`)];
	}
	const [low, high] = LIMITS.usualLevels;
	if (levels > high) return [warn('levels', `${levels} reveal levels is far more than the paper's ${STIMULUS_DEFAULTS.levels}: each photo makes ${levels} stimuli, and each participant sees a photo at one level only, so every level gets few trials.`)];
	if (levels < low) return [warn('levels', `${levels} reveal levels is too few to trace a decision curve (the paper uses ${STIMULUS_DEFAULTS.levels}).`)];
	return [];
}

export function checkSize(value: unknown): Finding[] {
	const size = asNumber(value);
	if (!Number.isInteger(size) || size < LIMITS.minSize || size > LIMITS.maxSize) {
		return [refuse('size', `The stimulus size must be a whole number of pixels from ${LIMITS.minSize} to ${LIMITS.maxSize} (got ${got(value)}).`)];
	}
	return [];
}

export function checkSlug(slug: string): Finding[] {
	if (!LIMITS.slug.test(slug)) {
		return [refuse('slug', `The short name must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit (got ${got(slug)}).`)];
	}
	return [];
}

export function checkSetName(name: string): Finding[] {
	const trimmed = name.trim();
	if (trimmed.length < 1 || trimmed.length > LIMITS.maxNameLength) return [refuse('name', `The set's name must be 1 to ${LIMITS.maxNameLength} characters (got ${trimmed.length}).`)];
	return [];
}

/**
 * A photo's (or map's) id from its file name: the name without its extension, every run of
 * characters other than letters, digits, _ . - turned into one "-", at most 128 characters.
 * Maps are matched to photos by this id. "My cat (2).JPG" -> "My-cat-2-".
 */
export function photoIdFromFileName(fileName: string): string {
	const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
	return stem.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128);
}

/** Photo ids: at least one photo, each id letters, digits, _ . - (from its file name), no two alike. */
export function checkPhotoIds(ids: string[]): Finding[] {
	if (ids.length === 0) return [refuse('photos', 'Add at least one photo.')];
	const findings: Finding[] = [];
	const seen = new Set<string>();
	for (const id of ids) {
		if (!LIMITS.imageId.test(id)) findings.push(refuse('photos', `The photo id ${got(id)} must be 1 to 128 letters, digits, _ . or -, starting with a letter or digit: rename the file.`));
		else if (seen.has(id)) findings.push(refuse('photos', `Two photos have the id "${id}": rename one of the files.`));
		seen.add(id);
	}
	return findings;
}

export function checkCategory(id: string, category: string | undefined, task?: TaskId): Finding[] {
	const categories: readonly string[] = taskOf({ task }).categories;
	if (!category || !categories.includes(category)) {
		return [refuse('category', `Photo "${id}" needs a category: ${categories.join(' or ')} (got ${got(category ?? '')}).`)];
	}
	return [];
}

/** ImageNet-1k classes of a photo as typed: whole numbers 0..999, separated by commas or spaces (none is allowed). */
export function parseImagenetClasses(text: string): number[] {
	return text.split(/[\s,]+/).filter(Boolean).map(Number);
}

export function checkImagenetClasses(id: string, text: string): Finding[] {
	const bad = text.split(/[\s,]+/).filter(Boolean).find((t) => !/^\d+$/.test(t) || Number(t) > 999);
	if (bad !== undefined) return [refuse('classes', `Photo "${id}": ImageNet classes must be whole numbers from 0 to 999, separated by commas (got "${bad}").`)];
	return [];
}

/** Says how a photo will be brought to the set's N x N: centre crop of a non-square one, and any resize. */
export function checkPhotoShape(id: string, width: number, height: number, size: number): Finding[] {
	if (width !== height) {
		const { side } = squareCropBox(width, height);
		const cut = width > height ? `${width - side} px from the left and right together` : `${height - side} px from the top and bottom together`;
		return [warn('shape', `Photo "${id}" is ${width} x ${height}, not square: it will be centre-cropped to ${side} x ${side} (cutting ${cut}), then resized to ${size} x ${size}.`)];
	}
	if (width < size) return [warn('shape', `Photo "${id}" is ${width} x ${height}, smaller than the set's ${size} x ${size}: it will be enlarged and look blurred.`)];
	if (width > size) return [note('shape', `Photo "${id}" (${width} x ${height}) will be resized to ${size} x ${size}.`)];
	return [];
}

/** Every photo has a map; maps that match no photo are named (and left out). */
export function checkMapsPresent(photoIds: string[], mapIds: string[], sourceName: string): Finding[] {
	const maps = new Set(mapIds);
	const photos = new Set(photoIds);
	const missing = photoIds.filter((id) => !maps.has(id));
	const findings: Finding[] = [];
	if (missing.length) {
		const list = missing.slice(0, 5).map((id) => `"${id}"`).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
		findings.push(refuse('maps', `${missing.length} photo${missing.length > 1 ? 's have' : ' has'} no map in ${sourceName}: ${list}. Maps are matched to photos by id (file name without extension).`));
	}
	const extra = mapIds.filter((id) => !photos.has(id));
	if (extra.length) findings.push(note('maps', `${extra.length} map${extra.length > 1 ? 's match' : ' matches'} no photo and will be left out: ${extra.slice(0, 5).map((id) => `"${id}"`).join(', ')}${extra.length > 5 ? ' ...' : ''}.`));
	return findings;
}

/** A map is the photo's size (cropped and resized with it) or already the set's N x N. */
export function checkMapSize(id: string, map: { width: number; height: number }, photo: { width: number; height: number }, size: number): Finding[] {
	if ((map.width === photo.width && map.height === photo.height) || (map.width === size && map.height === size)) return [];
	return [refuse('map-size', `The map of "${id}" is ${map.width} x ${map.height}: it must be the photo's size (${photo.width} x ${photo.height}) or the set's (${size} x ${size}).`)];
}

/** Values: finite and non-negative (refused otherwise); all zero or constant maps reveal in random order (warned). */
export function checkMapValues(id: string, map: ImportanceMap): Finding[] {
	let min = Infinity, max = -Infinity;
	for (let i = 0; i < map.data.length; i++) {
		const v = map.data[i]!;
		if (!Number.isFinite(v)) return [refuse('map-values', `The map of "${id}" has a value that is not a finite number at x=${i % map.width}, y=${Math.floor(i / map.width)}.`)];
		if (v < 0) return [refuse('map-values', `The map of "${id}" has a negative value (${v}) at x=${i % map.width}, y=${Math.floor(i / map.width)}: importance must be 0 or more.`)];
		if (v < min) min = v;
		if (v > max) max = v;
	}
	if (max === 0) return [warn('map-values', `The map of "${id}" is all zero: no pixel is more important than another, so its pixels are revealed in the seeded random tie order, not by importance.`)];
	if (min === max) return [warn('map-values', `The map of "${id}" is constant (${min} everywhere): no pixel is more important than another, so its pixels are revealed in the seeded random tie order, not by importance.`)];
	return [];
}

/** The Latin square balances levels over photos when the photo count is a multiple of the level count. */
export function checkPhotoCount(photos: number, levels: number): Finding[] {
	if (photos === 0 || !Number.isInteger(levels) || levels < LIMITS.minLevels) return [];
	if (photos < levels) return [warn('photo-count', `${photos} photo${photos > 1 ? 's' : ''} for ${levels} reveal levels: a participant sees each photo at one level, so sees at most ${photos} of the ${levels} levels.`)];
	if (photos % levels !== 0) return [note('photo-count', `${photos} photos is not a multiple of ${levels} levels: a participant sees some levels once more than others.`)];
	return [];
}

/** One rule per kind of finding: the keys findings carry, and what each checks. */
export const RULES = {
	seed: 'a whole number from 0 to 2^31 - 1',
	levels: 'reveal levels: refused outside 2..100, warned outside 4..20',
	size: 'stimulus side in px: 16..1024',
	slug: 'the short name in links and URLs',
	name: 'the set\'s name: 1..200 characters',
	photos: 'at least one photo; ids from file names, valid and unique',
	category: 'each photo\'s category, from the task',
	classes: 'each photo\'s optional ImageNet-1k classes (0..999), the saliency target',
	shape: 'non-square photos are centre-cropped, then resized',
	maps: 'every photo has a map from the chosen source',
	'map-size': 'a map is the photo\'s size or the set\'s',
	'map-values': 'maps are finite and non-negative; all-zero or constant maps are warned',
	'photo-count': 'photos against levels (Latin square balance)'
} as const;

export interface PhotoFacts {
	id: string;
	width: number;
	height: number;
	category?: string;
	/** ImageNet classes as typed (parseImagenetClasses reads them). */
	classes?: string;
}

export interface BuildRequest {
	/** Absent: not recorded in the database (a folder build by the CLI). */
	slug?: string;
	name?: string;
	levels: unknown;
	seed: unknown;
	size: unknown;
	task?: TaskId;
	photos: PhotoFacts[];
	/** The maps by photo id, when they are known before building (absent: made by the build, e.g. centre bias). */
	maps?: Map<string, ImportanceMap>;
	/** How the map source is named to the user in findings ("the uploaded maps", "the ClickMe maps of demo"). */
	mapSourceName?: string;
}

/** Every rule over one request: refusals first, then warnings, then notes. */
export function validateBuild(request: BuildRequest): Finding[] {
	const findings: Finding[] = [];
	if (request.slug !== undefined) findings.push(...checkSlug(request.slug));
	if (request.name !== undefined) findings.push(...checkSetName(request.name));
	findings.push(...checkLevelCount(request.levels), ...checkSeed(request.seed), ...checkSize(request.size));
	findings.push(...checkPhotoIds(request.photos.map((p) => p.id)));
	const size = asNumber(request.size);
	const sizeOk = checkSize(request.size).length === 0;
	for (const photo of request.photos) {
		findings.push(...checkCategory(photo.id, photo.category, request.task));
		if (photo.classes !== undefined) findings.push(...checkImagenetClasses(photo.id, photo.classes));
		if (sizeOk) findings.push(...checkPhotoShape(photo.id, photo.width, photo.height, size));
	}
	if (request.maps) {
		findings.push(...checkMapsPresent(request.photos.map((p) => p.id), [...request.maps.keys()], request.mapSourceName ?? 'the maps'));
		for (const photo of request.photos) {
			const map = request.maps.get(photo.id);
			if (!map) continue;
			const sized = sizeOk ? checkMapSize(photo.id, map, photo, size) : [];
			findings.push(...sized, ...(sized.length ? [] : checkMapValues(photo.id, map)));
		}
	}
	findings.push(...checkPhotoCount(request.photos.length, asNumber(request.levels)));
	const order: Record<FindingLevel, number> = { refuse: 0, warn: 1, note: 2 };
	return findings.sort((a, b) => order[a.level] - order[b.level]);
}

export const refusals = (findings: Finding[]) => findings.filter((f) => f.level === 'refuse');
export const warnings = (findings: Finding[]) => findings.filter((f) => f.level === 'warn');
