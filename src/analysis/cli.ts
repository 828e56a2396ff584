/**
 * npm run --silent analyze -- decision --trials FILE.csv --out FILE.json [--timeouts drop|wrong] [--bootstrap 1000] [--seed 1] [--exclusion-threshold 0.5] [--min-full-reveal-trials 10]
 * npm run --silent analyze -- features --human MAPS --model MAPS --out FILE.json [--raw | --resolution 224] [--ceiling C] [--bootstrap 1000] [--seed 1] [--source model:ID]
 *
 * MAPS is a JSON file {"<image_id>": {"width", "height", "data", "reliability"?}} or a folder of
 * grayscale PNG maps named <image_id>.png (what `npm run clickme -- maps --out` and
 * `npm run models -- run --saliency` write), with the reliability the maps were built with in the
 * folder's maps.json (map-folder.ts). Only images with both maps are compared; the others are
 * named on stdout and listed in the report, as the dashboard does (features.ts featureReport).
 * The report goes to --out; a short summary to stdout, each score with its 95 % bootstrap interval
 * (bootstrap.ts). The feature report's `intervals` resample the images compared on the random
 * stream of `--source` (the model's map source, model:<id>, as the dashboard names it), so the
 * same source, seed and resamples give the dashboard's intervals.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { commandOrUsage, fail, numberOption } from '../lib/command-line.js';
import { mapFromPng } from '../stimuli/importance-map.js';
import { CI_LEVEL, featureIntervals, type Interval } from './bootstrap.js';
import { decisionReport, DECISION_DEFAULTS, isTimeoutRule, TIMEOUT_RULES } from './decision.js';
import { FeatureInputError, featureReport, imagesLeftOut, parseFeatureMaps, type HumanFeatureMap } from './features.js';
import { MAP_FOLDER_METADATA, parseMapFolderMetadata, type MapReliability } from './map-folder.js';
import { DECISION_METRICS, FEATURE_METRICS, formatMetric, PAIRWISE_METRICS } from './metrics.js';
import { parseTrialsCsv, TrialInputError } from './trials.js';

const USAGE = `usage:
  npm run --silent analyze -- decision --trials FILE.csv --out FILE.json [--timeouts ${DECISION_DEFAULTS.timeouts}] [--bootstrap ${DECISION_DEFAULTS.bootstrap}] [--seed ${DECISION_DEFAULTS.seed}] [--exclusion-threshold ${DECISION_DEFAULTS.exclusionThreshold}] [--min-full-reveal-trials ${DECISION_DEFAULTS.minFullRevealTrials}]
    --timeouts: a trial with no answer is ${Object.entries(TIMEOUT_RULES).map(([rule, what]) => `${rule}: ${what}`).join('; ')}
  npm run --silent analyze -- features --human MAPS --model MAPS --out FILE.json [--raw | --resolution 224] [--ceiling C] [--bootstrap ${DECISION_DEFAULTS.bootstrap}] [--seed ${DECISION_DEFAULTS.seed}] [--source model:ID]
    --source: the model's map source, the random stream of its intervals (default model:<the --model file or folder's name>)
    MAPS: a JSON file {"<image_id>": {"width": W, "height": H, "data": [...]}} or a folder of <image_id>.png maps`;

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		trials: { type: 'string' },
		out: { type: 'string' },
		bootstrap: { type: 'string' },
		seed: { type: 'string' },
		timeouts: { type: 'string' },
		'exclusion-threshold': { type: 'string' },
		'min-full-reveal-trials': { type: 'string' },
		source: { type: 'string' },
		human: { type: 'string' },
		model: { type: 'string' },
		raw: { type: 'boolean', default: false },
		ceiling: { type: 'string' },
		resolution: { type: 'string' },
		help: { type: 'boolean', default: false }
	}
});

async function readText(file: string, what: string): Promise<string> {
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		fail(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
}

/** Maps from a JSON file or a folder of <image_id>.png (with their reliability from the folder's maps.json, when it has one). */
async function readMaps(where: string, what: string): Promise<Record<string, HumanFeatureMap>> {
	const info = await stat(where).catch(() => fail(`the ${what} maps ${where} do not exist`));
	if (!info.isDirectory()) return parseFeatureMaps(await readText(where, `${what} maps`), `the ${what} maps ${where}`);
	const metadataFile = path.join(where, MAP_FOLDER_METADATA);
	const metadata: Record<string, MapReliability> = await stat(metadataFile).then(
		async () => parseMapFolderMetadata(await readText(metadataFile, `${what} maps' metadata`), `the ${what} maps' metadata ${metadataFile}`),
		() => ({})
	);
	const maps: Record<string, HumanFeatureMap> = {};
	for (const name of (await readdir(where)).filter((n) => n.toLowerCase().endsWith('.png')).sort()) {
		try {
			const id = name.slice(0, -4);
			maps[id] = { ...mapFromPng(new Uint8Array(await readFile(path.join(where, name)))), ...metadata[id] };
		} catch (error) {
			throw new FeatureInputError(`the ${what} maps ${where}, image ${name.slice(0, -4)}: ${(error as Error).message}`);
		}
	}
	if (Object.keys(maps).length === 0) fail(`the ${what} map folder ${where} has no .png maps`);
	return maps;
}

async function writeReport(out: string, report: unknown) {
	await mkdir(path.dirname(path.resolve(out)), { recursive: true });
	await writeFile(out, JSON.stringify(report, null, 2) + '\n');
}

