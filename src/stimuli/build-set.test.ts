import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStimulusSet, InputError, RefusedError, writeCenterBiasMaps } from './build-set.js';
import { sha256Hex } from './hash.js';
import { centerBiasMap, mapToJson, mapToPng } from './importance-map.js';
import { checkManifest } from './manifest.js';
import { rgbToPng } from './png.js';
import { seededRandom } from './random.js';

const WIDTH = 32, HEIGHT = 24;
/** The built side: the 32 x 24 photos are centre-cropped to 24 x 24 (prepare.ts). */
const SIZE = 24;
let work: string;

beforeAll(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'stimuli-test-'));
});
afterAll(async () => {
	await rm(work, { recursive: true, force: true });
});

/** A folder of two photos with their catalog and maps; `alter` breaks one thing. */
async function fixture(name: string, alter?: (dirs: { images: string; maps: string }) => Promise<void>) {
	const images = path.join(work, name, 'images'), maps = path.join(work, name, 'maps');
	await mkdir(images, { recursive: true });
	await mkdir(maps, { recursive: true });
	const catalog = { images: [
		{ id: 'a', category: 'animal', imagenet_classes: [281], author: 'A. Author', license: 'CC0-1.0', source_url: 'https://example.org/a' },
		{ id: 'b', category: 'non_animal', imagenet_classes: [587] }
	] };
	await writeFile(path.join(images, 'photos.json'), JSON.stringify(catalog));
	for (const id of ['a', 'b']) {
		const random = seededRandom('photo', id);
		const data = Uint8Array.from({ length: WIDTH * HEIGHT * 3 }, () => Math.floor(random() * 256));
		await writeFile(path.join(images, `${id}.png`), rgbToPng({ width: WIDTH, height: HEIGHT, data }));
	}
	await writeFile(path.join(maps, 'a.png'), mapToPng(centerBiasMap(WIDTH, HEIGHT)));
	await writeFile(path.join(maps, 'b.json'), mapToJson(centerBiasMap(WIDTH, HEIGHT, 0.1)));
	await alter?.({ images, maps });
	return { images, maps, out: path.join(work, name, 'set') };
}

