/**
 * npm run stimuli -- build --images DIR [--maps DIR] --out DIR [--levels 10] [--seed 1] [--size 256] [--name NAME] [--map-source SOURCE] [--task ID]
 *                         [--record [--slug SLUG] [--description TEXT] [--maps-from SLUG] [database and account options]]
 * npm run stimuli -- record --set DIR --slug SLUG [--name NAME] [--description TEXT] [--maps-from SLUG] [database and account options]
 * npm run stimuli -- center-bias --images DIR --out DIR
 *
 * build: masked stimuli for every photo of DIR/photos.json at every reveal level, with masks,
 *        noise backgrounds and manifest.json. The inputs are checked first (validate.ts, as the
 *        dashboard does): refusals stop the build in one line each and nothing is written; warnings
 *        (non-square photos and how they are cropped, constant maps, unusual level counts) are
 *        printed before building. --record then records the set in the database as the signed-in
 *        researcher (record.ts), as the dashboard's set builder does.
 * record: records a set folder built before.
 * center-bias: one center-bias map per photo (a named placeholder source, never human data).
 */
import cliProgress from 'cli-progress';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listStimulusSets, type PlatformClient } from '../data/index.js';
import { buildStimulusSet, RefusedError, writeCenterBiasMaps } from './build-set.js';
import { STIMULUS_DEFAULTS } from './config.js';
import { checkMapSource } from './importance-map.js';
import { checkManifest } from './manifest.js';
import type { MapSourceChoice } from './map-source.js';
import { parseObserver } from './observer.js';
import { recordSetFolder } from './record.js';
import { isTaskId, TASKS } from './task.js';
import { checkSlug, type Finding } from './validate.js';
import { fail, commandOrUsage } from '../lib/command-line.js';
import { RESEARCHER_OPTIONS, RESEARCHER_USAGE, researcherClient } from '../lib/researcher-cli.js';

const RECORD_OPTIONS = `[--slug SLUG] [--description TEXT] [--maps-from SLUG (the set the clickme or model maps come from)]
      ${RESEARCHER_USAGE.replace('\n', '\n      ')}`;
const USAGE = `usage:
  npm run stimuli -- build --images DIR [--maps DIR] --out DIR [--levels ${STIMULUS_DEFAULTS.levels}] [--seed ${STIMULUS_DEFAULTS.seed}] [--size ${STIMULUS_DEFAULTS.photoSize}] [--name NAME]
      [--map-source uploaded|center-bias|clickme|model:<id>] [--task ${Object.keys(TASKS).join('|')}] [--quiet]
      [--record ${RECORD_OPTIONS}]
  npm run stimuli -- record --set DIR --slug SLUG [--name NAME] ${RECORD_OPTIONS}
  npm run stimuli -- center-bias --images DIR --out DIR
Photos that are not square are centre-cropped to a square, then resized to --size; --maps may be left out with --map-source center-bias.`;

// "--seed -1" reads as the value -1 (parseArgs would take it for an option), so the rules below refuse it in a sentence
const args = process.argv.slice(2).flatMap((arg, i, all) => (/^-\d/.test(all[i + 1] ?? '') && /^--[a-z-]+$/.test(arg) ? [] : /^-\d/.test(arg) && /^--[a-z-]+$/.test(all[i - 1] ?? '') ? [`${all[i - 1]}=${arg}`] : [arg]));
let parsed;
try {
	parsed = parseArgs({
		args,
		allowPositionals: true,
		options: {
			images: { type: 'string' },
			maps: { type: 'string' },
			out: { type: 'string' },
			set: { type: 'string' },
			levels: { type: 'string' },
			seed: { type: 'string' },
			size: { type: 'string' },
			name: { type: 'string' },
			'map-source': { type: 'string' },
			task: { type: 'string' },
			record: { type: 'boolean', default: false },
			slug: { type: 'string' },
			description: { type: 'string' },
			'maps-from': { type: 'string' },
			...RESEARCHER_OPTIONS,
			quiet: { type: 'boolean', default: false },
			help: { type: 'boolean', default: false }
		}
	});
} catch (error) {
	fail(`${(error as Error).message.replace(/\s*\n\s*/g, ' ')} (npm run stimuli -- --help lists the options)`);
}
const { positionals, values } = parsed;
const command = commandOrUsage(positionals, values.help, USAGE);

function printFindings(findings: Finding[]) {
	if (values.quiet) return;
	for (const f of findings.filter((f) => f.level === 'warn')) console.error(`warning: ${f.message}`);
	const notes = findings.filter((f) => f.level === 'note');
	for (const f of notes.slice(0, 5)) console.error(`note: ${f.message}`);
	if (notes.length > 5) console.error(`note: ... and ${notes.length - 5} more like these`);
}

