/**
 * Recording a built set in the database through the app's own calls (src/data), against the
 * stand-in on PGlite and on PostgreSQL (onBothEngines): the command line's --record path, the files served back byte for byte,
 * the set listed for studies, ClickMe and model runs, and the refusals in sentences.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginStimulusSet, DataError, listStimulusSets, signInResearcher, stimulusFile, type PlatformClient } from '../data/index.js';
import { createNodeClient } from '../data/node.js';
import { onBothEngines, type Engine } from '../standin/engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from '../standin/local.js';
import { buildStimulusSet } from './build-set.js';
import { rgbToPng } from './png.js';
import { seededRandom } from './random.js';
import { manifestFiles, recordSetFolder } from './record.js';

const RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };
let work: string;

beforeAll(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'record-test-'));
	// two small photos, one of them not square
	const images = path.join(work, 'photos');
	await mkdir(images, { recursive: true });
	await writeFile(path.join(images, 'photos.json'), JSON.stringify({ images: [
		{ id: 'owl', category: 'animal', imagenet_classes: [24], author: 'Lab', license: 'CC0-1.0', source_url: '' },
		{ id: 'mug', category: 'non_animal', imagenet_classes: [504] }
	] }));
	for (const [id, width] of [['owl', 24], ['mug', 20]] as const) {
		const random = seededRandom('photo', id);
		await writeFile(path.join(images, `${id}.png`), rgbToPng({ width, height: 20, data: Uint8Array.from({ length: width * 20 * 3 }, () => Math.floor(random() * 256)) }));
	}
});

afterAll(async () => {
	await rm(work, { recursive: true, force: true });
});

function recordSuite(engine: Engine, databaseUrl: () => string | undefined) {
	let standin: LocalStandin;
	let researcher: PlatformClient;

	beforeAll(async () => {
		standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: 'record-test-secret-0123456789abcdef0123456789' });
		researcher = createNodeClient(standin.url, standin.anonKey);
		await signInResearcher(researcher, RESEARCHER.email, RESEARCHER.password);
	}, 60_000);

	afterAll(async () => {
		await standin?.close();
	});

describe(`recording a set built on the command line (${engine})`, () => {
	it('records it as the researcher: listed for every selector, its files served back byte for byte', async () => {
		const out = path.join(work, `lab-owls-${engine}`);
		const manifest = await buildStimulusSet({ imagesDir: path.join(work, 'photos'), outDir: out, levels: 2, size: 16, name: 'lab-owls', mapSource: 'center-bias' });
		let progress = 0;
		const counts = await recordSetFolder(researcher, out, { slug: 'lab-owls', name: 'Lab owls', mapSource: { kind: 'center-bias' }, onProgress: (done) => (progress = done) });
		expect(counts).toMatchObject({ images: 2, stimuli: 4, files: manifestFiles(manifest).length });
		expect(progress).toBe(manifestFiles(manifest).length);

		const listed = (await listStimulusSets(researcher)).find((s) => s.slug === 'lab-owls');
		expect(listed).toMatchObject({ name: 'Lab owls', base_url: '/stimuli/lab-owls', map_source: 'center-bias', is_demo: false, levels: manifest.levels });

		// anyone (the app server, with the anon key) fetches the files the manifest names
		const anon = createNodeClient(standin.url, standin.anonKey);
		for (const file of ['manifest.json', manifest.stimuli[0]!.file, manifest.images[1]!.noise_file]) {
			expect(Buffer.from((await stimulusFile(anon, 'lab-owls', file))!).equals(await readFile(path.join(out, file))), file).toBe(true);
		}
		expect(await stimulusFile(anon, 'lab-owls', 'no/such.png')).toBeNull();

		// the slug is taken now, and said so in a sentence
		const again = await recordSetFolder(researcher, out, { slug: 'lab-owls', mapSource: { kind: 'center-bias' } }).catch((e: unknown) => e);
		expect(again).toBeInstanceOf(DataError);
		expect((again as DataError).message).toBe('a stimulus set with the short name "lab-owls" exists already: choose another');
	});

	it('a set still being uploaded is listed nowhere; a ClickMe source must be a set the researcher may use', async () => {
		await beginStimulusSet(researcher, { slug: 'half-done', name: 'Half', seed: 1, mapSource: { kind: 'uploaded' } });
		expect((await listStimulusSets(researcher)).map((s) => s.slug)).not.toContain('half-done');
		const refused = await beginStimulusSet(researcher, { slug: 'from-nowhere', name: 'x', seed: 1, mapSource: { kind: 'clickme', setId: '00000000-0000-4000-b000-00000000ffff', setSlug: 'nowhere' } }).catch((e: unknown) => e);
		expect((refused as DataError).message).toBe('maps from ClickMe need the set they come from, one you own or a demo set');
	});

	it('npm run stimuli -- build --record ends in the same place, with warnings first and one-line refusals', async () => {
		const env = path.join(work, `env-${engine}.json`);
		await writeFile(env, JSON.stringify({ PUBLIC_SUPABASE_URL: standin.url, PUBLIC_SUPABASE_ANON_KEY: standin.anonKey }));
		const run = promisify(execFile);
		const cli = (...args: string[]) => run('npx', ['tsx', 'src/stimuli/cli.ts', ...args]);
		const { stdout, stderr } = await cli('build', '--images', path.join(work, 'photos'), '--out', path.join(work, `cli-set-${engine}`), '--map-source', 'center-bias', '--levels', '2', '--size', '16', '--record', '--slug', 'cli-set', '--name', 'CLI set', '--env', env);
		expect(stderr).toContain('warning: Photo "owl" is 24 x 20, not square: it will be centre-cropped to 20 x 20 (cutting 4 px from the left and right together), then resized to 16 x 16.');
		expect(stderr).toContain('warning: 2 reveal levels is too few');
		expect(stdout).toContain('recorded set "cli-set" in the database: 2 images, 4 stimuli');
		expect((await listStimulusSets(researcher)).find((s) => s.slug === 'cli-set')).toMatchObject({ name: 'CLI set', map_source: 'center-bias' });

		const refused = await cli('build', '--images', path.join(work, 'photos'), '--out', path.join(work, 'x'), '--map-source', 'center-bias', '--record', '--slug', 'Bad Slug', '--env', env).catch((e: { stderr: string }) => e);
		expect((refused as { stderr: string }).stderr).toBe('error: The short name must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit (got "Bad Slug"). Pass --slug.\n');
		const clickme = await cli('build', '--images', path.join(work, 'photos'), '--maps', work, '--out', path.join(work, 'y'), '--map-source', 'clickme', '--record', '--slug', 'from-clickme', '--env', env).catch((e: { stderr: string }) => e);
		expect((clickme as { stderr: string }).stderr).toBe('error: --map-source clickme needs --maps-from SLUG when recording: the set whose maps these are\n');
	}, 60_000);
});
}

onBothEngines('record', recordSuite);
