/**
 * npm run clickme -- maps --set SLUG [options]
 *
 * Builds the `clickme` importance maps of a set from the strokes stored in the database, with
 * their split-half reliability and the human ceiling (aggregate.ts), marks excluded rounds with
 * their reasons, stores the maps (source "clickme") and writes them as PNG files that
 * `npm run stimuli -- build --maps DIR --map-source clickme` takes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { clickmeSet } from '../data/index.js';
import { RESEARCHER_OPTIONS, RESEARCHER_USAGE, researcherClient } from '../lib/researcher-cli.js';
import { commandOrUsage, fail, numberOption, NUMBER_RULES } from '../lib/command-line.js';
import { DEFAULT_COMPARISON } from '../analysis/features.js';
import { HARMONIZATION_CEILING } from '../analysis/metrics.js';
import { MAP_FOLDER_METADATA } from '../analysis/map-folder.js';
import { mapToPng } from '../stimuli/importance-map.js';
import { loadStimulusSet } from '../stimuli/load.js';
import { DEFAULT_AGGREGATION, type AggregationOptions } from './aggregate.js';
import { BuildMapsError, buildClickmeMaps } from './build-maps.js';

const USAGE = `Usage:
  npm run clickme -- maps --set SLUG [--out DIR] [--json FILE] [--no-store]
      [--min-players ${DEFAULT_AGGREGATION.minPlayers}] [--splits ${DEFAULT_AGGREGATION.splits}] [--seed ${DEFAULT_AGGREGATION.seed}]
      [--min-strokes ${DEFAULT_AGGREGATION.minStrokes}] [--exclude-touch] [--leave-one-out-sd ${DEFAULT_AGGREGATION.leaveOneOutSd}]
      [--blur-size ${DEFAULT_AGGREGATION.blurSize}] [--resolution ${DEFAULT_COMPARISON.resolution}] [--mode game|annotation] [--include-test]
      ${RESEARCHER_USAGE}`;

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		set: { type: 'string' },
		out: { type: 'string' },
		json: { type: 'string' },
		'no-store': { type: 'boolean' },
		'min-players': { type: 'string' },
		splits: { type: 'string' },
		seed: { type: 'string' },
		'min-strokes': { type: 'string' },
		'exclude-touch': { type: 'boolean' },
		'leave-one-out-sd': { type: 'string' },
		'blur-size': { type: 'string' },
		resolution: { type: 'string' },
		mode: { type: 'string', default: 'game' },
		'include-test': { type: 'boolean' },
		...RESEARCHER_OPTIONS,
		help: { type: 'boolean' }
	}
});

const command = commandOrUsage(positionals, values.help, USAGE);
if (command !== 'maps') fail(`unknown command "${command}" (valid: maps)\n${USAGE}`);
if (!values.set) fail(`maps needs --set\n${USAGE}`);
if (values.mode !== 'game' && values.mode !== 'annotation') fail(`--mode must be game or annotation (got "${values.mode}")`);

const number = (name: 'min-players' | 'splits' | 'seed' | 'min-strokes' | 'leave-one-out-sd' | 'blur-size' | 'resolution', fallback: number, check: (n: number) => boolean, rule: string) =>
	numberOption(name, values[name], check, rule) ?? fallback;
const options: AggregationOptions = {
	minPlayers: number('min-players', DEFAULT_AGGREGATION.minPlayers, ...NUMBER_RULES.positiveInteger),
	splits: number('splits', DEFAULT_AGGREGATION.splits, ...NUMBER_RULES.positiveInteger),
	seed: number('seed', DEFAULT_AGGREGATION.seed, Number.isInteger, 'an integer'),
	minStrokes: number('min-strokes', DEFAULT_AGGREGATION.minStrokes, ...NUMBER_RULES.nonNegativeInteger),
	excludeTouch: values['exclude-touch'] ?? DEFAULT_AGGREGATION.excludeTouch,
	leaveOneOutSd: number('leave-one-out-sd', DEFAULT_AGGREGATION.leaveOneOutSd, (n) => n > 0, 'a positive number'),
	blurSize: number('blur-size', DEFAULT_AGGREGATION.blurSize, ...NUMBER_RULES.positiveInteger),
	comparison: { preprocessing: 'harmonization', resolution: number('resolution', DEFAULT_COMPARISON.resolution, (n) => Number.isInteger(n) && n >= 8 && n <= 2048, 'a whole number of px from 8 to 2048') }
};

const { client, appUrl } = await researcherClient(values);

const set = await clickmeSet(client, values.set).catch((error: Error) => fail(error.message));
// the set's files are served by the app; base_url may be relative to it
const manifest = (await loadStimulusSet(new URL(set.base_url, appUrl ?? values.url ?? 'http://127.0.0.1:5173').href).catch((error: Error) => fail(error.message))).manifest;
const sizes = new Map(manifest.images.map((i) => [i.image_id, { width: i.width, height: i.height }]));

const bar = new cliProgress.SingleBar({ format: 'maps and reliability [{bar}] {value}/{total} images', hideCursor: true }, cliProgress.Presets.shades_classic);
bar.start(1, 0);
const built = await buildClickmeMaps(client, set.id, sizes, {
	aggregation: options,
	mode: values.mode,
	includeTest: !!values['include-test'],
	store: !values['no-store'],
	onProgress: (done, total) => {
		bar.setTotal(total);
		bar.update(done);
	}
}).catch((error: Error) => {
	bar.stop();
	return fail(error instanceof BuildMapsError ? error.message : `could not build the maps: ${error.message}`);
});
bar.stop();
const { result, params } = built;
console.log(`${built.rounds} ${values.mode} rounds of set ${set.slug} (${built.players} players)`);
if (values.out) {
	mkdirSync(values.out, { recursive: true });
	for (const m of result.maps) writeFileSync(path.join(values.out, `${m.image_id}.png`), mapToPng(m.map));
}
const summary = {
	set: set.slug,
	ceiling: result.ceiling,
	paper_ceiling: HARMONIZATION_CEILING,
	maps: result.maps.map((m) => ({ image_id: m.image_id, players: m.n_players, reliability: m.reliability })),
	skipped: result.skipped,
	exclusions: result.exclusions,
	players: result.players,
	options: params
};
if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
// the folder keeps the reliability its maps were built with, for `npm run analyze -- features` (src/analysis/map-folder.ts)
if (values.out) writeFileSync(path.join(values.out, MAP_FOLDER_METADATA), JSON.stringify(summary, null, 2));

console.log(`\n${'image'.padEnd(24)} ${'players'.padStart(7)} ${'split-half rho'.padStart(15)}`);
for (const m of summary.maps) console.log(`${m.image_id.padEnd(24)} ${String(m.players).padStart(7)} ${(m.reliability === null ? '-' : m.reliability.toFixed(3)).padStart(15)}`);
console.log(`\nmaps: ${result.maps.length}; images below ${options.minPlayers} players: ${result.skipped.length}; rounds excluded: ${result.exclusions.length}; players flagged: ${result.players.filter((p) => p.flagged).length}`);
console.log(`human ceiling (mean split-half Spearman over mapped images, ${options.splits} splits, maps compared as ${params.reliability_comparison}): ${result.ceiling === null ? 'none yet' : result.ceiling.toFixed(4)}; the Harmonization paper's: ${HARMONIZATION_CEILING}`);
if (!values['no-store']) console.log(`stored ${result.maps.length} maps as source "clickme" and the exclusion reasons`);
if (values.out) console.log(`wrote ${result.maps.length} PNG maps to ${values.out} (npm run stimuli -- build --maps ${values.out} --map-source clickme ...)`);
process.exit(0);