function progressBar(label: string) {
	const bar = new cliProgress.SingleBar({ format: `${label} {bar} {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
	let started = false;
	return (done: number, total: number) => {
		if (values.quiet || total <= 3) return;
		if (!started) {
			bar.start(total, 0);
			started = true;
		}
		bar.update(done);
		if (done === total) bar.stop();
	};
}

/** The map source as recorded: the manifest's, with the set its clickme or model maps come from. */
async function mapSourceChoice(client: PlatformClient, manifestSource: string): Promise<MapSourceChoice> {
	if (manifestSource === 'uploaded' || manifestSource === 'center-bias') return { kind: manifestSource };
	const from = values['maps-from'];
	if (!from) fail(`--map-source ${manifestSource} needs --maps-from SLUG when recording: the set whose maps these are`);
	const source = (await listStimulusSets(client)).find((s) => s.slug === from);
	if (!source) fail(`--maps-from: no stimulus set "${from}" that you may use`);
	if (manifestSource === 'clickme') return { kind: 'clickme', setId: source.id, setSlug: source.slug };
	return { kind: 'model', setId: source.id, setSlug: source.slug, modelId: parseObserver(manifestSource, 'model').id };
}

async function record(client: PlatformClient, dir: string, slug: string, manifestSource: string) {
	const counts = await recordSetFolder(client, dir, {
		slug,
		name: values.name ?? slug,
		description: values.description,
		mapSource: await mapSourceChoice(client, manifestSource),
		onProgress: progressBar('uploading files')
	});
	console.log(`recorded set "${slug}" in the database: ${counts.images} images, ${counts.stimuli} stimuli, ${counts.files} files; it is served at /stimuli/${slug}/ and listed for studies, ClickMe and model runs`);
}

try {
	if (command === 'build') {
		if (!values.images || !values.out) fail(`build needs --images and --out\n${USAGE}`);
		const mapSource = checkMapSource(values['map-source'] ?? 'uploaded');
		if (!values.maps && mapSource !== 'center-bias') fail(`build needs --maps DIR (only --map-source center-bias makes its own maps)\n${USAGE}`);
		const task = values.task === undefined ? undefined : isTaskId(values.task) ? values.task : fail(`--task must be one of ${Object.keys(TASKS).join(', ')} (got "${values.task}")`);
		// recording: the slug is checked and the researcher signed in before the build starts
		const slug = values.slug ?? values.name ?? path.basename(path.resolve(values.out));
		let client: PlatformClient | null = null;
		if (values.record) {
			const wrong = checkSlug(slug);
			if (wrong.length) fail(`${wrong[0]!.message} Pass --slug.`);
			client = (await researcherClient(values)).client;
			if (mapSource !== 'uploaded' && mapSource !== 'center-bias' && !values['maps-from']) fail(`--map-source ${mapSource} needs --maps-from SLUG when recording: the set whose maps these are`);
		}
		const manifest = await buildStimulusSet({
			imagesDir: values.images,
			mapsDir: values.maps,
			outDir: values.out,
			levels: values.levels,
			seed: values.seed,
			size: values.size,
			// a recorded set's stimulus ids derive from its slug, so they are unique in the database
			name: values.record ? slug : values.name,
			mapSource,
			task,
			onFindings: printFindings,
			onProgress: progressBar('building images')
		});
		console.log(`built ${manifest.stimuli.length} stimuli (${manifest.images.length} images x ${manifest.levels.length} levels) in ${values.out}`);
		if (client) await record(client, values.out, slug, manifest.map_source);
	} else if (command === 'record') {
		if (!values.set || !values.slug) fail(`record needs --set and --slug\n${USAGE}`);
		const wrong = checkSlug(values.slug);
		if (wrong.length) fail(wrong[0]!.message);
		const { client } = await researcherClient(values);
		const manifest = checkManifest(JSON.parse(await readFile(path.join(values.set, 'manifest.json'), 'utf8').catch(() => fail(`${values.set} is not a built set: it has no manifest.json`))));
		await record(client, values.set, values.slug, manifest.map_source);
	} else if (command === 'center-bias') {
		if (!values.images || !values.out) fail(`center-bias needs --images and --out\n${USAGE}`);
		const count = await writeCenterBiasMaps(values.images, values.out);
		console.log(`wrote ${count} center-bias maps to ${values.out}`);
	} else {
		fail(`unknown command "${command}"\n${USAGE}`);
	}
} catch (error) {
	if (error instanceof RefusedError) {
		for (const f of error.findings) console.error(`error: ${f.message}`);
		process.exit(1);
	}
	fail((error as Error).message);
}
