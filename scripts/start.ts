/**
 * npm start -- [--port 5173] [--api-port 54321] [--data .local/standin] [--stimuli .local/stimuli]
 *              [--database-url URL] [--dev] [--host 127.0.0.1]
 *              [--max-queue N] [--request-timeout-ms MS] [--pool-size N]
 *              [--signups-per-minute N] [--sign-ins-per-minute N] [--rate-limit-loopback]
 *
 * Starts the whole platform on the embedded default: the local Supabase stand-in on PGlite
 * (persisted in --data, migrated and seeded on first start), the demo stimulus set (built into
 * --stimuli from the committed photos when missing or stale, and recorded in the database), then
 * the SvelteKit app configured to reach both. --database-url uses a PostgreSQL server instead of PGlite; --dev runs Vite's dev
 * server instead of the production build. Writes <data>/env.json with the URL and anon key so
 * that scripts and tests can reach the same API.
 *
 * It owns its processes (src/standin/processes.ts): both ports are checked before anything starts;
 * the app runs as an owned child that exits when this process dies, even by kill -9; this process
 * stops (and stops the app) when the process that launched it dies; and on any exit it stops the app.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { importImportanceMaps, importStimulusSet } from '../src/data/index.js';
import { readFile } from 'node:fs/promises';
import { createNodeClient } from '../src/data/node.js';
import { defaultModelDir } from '../src/inference/model-dir.js';
import { startLocalStandin } from '../src/standin/index.js';
import { LIMIT_OPTIONS, limitsFromOptions } from '../src/standin/limit-options.js';
import { exitWhenOrphaned, portInUse, spawnOwned } from '../src/standin/processes.js';
import { ensureDemoSet, newestMtime } from './demo-set.js';
import { fail, numberOption, NUMBER_RULES } from '../src/lib/command-line.js';

const launcher = process.ppid; // the process that started this one (tsx, npm): when it dies, stop
const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '5173' },
		'api-port': { type: 'string', default: '54321' },
		host: { type: 'string', default: '127.0.0.1' },
		data: { type: 'string', default: '.local/standin' },
		stimuli: { type: 'string', default: '.local/stimuli' },
		models: { type: 'string', default: defaultModelDir() },
		'database-url': { type: 'string' },
		dev: { type: 'boolean', default: false },
		'log-requests': { type: 'boolean', default: false },
		...LIMIT_OPTIONS,
		help: { type: 'boolean', default: false }
	}
});

if (values.help) {
	console.log(`usage: npm start -- [--port 5173] [--api-port 54321] [--data DIR] [--stimuli DIR] [--models DIR] [--database-url URL] [--dev] [--host 127.0.0.1]
                 [--max-queue N] [--request-timeout-ms MS] [--pool-size N]   (the database API's admission limits)
                 [--signups-per-minute N] [--sign-ins-per-minute N] [--rate-limit-loopback]   (its per-IP auth limits: see src/standin/README.md)`);
	process.exit(0);
}

const appPort = numberOption('port', values.port, ...NUMBER_RULES.port)!;
const apiPort = numberOption('api-port', values['api-port'], ...NUMBER_RULES.port)!;
const standinLimits = limitsFromOptions(values, values['database-url']);

// Before starting anything: a taken port is named in one sentence, instead of a crash half-way.
for (const [port, option] of [[appPort, '--port'], [apiPort, '--api-port']] as const) {
	if (await portInUse(port, values.host)) fail(`port ${port} is already in use (another npm start?): stop it or pass ${option}`);
}

function buildIfStale() {
	const stamp = 'build/index.js';
	const sources = ['src', 'static', 'package-lock.json', 'svelte.config.js', 'vite.config.ts'];
	if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestMtime(sources)) return;
	console.log('Building the app (vite build)...');
	// NODE_ENV=production always: a start from a test runner (Vitest sets NODE_ENV=test) would
	// otherwise make a development build, with Svelte's and SvelteKit's dev checks in every page
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
	if (result.status !== 0) {
		console.error('The build failed: see the messages above.');
		process.exit(result.status ?? 1);
	}
}

console.log(`Starting the database API (${values['database-url'] ? 'PostgreSQL' : `embedded PGlite in ${values.data}`})...`);
const standin = await startLocalStandin({
	dataDir: values.data,
	databaseUrl: values['database-url'],
	port: apiPort,
	host: values.host,
	...standinLimits,
	log: values['log-requests'] ? (line) => console.log(`[api] ${line}`) : undefined
});
if (standin.migrations.applied.length) console.log(`Applied migrations: ${standin.migrations.applied.join(', ')}`);
if (standin.migrations.seeded) console.log('Seeded the demo study and researcher account.');

 // The demo stimulus set: built once from the committed photos, then recorded in the database.
const bar = new cliProgress.SingleBar({ format: 'building the demo stimulus set {bar} {value}/{total} images', stream: process.stdout }, cliProgress.Presets.shades_classic);
let barStarted = false;
const demo = await ensureDemoSet(values.stimuli, (done, total) => {
	if (!barStarted) {
		console.log('Building the demo stimulus set from static/stimuli/photos (once; about a minute)...');
		bar.start(total, 0);
		barStarted = true;
	}
	bar.update(done);
	if (done === total) bar.stop();
});
const service = createNodeClient(standin.url, standin.serviceRoleKey);
const { data: demoSetRow, error: demoSetError } = await service.from('stimulus_sets').select('id, manifest_sha256').eq('slug', 'demo').single();
if (demoSetError) throw new Error(`the demo stimulus set is missing from the database: ${demoSetError.message}`);
if (demoSetRow.manifest_sha256 !== demo.sha256) {
	const counts = await importStimulusSet(service, demoSetRow.id, demo.manifest, demo.sha256);
	const maps = await Promise.all(demo.manifest.images.map(async (image) => ({
		image_id: image.image_id,
		width: image.width,
		height: image.height,
		png: new Uint8Array(await readFile(path.join(demo.dir, image.map_file))),
		params: { kind: 'gaussian', note: 'center-bias placeholder, not human data' }
	})));
	await importImportanceMaps(service, demoSetRow.id, demo.manifest.map_source, maps);
	console.log(`Recorded the demo set in the database: ${counts.images} images, ${counts.stimuli} stimuli, ${maps.length} ${demo.manifest.map_source} maps.`);
}

const appUrl = `http://${values.host === '0.0.0.0' ? 'localhost' : values.host}:${appPort}`;
await writeFile(
	path.join(values.data, 'env.json'),
	JSON.stringify({ PUBLIC_SUPABASE_URL: standin.url, PUBLIC_SUPABASE_ANON_KEY: standin.anonKey, APP_URL: appUrl }, null, 2)
);
const env = {
	...process.env,
	PUBLIC_SUPABASE_URL: standin.url,
	PUBLIC_SUPABASE_ANON_KEY: standin.anonKey,
	PORT: String(appPort),
	HOST: values.host,
	ORIGIN: appUrl,
	STIMULUS_SETS_DIR: path.resolve(values.stimuli),
	// the real models: local copies of the registry's weights (pages fall back to upstream URLs)
	...(existsSync(values.models) ? { MODEL_DIR: path.resolve(values.models) } : {})
};
if (!existsSync(values.models)) console.log(`No model folder at ${values.models}: model pages will load weights from their upstream URLs.`);

let app: ChildProcess;
if (values.dev) {
	const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
	app = spawnOwned(vite, ['dev', '--port', String(appPort), '--strictPort', '--host', values.host], { env });
} else {
	buildIfStale();
	app = spawnOwned('build/index.js', [], { env });
}

console.log(`
The platform is running at ${appUrl}
  participants: ${appUrl}/study/demo
  ClickMe:      ${appUrl}/clickme
  dashboard:    ${appUrl}/dashboard   (local researcher account: researcher@example.org / local-demo-password)
  database API: ${standin.url} (${standin.database.kind})
Press Ctrl+C to stop.`);

let stopping = false;
async function stop(code = 0) {
	if (stopping) return;
	stopping = true;
	if (app.exitCode === null && app.signalCode === null) {
		const exited = new Promise((resolve) => app.once('exit', resolve));
		app.kill('SIGTERM');
		const force = setTimeout(() => app.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(force);
	}
	await standin.close();
	process.exit(code);
}
app.on('exit', (code) => {
	if (!stopping) {
		console.error(`The app server stopped (exit code ${code}).`);
		void stop(code ?? 1);
	}
});
// Whatever ends this process, the app does not outlive it (kill -9 is the app's watchdog's part).
process.on('exit', () => {
	if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
});
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGHUP', () => void stop());
exitWhenOrphaned(() => {
	console.error('The process that started npm start has gone: stopping.');
	void stop(1);
}, { parent: launcher });