async function filesUnder(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('building a stimulus set from folders', () => {
	it('writes every stimulus, mask, noise image and a manifest whose sha256 match the files', async () => {
		const { images, maps, out } = await fixture('ok');
		const progress: number[] = [];
		const manifest = await buildStimulusSet({ size: SIZE, imagesDir: images, mapsDir: maps, outDir: out, levels: 3, seed: 7, mapSource: 'uploaded', onProgress: (done) => progress.push(done) });
		expect(progress).toEqual([1, 2]);
		expect(manifest.levels).toEqual([0.01, 0.1, 1]);
		expect(manifest.stimuli).toHaveLength(6);
		expect(manifest.images[0]!.attribution).toEqual({ author: 'A. Author', license: 'CC0-1.0', source: 'https://example.org/a' });
		const written = checkManifest(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')));
		expect(written).toEqual(manifest);
		for (const s of manifest.stimuli) {
			expect(await sha256Hex(new Uint8Array(await readFile(path.join(out, s.file))))).toBe(s.sha256);
			expect(await sha256Hex(new Uint8Array(await readFile(path.join(out, s.mask_file))))).toBe(s.mask_sha256);
		}
		for (const image of manifest.images) expect(existsSync(path.join(out, image.noise_file))).toBe(true);
		expect(manifest.stimuli.map((s) => s.revealed_pixels)).toEqual([6, 58, 576, 6, 58, 576]); // round(p x 24 x 24)
		expect(manifest.images.map((i) => [i.width, i.height])).toEqual([[SIZE, SIZE], [SIZE, SIZE]]);
	});

	it('records the task when one is named (none: the default task, not recorded), and checks categories against it', async () => {
		const { images, maps, out } = await fixture('task');
		const manifest = await buildStimulusSet({ size: SIZE, imagesDir: images, mapsDir: maps, outDir: out, levels: 2, task: 'animal-vs-non-animal' });
		expect(manifest.task).toBe('animal-vs-non-animal');
		expect(checkManifest(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'))).task).toBe('animal-vs-non-animal');
		const plain = await fixture('no-task');
		expect('task' in (await buildStimulusSet({ size: SIZE, imagesDir: plain.images, mapsDir: plain.maps, outDir: plain.out, levels: 2 }))).toBe(false);
		await expect(buildStimulusSet({ size: SIZE, imagesDir: images, mapsDir: maps, outDir: out, task: 'no-such-task' as 'animal-vs-non-animal' })).rejects.toThrow('unknown task "no-such-task"');
	});

	it('gives byte-identical files for the same inputs and seed', async () => {
		const first = await fixture('det1'), second = await fixture('det2');
		await buildStimulusSet({ size: SIZE, imagesDir: first.images, mapsDir: first.maps, outDir: first.out, levels: 3, seed: 3, name: 'same' });
		await buildStimulusSet({ size: SIZE, imagesDir: second.images, mapsDir: second.maps, outDir: second.out, levels: 3, seed: 3, name: 'same' });
		const files = await filesUnder(first.out);
		expect(files).toEqual(await filesUnder(second.out));
		for (const file of files) {
			expect((await readFile(path.join(first.out, file))).equals(await readFile(path.join(second.out, file))), file).toBe(true);
		}
	});

	const broken: [string, (d: { images: string; maps: string }) => Promise<void>, RegExp][] = [
		['a missing map', (d) => rm(path.join(d.maps, 'b.json')), /1 photo has no map in the maps folder .*maps: "b"/],
		['a map of the wrong size', (d) => writeFile(path.join(d.maps, 'b.json'), mapToJson(centerBiasMap(10, 10))), /The map of "b" is 10 x 10: it must be the photo's size \(32 x 24\) or the set's \(24 x 24\)/],
		['a negative value', (d) => writeFile(path.join(d.maps, 'b.json'), JSON.stringify({ width: 2, height: 1, data: [1, -2] })), /maps\/b\.json: map value at x=1, y=0 is negative \(-2\)/],
		['an unreadable photo', (d) => writeFile(path.join(d.images, 'a.png'), 'not an image'), /images\/a\.png: unreadable image/],
		['a missing catalog', (d) => rm(path.join(d.images, 'photos.json')), /images\/photos\.json: missing/],
		['an unknown category', (d) => writeFile(path.join(d.images, 'photos.json'), JSON.stringify({ images: [{ id: 'a', category: 'plant', imagenet_classes: [] }] })), /a: category must be animal or non_animal \(got "plant"\)/]
	];
	for (const [problem, alter, message] of broken) {
		it(`stops on ${problem}, naming the file, and writes nothing`, async () => {
			const { images, maps, out } = await fixture(problem.replace(/\W+/g, '-'), alter);
			const error = await buildStimulusSet({ size: SIZE, imagesDir: images, mapsDir: maps, outDir: out, levels: 3 }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(Error);
			expect(error instanceof InputError || error instanceof RefusedError).toBe(true);
			expect((error as Error).message).toMatch(message);
			expect(existsSync(out)).toBe(false);
			expect((await readdir(path.dirname(out))).filter((f) => f.startsWith('set'))).toEqual([]);
		});
	}

	it('replaces a previous build of the set, but never a folder that is not a set', async () => {
		const { images, maps, out } = await fixture('rebuild');
		await buildStimulusSet({ size: SIZE, imagesDir: images, mapsDir: maps, outDir: out, levels: 3 });
		const again = await buildStimulusSet({ size: SIZE, imagesDir: images, mapsDir: maps, outDir: out, levels: 4 });
		expect(again.stimuli).toHaveLength(8);
		expect(existsSync(path.join(out, 'stimuli/a/3.png'))).toBe(true);
		const other = path.join(work, 'not-a-set');
		await mkdir(other, { recursive: true });
		await writeFile(path.join(other, 'notes.txt'), 'keep me');
		await expect(buildStimulusSet({ size: SIZE, imagesDir: images, mapsDir: maps, outDir: other })).rejects.toThrow('is not a stimulus set');
		expect(await readFile(path.join(other, 'notes.txt'), 'utf8')).toBe('keep me');
	});

	it('as a command, exits with the problem named', async () => {
		const { images, maps, out } = await fixture('cli', (d) => rm(path.join(d.maps, 'b.json')));
		const run = promisify(execFile);
		const error = await run('npx', ['tsx', 'src/stimuli/cli.ts', 'build', '--images', images, '--maps', maps, '--out', out]).catch((e: { code: number; stderr: string }) => e);
		expect((error as { code: number }).code).toBe(1);
		expect((error as { stderr: string }).stderr).toMatch(/error: 1 photo has no map in the maps folder .*: "b"/);
		expect((error as { stderr: string }).stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
		const bad = await run('npx', ['tsx', 'src/stimuli/cli.ts', 'build', '--images', images, '--maps', maps, '--out', out, '--levels', 'ten']).catch((e: { stderr: string }) => e);
		expect((bad as { stderr: string }).stderr).toBe('error: The number of reveal levels must be a whole number from 2 to 100 (got "ten").\n');
		const seed = await run('npx', ['tsx', 'src/stimuli/cli.ts', 'build', '--images', images, '--maps', maps, '--out', out, '--seed', '-1']).catch((e: { stderr: string }) => e);
		expect((seed as { stderr: string }).stderr).toBe('error: The seed must be a whole number from 0 to 2147483647 (got "-1").\n');
		const task = await run('npx', ['tsx', 'src/stimuli/cli.ts', 'build', '--images', images, '--maps', maps, '--out', out, '--task', 'birds']).catch((e: { stderr: string }) => e);
		expect((task as { stderr: string }).stderr).toContain('--task must be one of animal-vs-non-animal (got "birds")');
	});
});

describe('the demo set', () => {
	it('builds from the committed photos: 10 levels of every photo, with masks and noise', async () => {
		const maps = path.join(work, 'demo-maps'), out = path.join(work, 'demo');
		expect(await writeCenterBiasMaps('static/stimuli/photos', maps)).toBeGreaterThanOrEqual(80);
		const manifest = await buildStimulusSet({ imagesDir: 'static/stimuli/photos', mapsDir: maps, outDir: out, name: 'demo', mapSource: 'center-bias' });
		const animals = manifest.images.filter((i) => i.category === 'animal').length;
		expect(animals).toBeGreaterThanOrEqual(40);
		expect(manifest.images.length - animals).toBeGreaterThanOrEqual(40);
		expect(manifest.stimuli).toHaveLength(manifest.images.length * 10);
		expect(manifest.images.every((i) => i.width === 256 && i.height === 256 && i.attribution?.license)).toBe(true);
		for (const s of manifest.stimuli) {
			expect(existsSync(path.join(out, s.mask_file)), s.mask_file).toBe(true);
			expect(await sha256Hex(new Uint8Array(await readFile(path.join(out, s.file))))).toBe(s.sha256);
		}
		for (const image of manifest.images) expect(existsSync(path.join(out, image.noise_file)), image.noise_file).toBe(true);
		// the same k at each level for every image
		for (let level = 0; level < 10; level++) {
			expect(new Set(manifest.stimuli.filter((s) => s.level_index === level).map((s) => s.revealed_pixels)).size).toBe(1);
		}
	}, 300_000);
});