/** Every metric of a list with its interval, as "Label value [low, high], ..." (the registry's order, labels and digits). */
const metricLine = <M extends { id: string; label: string; digits: number }>(metrics: readonly M[], values: Readonly<Record<M['id'], number | null>>, intervals: Readonly<Partial<Record<M['id'], Interval>>>) =>
	metrics
		.map((m) => {
			const ci = intervals[m.id as M['id']];
			const bounds = ci && ci.ci_low !== null && ci.ci_high !== null ? ` [${formatMetric(m, ci.ci_low)}, ${formatMetric(m, ci.ci_high)}]` : '';
			return `${m.label} ${formatMetric(m, values[m.id as M['id']], 'n/a')}${bounds}`;
		})
		.join(', ');

const bootstrapOption = () => numberOption('bootstrap', values.bootstrap, (x) => Number.isInteger(x) && x >= 0, 'a whole number >= 0');
// a whole-number seed is recorded as a number, as the dashboard records its default
const seedOption = () => (values.seed === undefined ? DECISION_DEFAULTS.seed : /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed);

const command = commandOrUsage(positionals, values.help, USAGE);
try {
	if (command === 'decision') {
		if (!values.trials || !values.out) fail(`decision needs --trials and --out\n${USAGE}`);
		const bootstrap = bootstrapOption();
		const minFullRevealTrials = numberOption('min-full-reveal-trials', values['min-full-reveal-trials'], (x) => Number.isInteger(x) && x >= 0, 'a whole number >= 0');
		const exclusionThreshold = numberOption('exclusion-threshold', values['exclusion-threshold'], (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
		const timeouts = values.timeouts ?? DECISION_DEFAULTS.timeouts;
		if (!isTimeoutRule(timeouts)) fail(`--timeouts must be ${Object.keys(TIMEOUT_RULES).join(' or ')}, got "${timeouts}"`);
		const seed = seedOption();
		const trials = parseTrialsCsv(await readText(values.trials, 'trials'));
		const report = decisionReport(trials, { bootstrap, exclusionThreshold, seed, timeouts, minFullRevealTrials });
		await writeReport(values.out, report);
		const { included, excluded } = report.humans;
		console.log(`${trials.length} trials, ${report.levels.length} reveal levels: ${included.length} people included, ${excluded.length} excluded; ${Object.keys(report.models).length} models`);
		console.log(`  ${report.no_answer_trials} trials with no answer: ${TIMEOUT_RULES[report.options.timeouts]} (--timeouts ${report.options.timeouts})`);
		for (const e of excluded) console.log(`  excluded ${e.id}: ${e.reason}`);
		if (report.humans.few_full_reveal.length) console.log(`  warning: the exclusion check of ${report.humans.few_full_reveal.length} people rested on fewer than ${report.options.min_full_reveal_trials} fully revealed trials (${report.humans.few_full_reveal.join(', ')})`);
		console.log(`  [low, high]: ${CI_LEVEL * 100} % percentile bootstrap interval, ${report.options.bootstrap} resamples of images and people, seed ${report.options.seed}`);
		for (const [id, m] of Object.entries(report.models)) console.log(`  ${id}: ${metricLine(DECISION_METRICS, m, m.ci)}`);
		console.log(`  people against people (${report.human_baseline.pairs} pairs): ${metricLine(PAIRWISE_METRICS, report.human_baseline, report.human_baseline.ci)}`);
		console.log(`wrote ${values.out}`);
	} else if (command === 'features') {
		if (!values.human || !values.model || !values.out) fail(`features needs --human, --model and --out\n${USAGE}`);
		const ceiling = numberOption('ceiling', values.ceiling, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
		const resolution = numberOption('resolution', values.resolution, (x) => Number.isInteger(x) && x >= 8 && x <= 2048, 'a whole number of px from 8 to 2048');
		if (values.raw && resolution !== undefined) fail('--raw compares the maps as given; it takes no --resolution');
		const resamples = bootstrapOption() ?? DECISION_DEFAULTS.bootstrap, seed = seedOption();
		const source = values.source ?? `model:${path.basename(path.resolve(values.model), '.json')}`;
		const compared = featureReport(await readMaps(values.human, 'human'), await readMaps(values.model, 'model'), { raw: values.raw, ceiling, resolution });
		const intervals = featureIntervals(compared.images, compared.ceiling, { resamples, seed, source });
		const report = { ...compared, intervals, interval_options: { level: CI_LEVEL, method: 'percentile', resampled: 'the images compared', resamples, seed, source } };
		await writeReport(values.out, report);
		console.log(`${report.images_compared} images compared${report.constant_maps.length ? `, ${report.constant_maps.length} left out (a constant map: ${report.constant_maps.join(', ')})` : ''}`);
		const leftOut = imagesLeftOut(report);
		if (leftOut) console.log(`  ${leftOut}`);
		console.log(`  ${metricLine(FEATURE_METRICS, report, intervals)}`);
		console.log(`  [low, high]: ${CI_LEVEL * 100} % percentile bootstrap interval, ${resamples} resamples of the images compared, seed ${seed}, stream ${source}`);
		console.log(`  maps compared as ${report.comparison.id}; human ceiling ${report.ceiling} (${report.ceiling_source}); the Harmonization paper's ceiling ${report.paper_ceiling}`);
		console.log(`wrote ${values.out}`);
	} else {
		fail(`unknown command "${command}"\n${USAGE}`);
	}
} catch (error) {
	if (error instanceof TrialInputError || error instanceof FeatureInputError) fail(error.message);
	throw error;
}
