import { describe, expect, it } from 'vitest';
import { centerBiasMap } from './importance-map.js';
import {
	checkCategory,
	checkImagenetClasses,
	checkLevelCount,
	checkMapSize,
	checkMapsPresent,
	checkMapValues,
	checkPhotoCount,
	checkPhotoIds,
	checkPhotoShape,
	checkSeed,
	checkSetName,
	checkSize,
	checkSlug,
	parseImagenetClasses,
	photoIdFromFileName,
	refusals,
	RULES,
	validateBuild,
	warnings,
	type Finding
} from './validate.js';

const levels = (findings: Finding[]) => findings.map((f) => f.level);
const map = (width: number, height: number, value: (i: number) => number) => ({ width, height, data: Float64Array.from({ length: width * height }, (_, i) => value(i)) });

describe('the rules checked before a set is built', () => {
	it('seed: a whole number from 0 to 2^31 - 1, refused otherwise in one sentence', () => {
		expect(checkSeed(0)).toEqual([]);
		expect(checkSeed('2147483647')).toEqual([]);
		expect(checkSeed(-1)).toEqual([{ level: 'refuse', rule: 'seed', message: 'The seed must be a whole number from 0 to 2147483647 (got -1).' }]);
		expect(checkSeed('-1')[0]!.message).toBe('The seed must be a whole number from 0 to 2147483647 (got "-1").');
		expect(checkSeed(null)[0]!.message).toBe('The seed must be a whole number from 0 to 2147483647 (got nothing).'); // an emptied number field
		for (const bad of [1.5, 2 ** 31, 'abc', '', NaN, null]) expect(levels(checkSeed(bad)), String(bad)).toEqual(['refuse']);
	});

	it('levels: refused outside 2..100 or when not whole, warned when far from the paper\'s 10', () => {
		expect(checkLevelCount(10)).toEqual([]);
		expect(checkLevelCount('4')).toEqual([]);
		expect(checkLevelCount(20)).toEqual([]);
		for (const bad of [1, 0, -3, 101, 1000, 2.5, 'ten']) expect(levels(checkLevelCount(bad)), String(bad)).toEqual(['refuse']);
		expect(checkLevelCount(1)[0]!.message).toBe('The number of reveal levels must be a whole number from 2 to 100 (got 1).');
		expect(checkLevelCount(50)).toEqual([{ level: 'warn', rule: 'levels', message: expect.stringContaining("50 reveal levels is far more than the paper's 10") }]);
		expect(checkLevelCount(3)).toEqual([{ level: 'warn', rule: 'levels', message: expect.stringContaining('3 reveal levels is too few') }]);
	});

	it('size: whole pixels from 16 to 1024', () => {
		expect(checkSize(256)).toEqual([]);
		for (const bad of [8, 2048, 100.5, 'big']) expect(levels(checkSize(bad)), String(bad)).toEqual(['refuse']);
		expect(checkSize(8)[0]!.message).toBe('The stimulus size must be a whole number of pixels from 16 to 1024 (got 8).');
	});

	it('slug and name: the forms a link and a list accept', () => {
		expect(checkSlug('my-photos-2')).toEqual([]);
		expect(checkSlug('My Photos')[0]!.message).toBe('The short name must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit (got "My Photos").');
		expect(levels(checkSlug('a'))).toEqual(['refuse']);
		expect(levels(checkSlug('-ab'))).toEqual(['refuse']);
		expect(checkSetName('Lab photos')).toEqual([]);
		expect(checkSetName('   ')[0]!.message).toBe("The set's name must be 1 to 200 characters (got 0).");
		expect(levels(checkSetName('x'.repeat(201)))).toEqual(['refuse']);
	});

	it('photo ids: at least one, each valid, none twice', () => {
		expect(checkPhotoIds(['cat', 'dog_2', 'car.side'])).toEqual([]);
		expect(checkPhotoIds([])[0]!.message).toBe('Add at least one photo.');
		expect(checkPhotoIds(['cat', 'cat'])[0]!.message).toBe('Two photos have the id "cat": rename one of the files.');
		expect(checkPhotoIds(['my cat'])[0]!.message).toContain('The photo id "my cat" must be 1 to 128 letters');
	});

	it('photo ids come from file names, with what an id cannot hold replaced', () => {
		expect(photoIdFromFileName('owl.png')).toBe('owl');
		expect(photoIdFromFileName('My cat (2).JPG')).toBe('My-cat-2-');
		expect(photoIdFromFileName('maps/owl.tar.json')).toBe('owl.tar');
		expect(photoIdFromFileName('_hidden.png')).toBe('hidden');
		expect(checkPhotoIds([photoIdFromFileName('My cat (2).JPG')])).toEqual([]);
	});

	it('category: one of the task\'s', () => {
		expect(checkCategory('cat', 'animal')).toEqual([]);
		expect(checkCategory('cat', undefined)[0]!.message).toBe('Photo "cat" needs a category: animal or non_animal (got nothing).');
		expect(levels(checkCategory('cat', 'plant'))).toEqual(['refuse']);
	});

	it('classes: optional ImageNet-1k indices 0..999, separated by commas or spaces', () => {
		expect(checkImagenetClasses('owl', '')).toEqual([]);
		expect(checkImagenetClasses('owl', '24, 25 26')).toEqual([]);
		expect(parseImagenetClasses('24, 25 26')).toEqual([24, 25, 26]);
		expect(parseImagenetClasses('')).toEqual([]);
		expect(checkImagenetClasses('owl', '24, 1000')[0]!.message).toBe('Photo "owl": ImageNet classes must be whole numbers from 0 to 999, separated by commas (got "1000").');
		expect(levels(checkImagenetClasses('owl', 'owl'))).toEqual(['refuse']);
		expect(levels(checkImagenetClasses('owl', '-3'))).toEqual(['refuse']);
	});

	it('shape: a non-square photo is warned with how it will be cropped and resized', () => {
		expect(checkPhotoShape('wide', 640, 480, 256)).toEqual([{ level: 'warn', rule: 'shape',
			message: 'Photo "wide" is 640 x 480, not square: it will be centre-cropped to 480 x 480 (cutting 160 px from the left and right together), then resized to 256 x 256.' }]);
		expect(checkPhotoShape('tall', 300, 400, 256)[0]!.message).toContain('centre-cropped to 300 x 300 (cutting 100 px from the top and bottom together)');
		expect(checkPhotoShape('same', 256, 256, 256)).toEqual([]);
		expect(levels(checkPhotoShape('small', 100, 100, 256))).toEqual(['warn']);
		expect(levels(checkPhotoShape('big', 512, 512, 256))).toEqual(['note']);
	});

	it('maps: every photo has one; extra maps are named and left out', () => {
		expect(checkMapsPresent(['a', 'b'], ['a', 'b'], 'the uploaded maps')).toEqual([]);
		expect(checkMapsPresent(['a', 'b', 'c'], ['a'], 'the uploaded maps')).toEqual([{ level: 'refuse', rule: 'maps',
			message: '2 photos have no map in the uploaded maps: "b", "c". Maps are matched to photos by id (file name without extension).' }]);
		expect(levels(checkMapsPresent(['a'], ['a', 'z'], 'x'))).toEqual(['note']);
	});

	it('map size: the photo\'s or the set\'s', () => {
		expect(checkMapSize('a', { width: 640, height: 480 }, { width: 640, height: 480 }, 256)).toEqual([]);
		expect(checkMapSize('a', { width: 256, height: 256 }, { width: 640, height: 480 }, 256)).toEqual([]);
		expect(checkMapSize('a', { width: 100, height: 80 }, { width: 640, height: 480 }, 256)[0]!.message)
			.toBe('The map of "a" is 100 x 80: it must be the photo\'s size (640 x 480) or the set\'s (256 x 256).');
	});

	it('map values: negative or non-finite refused; all zero and constant warned', () => {
		expect(checkMapValues('a', centerBiasMap(8, 8))).toEqual([]);
		expect(checkMapValues('a', map(4, 4, () => 0))[0]).toEqual({ level: 'warn', rule: 'map-values', message: expect.stringContaining('The map of "a" is all zero') });
		expect(checkMapValues('a', map(4, 4, () => 7))[0]!.message).toContain('The map of "a" is constant (7 everywhere)');
		expect(checkMapValues('a', map(4, 4, (i) => (i === 5 ? -1 : 1)))[0]).toEqual({ level: 'refuse', rule: 'map-values', message: 'The map of "a" has a negative value (-1) at x=1, y=1: importance must be 0 or more.' });
		expect(levels(checkMapValues('a', map(2, 2, (i) => (i ? 1 : NaN))))).toEqual(['refuse']);
	});

	it('photo count: warned when fewer photos than levels, noted when not a multiple', () => {
		expect(checkPhotoCount(20, 10)).toEqual([]);
		expect(levels(checkPhotoCount(4, 10))).toEqual(['warn']);
		expect(levels(checkPhotoCount(13, 10))).toEqual(['note']);
	});

	it('every rule has a test above and a line in RULES', () => {
		expect(Object.keys(RULES).sort()).toEqual(['category', 'classes', 'levels', 'map-size', 'map-values', 'maps', 'name', 'photo-count', 'photos', 'seed', 'shape', 'size', 'slug']);
	});
});

