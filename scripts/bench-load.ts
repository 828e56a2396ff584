/**
 * npm run bench:load -- --participants N --pace MS [--engine pglite|postgres] [--duration S]
 *                       [--trials T] [--kill-at S] [--restart-db-at S] [--drop-responses P]
 *                       [--clickme] [--ramp S] [--drain S] [--limit S] [--stimuli DIR] [--json FILE]
 *
 * The load-and-fault run of src/standin/load (README.md there): simulated participants through
 * the app's own client code against a fresh stand-in in a child process, on 127.0.0.1 only, with
 * the faults asked for; then every item is checked against the database and the figures are
 * printed. Exit code 1 when anything was lost or falsely rejected (or the stand-in stopped by
 * itself, or the check could not run); 2 for bad options.
 */
import cliProgress from 'cli-progress';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fail, numberOption, NUMBER_RULES } from '../src/lib/command-line.js';
import { cleanupNow } from '../src/standin/load/processes.js';
import { formatReport } from '../src/standin/load/report.js';
import { checkLoadOptions, LOAD_DEFAULTS, runLoad, type LoadOptions } from '../src/standin/load/run.js';

const USAGE = `usage: npm run bench:load -- --participants N --pace MS [--engine pglite|postgres] [--duration S] [--trials T]
                           [--kill-at S] [--restart-db-at S] [--drop-responses P] [--clickme]
                           [--ramp S] [--drain S] [--limit S] [--stimuli DIR] [--json FILE]
  --participants N      simulated participants (default ${LOAD_DEFAULTS.participants})
  --pace MS             one trial per participant every MS ms (default ${LOAD_DEFAULTS.paceMs}, the study's real pace)
  --engine E            pglite (the embedded default, fresh data folder) or postgres (a throwaway PostgreSQL 15 cluster)
  --duration S          seconds of sending trials (default ${LOAD_DEFAULTS.durationS}); then participants finish
  --trials T            at most T trials per participant (default: the whole trial list)
  --kill-at S           kill -9 the stand-in at S s and restart it on the same data 1 s later
  --restart-db-at S     pg_ctl restart -m immediate at S s (postgres)
  --drop-responses P    a proxy drops this fraction of responses after the stand-in answered (0 to <1)
  --clickme             ClickMe players sending strokes (one every --pace ms) instead of study participants
  --ramp S              arrivals spread over S s (default min(10, duration / 4))
  --drain S             seconds after --duration for participants to finish (default ${LOAD_DEFAULTS.drainS})
  --limit S             hard wall-clock limit of the whole run (default duration + drain + 300)
  --stimuli DIR         where the demo set is built once (default ${LOAD_DEFAULTS.stimuliDir}, as npm start)
  --json FILE           also write the whole report as JSON to FILE`;

let values: ReturnType<typeof parse>['values'];
function parse() {
	return parseArgs({
		options: {
			participants: { type: 'string' },
			pace: { type: 'string' },
			engine: { type: 'string', default: LOAD_DEFAULTS.engine },
			duration: { type: 'string' },
			trials: { type: 'string' },
			'kill-at': { type: 'string' },
			'restart-db-at': { type: 'string' },
			'drop-responses': { type: 'string' },
			clickme: { type: 'boolean', default: false },
			ramp: { type: 'string' },
			drain: { type: 'string' },
			limit: { type: 'string' },
			stimuli: { type: 'string', default: LOAD_DEFAULTS.stimuliDir },
			json: { type: 'string' },
			help: { type: 'boolean', default: false }
		}
	});
}
try {
	values = parse().values;
} catch (error) {
	console.error(`${(error as Error).message}\n${USAGE}`);
	process.exit(2);
}
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}

const positive: [(x: number) => boolean, string] = [(x) => Number.isFinite(x) && x > 0, 'a positive number'];
const nonNegative: [(x: number) => boolean, string] = [(x) => Number.isFinite(x) && x >= 0, 'a non-negative number'];
if (values.engine !== 'pglite' && values.engine !== 'postgres') fail(`--engine must be pglite or postgres (got "${values.engine}")`);
const options: LoadOptions = {
	...LOAD_DEFAULTS,
	participants: numberOption('participants', values.participants, ...NUMBER_RULES.positiveInteger) ?? LOAD_DEFAULTS.participants,
	paceMs: numberOption('pace', values.pace, ...positive) ?? LOAD_DEFAULTS.paceMs,
	engine: values.engine,
	durationS: numberOption('duration', values.duration, ...positive) ?? LOAD_DEFAULTS.durationS,
	itemsPerParticipant: numberOption('trials', values.trials, ...NUMBER_RULES.positiveInteger) ?? null,
	killAtS: numberOption('kill-at', values['kill-at'], ...nonNegative) ?? null,
	restartDbAtS: numberOption('restart-db-at', values['restart-db-at'], ...nonNegative) ?? null,
	dropResponses: numberOption('drop-responses', values['drop-responses'], (x) => x >= 0 && x < 1, 'a fraction from 0 to below 1') ?? 0,
	clickme: values.clickme,
	rampS: numberOption('ramp', values.ramp, ...nonNegative) ?? null,
	drainS: numberOption('drain', values.drain, ...nonNegative) ?? LOAD_DEFAULTS.drainS,
	limitS: numberOption('limit', values.limit, ...positive) ?? null,
	stimuliDir: values.stimuli
};
try {
	checkLoadOptions(options);
} catch (error) {
	fail((error as Error).message);
}

// Every child process and cluster goes away on Ctrl+C, on errors and at the hard limit.
process.on('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		console.error(`\n${signal}: stopping the stand-in and removing the run's data`);
		cleanupNow();
		process.exit(130);
	});
}
const limitS = options.limitS ?? options.durationS + options.drainS + 300;
setTimeout(() => {
	console.error(`\nthe hard limit of ${limitS} s (+30 s) has passed: stopping everything`);
	cleanupNow();
	process.exit(1);
}, (limitS + 30) * 1000).unref();

const bar = new cliProgress.SingleBar(
	{ format: 'load {bar} {value}/{total} s | active {active} | trials {enqueued} sent, {confirmed} confirmed | failed calls {failedCalls}', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 },
	cliProgress.Presets.shades_classic
);
let started = false;
console.error('setting up: demo set, fresh stand-in' + (options.engine === 'postgres' ? ', throwaway PostgreSQL cluster' : '') + '...');
try {
	const report = await runLoad(options, (progress) => {
		if (!started) bar.start(progress.totalS, 0, progress);
		started = true;
		bar.update(Math.min(progress.elapsedS, progress.totalS), progress);
	});
	if (started) bar.stop();
	console.log(formatReport(report));
	if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
	process.exit(report.problems.length ? 1 : 0);
} catch (error) {
	if (started) bar.stop();
	console.error(`error: ${(error as Error).message}`);
	process.exit(1);
}
