/**
 * npm run bench:timing -- [--trials 200] [--url http://localhost:5173]
 *
 * Runs the display-timing benchmark (/bench/timing) in headless Chromium and prints the
 * distribution of measured stimulus durations against the 400 ms target: the frame-accurate
 * plugin next to jsPsych's setTimeout-based stimulus_duration, in the same run. Starts the
 * platform on a scratch database unless --url points at a running one.
 */
import { parseArgs } from 'node:util';
import { openBenchBrowser } from './bench-browser.js';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '200' }, url: { type: 'string' } } });
const trials = Number(values.trials);
const { url, browser, close } = await openBenchBrowser(values.url);
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
	await close();
}