describe('validateBuild', () => {
	it('runs every rule, refusals first, and skips value checks of a map of the wrong size', () => {
		const findings = validateBuild({
			slug: 'lab-set', name: 'Lab set', levels: 10, seed: -4, size: 256,
			photos: [{ id: 'wide', width: 64, height: 48, category: 'animal' }, { id: 'flat', width: 32, height: 32, category: 'non_animal' }, { id: 'odd', width: 32, height: 32, category: 'non_animal' }],
			maps: new Map([['wide', map(64, 48, () => 0)], ['flat', map(10, 10, () => -1)]]),
			mapSourceName: 'the uploaded maps'
		});
		expect(refusals(findings).map((f) => f.rule)).toEqual(['seed', 'maps', 'map-size']);
		expect(warnings(findings).map((f) => f.rule)).toEqual(['shape', 'shape', 'shape', 'map-values', 'photo-count']);
		expect(findings[0]!.level).toBe('refuse');
	});

	it('a clean request has no refusals and no warnings', () => {
		const findings = validateBuild({ levels: 2, seed: 1, size: 16, photos: [{ id: 'a', width: 16, height: 16, category: 'animal' }, { id: 'b', width: 16, height: 16, category: 'non_animal' }], maps: new Map([['a', centerBiasMap(16, 16)], ['b', centerBiasMap(16, 16)]]) });
		expect(findings.filter((f) => f.level !== 'note')).toEqual([{ level: 'warn', rule: 'levels', message: expect.stringContaining('too few') }]);
	});
});
