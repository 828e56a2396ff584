/**
 * npm run bench:timing -- [--trials 200] [--url http://localhost:5173]
 *
 * Runs the display-timing benchmark (/bench/timing) in headless Chromium and prints the
 * distribution of measured stimulus durations against the 400 ms target: the frame-accurate
 * plugin next to jsPsych's setTimeout-based stimulus_duration, in the same run. Starts the
 * platform on a scratch database unless --url points at a running one.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '200' }, url: { type: 'string' } } });
const trials = Number(values.trials);
let url = values.url;
let server: ReturnType<typeof spawn> | null = null;
if (!url) {
	server = spawn('npx', ['tsx', 'scripts/start.ts', '--port', '4181', '--api-port', '54381', '--data', '.local/bench', '--host', 'localhost'], { stdio: ['ignore', 'pipe', 'inherit'] });
	await new Promise<void>((resolve, reject) => {
		server!.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Listening on') && resolve());
		server!.on('exit', (code) => reject(new Error(`the platform did not start (exit ${code})`)));
	});
	url = 'http://localhost:4181';
}
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run']
});
try {
	const page = await browser.newPage();
	console.log(`running ${trials} + ${trials} trials in headless Chromium (about ${Math.round((trials * 1.5) / 60)} min)...`);
	await page.goto(`${url}/bench/timing?trials=${trials}&autostart=1`);
	await page.waitForFunction(() => 'timingBenchmark' in window, null, { timeout: trials * 5000 + 60_000, polling: 1000 });
	const result = await page.evaluate(() => (window as unknown as { timingBenchmark: import('../src/experiments/timing-benchmark.js').TimingBenchmarkResult }).timingBenchmark);
	const row = (label: string, s: typeof result.plugin_observed) =>
		`${label.padEnd(40)} ${String(s.n).padStart(4)} ${[s.mean, s.sd, s.min, s.p05, s.median, s.p95, s.max].map((v) => v.toFixed(1).padStart(7)).join('')}   ${Object.entries(s.frames).map(([f, n]) => `${f}f:${n}`).join(' ')}`;
	console.log(`\nstimulus duration, target ${result.target_ms} ms, refresh ${result.refresh_ms.toFixed(2)} ms (headless Chromium, ${new Date().toISOString().slice(0, 10)})`);
	console.log(`${''.padEnd(40)}    n    mean     sd    min     5%  median    95%    max   frames:trials`);
	console.log(row('frame-accurate plugin (observed)', result.plugin_observed));
	console.log(row('frame-accurate plugin (self-reported)', result.plugin_self_reported));
	console.log(row('jsPsych stimulus_duration (observed)', result.jspsych_observed));
} finally {
	await browser.close();
	server?.kill('SIGTERM');
}
