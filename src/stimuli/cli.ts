/**
 * npm run stimuli -- build --images DIR --maps DIR --out DIR [--levels 10] [--seed 1] [--name NAME] [--map-source SOURCE] [--task ID]
 * npm run stimuli -- center-bias --images DIR --out DIR
 *
 * build: masked stimuli for every photo of DIR/photos.json at every reveal level, with masks,
 *        noise backgrounds and manifest.json. Bad input stops the build with the file and the
 *        problem named, and nothing is written.
 * center-bias: one center-bias map per photo (a named placeholder source, never human data).
 */
import cliProgress from 'cli-progress';
import { parseArgs } from 'node:util';
import { buildStimulusSet, writeCenterBiasMaps } from './build-set.js';
import { STIMULUS_DEFAULTS } from './config.js';
import { isTaskId, TASKS } from './task.js';
import { fail, commandOrUsage, numberOption, NUMBER_RULES } from '../lib/command-line.js';

const USAGE = `usage:
  npm run stimuli -- build --images DIR --maps DIR --out DIR [--levels ${STIMULUS_DEFAULTS.levels}] [--seed ${STIMULUS_DEFAULTS.seed}] [--name NAME] [--map-source uploaded|center-bias|clickme|model:<id>] [--task ${Object.keys(TASKS).join('|')}]
  npm run stimuli -- center-bias --images DIR --out DIR`;

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		images: { type: 'string' },
		maps: { type: 'string' },
		out: { type: 'string' },
		levels: { type: 'string' },
		seed: { type: 'string' },
		name: { type: 'string' },
		'map-source': { type: 'string' },
		task: { type: 'string' },
		quiet: { type: 'boolean', default: false },
		help: { type: 'boolean', default: false }
	}
});

const command = commandOrUsage(positionals, values.help, USAGE);

try {
	if (command === 'build') {
		if (!values.images || !values.maps || !values.out) fail(`build needs --images, --maps and --out\n${USAGE}`);
		const bar = new cliProgress.SingleBar(
			{ format: 'building {bar} {value}/{total} images | {image}', stream: process.stderr, hideCursor: true },
			cliProgress.Presets.shades_classic
		);
		let started = false;
		const manifest = await buildStimulusSet({
			imagesDir: values.images,
			mapsDir: values.maps,
			outDir: values.out,
			levels: numberOption('levels', values.levels, ...NUMBER_RULES.nonNegativeInteger) ?? STIMULUS_DEFAULTS.levels,
			seed: numberOption('seed', values.seed, ...NUMBER_RULES.nonNegativeInteger) ?? STIMULUS_DEFAULTS.seed,
			name: values.name,
			mapSource: values['map-source'],
			task: values.task === undefined ? undefined : isTaskId(values.task) ? values.task : fail(`--task must be one of ${Object.keys(TASKS).join(', ')} (got "${values.task}")`),
			onProgress: (done, total, image) => {
				if (values.quiet || total <= 3) return;
				if (!started) {
					bar.start(total, 0, { image });
					started = true;
				}
				bar.update(done, { image });
				if (done === total) bar.stop();
			}
		});
		console.log(`built ${manifest.stimuli.length} stimuli (${manifest.images.length} images x ${manifest.levels.length} levels) in ${values.out}`);
	} else if (command === 'center-bias') {
		if (!values.images || !values.out) fail(`center-bias needs --images and --out\n${USAGE}`);
		const count = await writeCenterBiasMaps(values.images, values.out);
		console.log(`wrote ${count} center-bias maps to ${values.out}`);
	} else {
		fail(`unknown command "${command}"\n${USAGE}`);
	}
} catch (error) {
	fail((error as Error).message);
}
