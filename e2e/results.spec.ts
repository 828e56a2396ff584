/**
 * The analyst's results end to end: simulated participants complete sessions of a study on the
 * demo set through the experiment page, a real model (mobilenet-v1-0.25 on WASM) runs over the
 * same stimuli from the models page, two ClickMe players' strokes become people's maps; then the
 * researcher opens the study's results, sees people and the model in the plots (marked as test
 * data), watches a new session arrive live, and downloads a figure, the trials CSV and the
 * results - which `npm run analyze` reproduces from the CSV.
 *
 * One serial group, one test per step, so a failure names its step (later steps then skip). The
 * steps share one browser page: the researcher stays signed in and the results page stays open.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test, type Locator, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { parseTrialsCsv } from '../src/analysis/trials.js';
import { centerBiasMap, mapToPng } from '../src/stimuli/importance-map.js';
import { sampleStimuli } from '../src/stimuli/sample.js';
import { ensureParticipantSignedIn, joinClickme, nextClickmeImages, recordClickme, type ClickmeItem } from '../src/data/index.js';
import { apiClient, createShortStudy, LOCAL_RESEARCHER } from './platform.js';

const SLUG = 'e2e-results';

/**
 * The CLI (Node's V8) and the dashboard (Chromium's V8) agree: the same structure, every number
 * equal to 1e-12 relative. Their Math.log can differ in the last bit, which reaches d' through the
 * normal quantile (signal-detection.ts); everything else comes out identical.
 */
function expectSameNumbers(actual: unknown, expected: unknown, where: string): void {
	if (typeof actual === 'number' && typeof expected === 'number') {
		expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
	} else if (Array.isArray(expected) || (expected !== null && typeof expected === 'object')) {
		expect(actual !== null && typeof actual === 'object', where).toBe(true);
		expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected as object).sort());
		for (const key of Object.keys(expected as object)) expectSameNumbers((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${where}.${key}`);
	} else {
		expect(actual, where).toEqual(expected);
	}
}
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync('.local/stimuli/demo/manifest.json', 'utf8')) as {
	levels: number[];
	stimuli: { image_id: string; level_index: number; category: string; reveal: number }[];
};

async function simulatedSession(page: Page) {
	await page.goto(`/study/${SLUG}?simulate=data-only`);
	await page.getByTestId('start').click();
	await expect(page.getByTestId('trials-saved')).toContainText('answers saved', { timeout: 90_000 });
	await page.evaluate(() => localStorage.clear()); // the next session is a new participant
}

async function signIn(page: Page, path: string) {
	await page.goto(path);
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

async function runModel(page: Page, options: { levels: 'all' | 'full'; limit: number; saliency: boolean }) {
	const form = page.getByTestId('run-form');
	for (const box of await form.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck();
	await form.getByLabel('MobileNet v1 0.25 (224)').check();
	await form.getByLabel('Levels').selectOption(options.levels);
	await form.getByLabel('Backend').selectOption('wasm');
	await form.getByLabel('At most this many stimuli').fill(String(options.limit));
	if (options.saliency) await form.getByLabel('Saliency maps').check();
	await page.getByRole('button', { name: 'Run' }).click();
	await expect(page.locator('[data-testid="run-summary"][data-model="mobilenet-v1-0.25"]').last()).toHaveAttribute('data-outcome', 'done', { timeout: 240_000 });
}

/** A ClickMe player (through the real API) paints a box on each image: people's maps need strokes. */
async function clickmePlayer(setId: string, nickname: string, images: string[], box: [number, number, number, number]) {
	const client = apiClient();
	await ensureParticipantSignedIn(client);
	await joinClickme(client, nickname);
	// a player paints only images the server served (clickme_next_images records them): ask for the whole set
	const served = await nextClickmeImages(client, setId, 100, 2);
	for (const image of images) expect(served, image).toContain(image);
	const game = randomUUID();
	const items: ClickmeItem[] = [];
	for (const image of images) {
		const round = randomUUID();
		items.push({ kind: 'round', id: round, set_id: setId, image_id: image, mode: 'game', game_id: game, model_id: 'mobilenet-v1-0.25', brush_radius: 11, time_limit_ms: 20_000, device: 'mouse', is_test: true });
		const [x0, y0, x1, y1] = box;
		items.push({ kind: 'stroke', id: randomUUID(), round_id: round, stroke_index: 0, radius: 11, points: [[x0, y0, 0], [x1, y0, 100], [x1, y1, 200], [x0, y1, 300]] });
		items.push({ kind: 'end', id: randomUUID(), round_id: round, outcome: 'skipped', score: 0, revealed_fraction: 0.1 });
	}
	const outcomes = await recordClickme(client, items);
	expect(outcomes.map((o) => `${o.status} ${o.reason ?? ''}`.trim())).toEqual(items.map(() => 'stored'));
}

test.describe.serial('results', () => {
	let page: Page;
	let study: Awaited<ReturnType<typeof createShortStudy>>;
	/** The fully revealed level, and the two images with people's and the model's maps. */
	const full = manifest.levels.length - 1;
	let mapped: string[] = [];
	let curves: Locator;
	/** The model's row in the alignment table: one cell per metric (data-metric = the metric's id), its value then its interval (e2e/stats.spec.ts). */
	let modelRow: Locator;
	const cell = (metric: string) => modelRow.locator(`td[data-metric="${metric}"] .value`);
	/** The downloaded results JSON (what the analyze command must reproduce). */
	let results: {
		include_test_data: boolean;
		options: Record<string, unknown>;
		decision: { levels: number[]; human_curve: unknown; models: Record<string, unknown>; human_baseline: unknown; options: unknown };
		features: Record<string, { images_compared: number; constant_maps: string[]; images: Record<string, { spearman: number }> }>;
	};

	test.beforeAll(async ({ browser }) => {
		page = await browser.newPage();
	});
	test.afterAll(async () => {
		await page?.close();
	});

	test('simulated participants complete sessions on the experiment page', async () => {
		test.setTimeout(240_000);
		// every image once (simulated people are right 80 % of the time, so ~9 fully revealed trials
		// make it very unlikely that the full-reveal check excludes everyone)
		study = await createShortStudy(SLUG, { practice_trials: 1, blocks: 1, timing: { feedback_ms: 300 } });
		// two participants through the experiment page (simulated: stored as test data)
		for (let i = 0; i < 2; i++) await simulatedSession(page);
	});

	test('a model runs over the stimuli from the models page', async () => {
		test.setTimeout(540_000);
		// the model over the stimuli of the first images at every level, then saliency for two images
		await signIn(page, '/models');
		await expect(page.getByTestId('run-form')).toBeVisible();
		await runModel(page, { levels: 'all', limit: 300, saliency: false });
		await runModel(page, { levels: 'full', limit: 2, saliency: true });
		// the page's "at most 2" sample of the fully revealed stimuli (balanced, seeded: src/stimuli/sample.ts)
		mapped = sampleStimuli(manifest.stimuli.filter((s) => s.level_index === full), 2).map((s) => s.image_id);
	});

	test("people's ClickMe maps: the maps command and the dashboard build the same", async () => {
		test.setTimeout(360_000);
		// two ClickMe players paint those images; the maps command turns the strokes into people's maps
		await clickmePlayer(study.stimulus_set_id, `results-a-${Date.now() % 100000}`, mapped, [60, 60, 180, 160]);
		await clickmePlayer(study.stimulus_set_id, `results-b-${Date.now() % 100000}`, mapped, [80, 70, 200, 190]);
		await run('npx', ['tsx', 'src/clickgame/cli.ts', 'maps', '--set', 'demo', '--min-players', '2', '--include-test', '--env', '.local/e2e/env.json',
			'--out', 'test-results/results-clickme-maps', '--email', LOCAL_RESEARCHER.email, '--password', LOCAL_RESEARCHER.password], { timeout: 120_000 });

		// the dashboard's button builds the same maps from the same strokes
		await page.goto('/dashboard');
		const panel = page.getByTestId('clickme-panel-demo');
		// issue 15 (item 5): a minimum below 1 or above the number of players is refused with a sentence
		await panel.getByLabel('Minimum players per image').fill('0');
		await panel.getByTestId('build-maps').click();
		await expect(panel.getByRole('alert')).toContainText('the minimum number of players per image must be a whole number of at least 1 (got 0)');
		await panel.getByLabel('use test rounds').check();
		await panel.getByLabel('Minimum players per image').fill('9999');
		await panel.getByTestId('build-maps').click();
		await expect(panel.getByRole('alert')).toContainText(/the minimum number of players per image \(9999\) is more than the \d+ players who painted this set/);
		await panel.getByLabel('use test rounds').uncheck();
		await panel.getByLabel('Minimum players per image').fill('2');
		await panel.getByLabel('use test rounds').check();
		await panel.getByTestId('build-maps').click();
		const cliSummary = await run('npx', ['tsx', 'src/clickgame/cli.ts', 'maps', '--set', 'demo', '--min-players', '2', '--include-test', '--env', '.local/e2e/env.json', '--no-store',
			'--json', 'test-results/results-clickme.json', '--email', LOCAL_RESEARCHER.email, '--password', LOCAL_RESEARCHER.password], { timeout: 120_000 });
		expect(cliSummary.stderr).not.toContain('error');
		const summary = JSON.parse(readFileSync('test-results/results-clickme.json', 'utf8'));
		await expect(panel.getByTestId('maps-built')).toContainText(`${summary.maps.length} maps stored from`, { timeout: 60_000 });
		await expect(panel.getByTestId('maps-ceiling')).toHaveText(summary.ceiling.toFixed(3));
		await expect(panel.getByTestId('maps-built')).toContainText("the Harmonization paper's: 0.65753");
	});

	test('the researcher sees people and the model in the plots, marked as test data', async () => {
		test.setTimeout(180_000);
		// the study's results: only test data so far, so nothing is presented as human results
		await page.locator('tr', { hasText: `(${SLUG})` }).getByTestId('results-link').click();
		await expect(page.getByTestId('overview-sessions')).toHaveText('0');
		await expect(page.getByTestId('no-human-data')).toContainText('made by automated tests');
		await page.getByTestId('no-human-data').getByRole('button', { name: 'Show test data' }).click();
		await expect(page.getByTestId('test-banner')).toBeVisible();
		await expect(page.getByTestId('overview-sessions')).toHaveText('2');

		curves = page.getByTestId(`figure-${SLUG}-decision-curves`);
		await expect(curves.locator('svg')).toContainText('Test sessions (not people)');
		await expect(curves.locator('svg')).toContainText('MobileNet v1 0.25 (224) (test run)');
		// the reveal axis in percent at 1-2-5 steps, not SI prefixes (issue 17, item 1)
		await expect(curves.locator('svg')).toContainText('Image revealed');
		for (const tick of ['1 %', '10 %', '100 %']) await expect(curves.locator('svg').locator('text', { hasText: new RegExp(`^${tick}$`) }).first()).toBeVisible();
		await expect(curves.locator('svg')).not.toContainText('10m');
		modelRow = page.getByTestId('alignment-table').locator('tr[data-model="test:model:mobilenet-v1-0.25"]');
		await expect(modelRow).toBeVisible();
		await expect(modelRow.getByTestId('decision-rule')).toHaveText('decision rule: top-1'); // stored with the run, the paper's rule
		await expect(cell('error_consistency')).toHaveText(/^-?\d\.\d{3}$/);
		await expect(cell('alignment')).toHaveText(/^-?\d\.\d{3}$/, { timeout: 60_000 }); // feature alignment
		// how each number is computed, from the metric registry; which measure the pareto plot uses
		await expect(page.getByTestId('how-computed')).toContainText('kappa = (c_obs - c_exp) / (1 - c_exp), and kappa = 1 when c_obs = 1');
		await expect(page.getByTestId('how-computed')).toContainText('bethgelab/model-vs-human');
		await expect(page.getByTestId('pareto-uses')).toContainText('This plot uses Feature alignment');
		await expect(page.getByTestId('timeouts')).toHaveValue('drop');
		await page.getByTestId('maps').getByLabel('Image').selectOption(mapped[1]!);
		// people's map and the model's saliency (other specs' models may add theirs on the shared demo set)
		await expect(page.getByTestId('maps').locator(`canvas[aria-label="people's ClickMe map of ${mapped[1]}"]`)).toHaveCount(1);
		await expect(page.getByTestId('maps').locator(`canvas[aria-label="MobileNet v1 0.25 (224) saliency of ${mapped[1]}"]`)).toHaveCount(1);
		await expect(page.getByTestId('maps').getByRole('img', { name: `stimulus ${mapped[1]}` })).toBeVisible();
		await expect(page.getByTestId(`figure-${SLUG}-pareto`).locator('svg')).toContainText('MobileNet');
		await expect(page.getByTestId('participant-checks').locator('svg')).toHaveCount(2);
	});

	test('live: a third participant finishes in another browser and the overview follows', async ({ browser }) => {
		test.setTimeout(180_000);
		const elsewhere = await browser.newContext(); // another participant's own browser
		await simulatedSession(await elsewhere.newPage());
		await elsewhere.close();
		await expect(page.getByTestId('overview-sessions')).toHaveText('3', { timeout: 30_000 });
		await expect(page.getByTestId('overview-completed')).toHaveText('3');
	});

	test('downloads: a figure as SVG and PNG, the trials CSV, the results JSON', async () => {
		test.setTimeout(120_000);
		const save = async (click: () => Promise<void>, name: string) => {
			const [download] = await Promise.all([page.waitForEvent('download'), click()]);
			const path = `test-results/${name}`;
			await download.saveAs(path);
			return { name: download.suggestedFilename(), bytes: readFileSync(path) };
		};
		const svg = await save(() => curves.getByRole('button', { name: 'SVG', exact: true }).click(), 'curves.svg');
		expect(svg.name).toBe(`${SLUG}-decision-curves.svg`);
		expect(svg.bytes.toString('utf8')).toMatch(/^<\?xml[^>]*>\s*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		expect(svg.bytes.toString('utf8')).toContain('Test sessions (not people)');
		const png = await save(() => curves.getByRole('button', { name: 'PNG', exact: true }).click(), 'curves.png');
		expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		expect(png.bytes.length).toBeGreaterThan(5000);

		const csv = await save(() => page.getByTestId('download-trials').click(), 'results-trials.csv');
		expect(csv.name).toBe(`${SLUG}-trials-with-test-data.csv`);
		const trials = parseTrialsCsv(csv.bytes.toString('utf8'));
		const people = new Set(trials.filter((t) => t.kind === 'human').map((t) => t.observer));
		expect(people.size).toBe(3);
		expect([...people].every((o) => o.startsWith('test:human:'))).toBe(true);
		const images = manifest.stimuli.length / manifest.levels.length;
		expect(trials.filter((t) => t.kind === 'human')).toHaveLength(3 * (images - 1)); // main trials only: one image is the practice trial's
		expect(trials.filter((t) => t.observer === 'test:model:mobilenet-v1-0.25').length).toBeGreaterThanOrEqual(300);
		// issue 17 (item 5): model-vs-human's columns first, then what identifies each answer; times at 0.1 ms
		const table = Papa.parse<Record<string, string>>(csv.bytes.toString('utf8'), { header: true, skipEmptyLines: true });
		expect(table.meta.fields).toEqual(['observer', 'kind', 'image_id', 'category', 'reveal', 'response', 'rt_ms', 'session_id', 'trial_index', 'block', 'too_slow', 'duration_ms', 'platform', 'platform_id']);
		for (const row of table.data.filter((r) => r.kind === 'human')) {
			expect(row.rt_ms).toMatch(/^(\d+(\.\d)?)?$/);
			expect(row.duration_ms).toMatch(/^(\d+(\.\d)?)?$/);
			expect(row.too_slow).toBe(String(row.response === 'none'));
			expect(row.session_id).toMatch(/^[0-9a-f-]{36}$/);
		}
		// and the raw export: every stored column of every trial, practice included, JSON as JSON
		const raw = await save(() => page.getByTestId('download-raw-trials').click(), 'results-trials-raw.csv');
		expect(raw.name).toBe(`${SLUG}-trials-raw-with-test-data.csv`);
		const stored = Papa.parse<Record<string, string>>(raw.bytes.toString('utf8'), { header: true, skipEmptyLines: true });
		expect(stored.meta.fields).toEqual(expect.arrayContaining(['participant_id', 'image_id', 'reveal', 'trial_index', 'block', 'onset_ms', 'offset_ms', 'refresh_ms', 'data', 'window_blurs']));
		expect(stored.data.filter((r) => r.block === 'practice').length).toBe(3);
		expect(JSON.parse(stored.data[0]!.data!)).toHaveProperty('plugin_version');

		results = JSON.parse((await save(() => page.getByTestId('download-results').click(), 'results.json')).bytes.toString('utf8'));
		expect(results.include_test_data).toBe(true);
		// every choice the numbers were made with (the defaults: no answer dropped)
		expect(results.options).toEqual({ timeouts: 'drop', exclusion_threshold: 0.5, bootstrap: 1000, seed: 1, min_full_reveal_trials: 10 });
		expect(results.decision.options).toEqual(results.options);
		expect(results.decision_rules['mobilenet-v1-0.25']).toEqual(['top-1']); // how the model's answers were made
		// feature reports are keyed by the model's map source, model:<id> (src/stimuli/observer.ts)
		expect(results.features['model:mobilenet-v1-0.25'].images_compared + results.features['model:mobilenet-v1-0.25'].constant_maps.length).toBe(2);
	});

	test('the analyze command reproduces the dashboard from the downloaded files', async () => {
		test.setTimeout(300_000);
		// the analyze command on the downloaded CSV gives the dashboard's numbers
		const { stdout } = await run('npx', ['tsx', 'src/analysis/cli.ts', 'decision', '--trials', 'test-results/results-trials.csv', '--out', 'test-results/results-decision.json']);
		expect(stdout).toContain('wrote test-results/results-decision.json');
		const cli = JSON.parse(readFileSync('test-results/results-decision.json', 'utf8'));
		expect(cli.levels).toEqual(results.decision.levels);
		expectSameNumbers(cli.human_curve, results.decision.human_curve, 'human_curve');
		const model = cli.models['test:model:mobilenet-v1-0.25'];
		expectSameNumbers(model, results.decision.models['test:model:mobilenet-v1-0.25'], 'models');
		expect(model.error_consistency_by_level).toHaveLength(cli.levels.length);
		for (const field of ['error_consistency', 'observed_consistency', 'accuracy_difference']) expect(typeof model[field]).toBe('number');
		expectSameNumbers(cli.human_baseline, results.decision.human_baseline, 'human_baseline');
		expect(Object.keys(cli.human_baseline)).toEqual(expect.arrayContaining(['error_consistency', 'error_consistency_by_level', 'observed_consistency', 'accuracy_difference']));
		expect(cli.options).toEqual(results.options);
		await expect(cell('error_consistency')).toHaveText(model.error_consistency.toFixed(3));
		await expect(cell('observed_consistency')).toHaveText(model.observed_consistency.toFixed(3));
		await expect(cell('accuracy_difference')).toHaveText(model.accuracy_difference.toFixed(4));

		// counting trials with no answer as wrong: the dashboard's choice and --timeouts agree too
		await page.getByTestId('timeouts').selectOption('wrong');
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-results').click()]);
		await download.saveAs('test-results/results-wrong.json');
		const wrong = JSON.parse(readFileSync('test-results/results-wrong.json', 'utf8'));
		expect(wrong.options).toEqual({ ...results.options, timeouts: 'wrong' });
		await run('npx', ['tsx', 'src/analysis/cli.ts', 'decision', '--trials', 'test-results/results-trials.csv', '--out', 'test-results/results-decision-wrong.json', '--timeouts', 'wrong']);
		const cliWrong = JSON.parse(readFileSync('test-results/results-decision-wrong.json', 'utf8'));
		for (const key of ['options', 'human_curve', 'models', 'human_baseline', 'no_answer_trials']) expectSameNumbers(cliWrong[key], wrong.decision[key], key);
		await page.getByTestId('timeouts').selectOption('drop');
		await page.screenshot({ path: 'test-results/results-page.png', fullPage: true }); // for a person to look at

		// features from the platform's own files: the maps command's PNGs and the models command's saliency
		await rm('test-results/results-human', { recursive: true, force: true });
		await mkdir('test-results/results-human', { recursive: true });
		for (const image of mapped) await copyFile(`test-results/results-clickme-maps/${image}.png`, `test-results/results-human/${image}.png`);
		await run('npx', ['tsx', 'src/inference/cli.ts', 'run', '--model', 'mobilenet-v1-0.25', '--set', '.local/stimuli/demo', '--out', 'test-results/results-model.csv',
			'--saliency', 'test-results/results-saliency', '--levels', String(full), '--limit', '2'], { timeout: 180_000 });
		const features = await run('npx', ['tsx', 'src/analysis/cli.ts', 'features', '--human', 'test-results/results-human', '--model', 'test-results/results-saliency', '--out', 'test-results/results-features.json']);
		expect(features.stdout).toContain('wrote test-results/results-features.json');
		const fromFiles = JSON.parse(readFileSync('test-results/results-features.json', 'utf8'));
		expect(Object.keys(fromFiles.images).sort()).toEqual([...mapped].sort());
		expect(fromFiles.ceiling_source).toContain('Harmonization'); // PNG folders carry no reliability
		// the same maps (the Node run's saliency against the browser's) give nearly the same Spearman
		for (const image of mapped) {
			const dashboard = results.features['model:mobilenet-v1-0.25'].images[image].spearman;
			expect(Math.abs(fromFiles.images[image].spearman - dashboard)).toBeLessThan(0.02);
		}
	});

	test('results computed elsewhere join the plots, marked imported (issue 16)', async () => {
		test.setTimeout(180_000);
		// a model run elsewhere: its decisions on every demo stimulus (all right) and saliency maps
		// (centre bias) for the images people mapped, through the import command
		await rm('test-results/outside', { recursive: true, force: true });
		await mkdir('test-results/outside/maps', { recursive: true });
		const rows = manifest.stimuli.map((s) => `results-outside,model,${s.image_id},${s.category},${s.reveal},${s.category},`);
		await writeFile('test-results/outside/decisions.csv', ['observer,kind,image_id,category,reveal,response,rt_ms', ...rows].join('\n'));
		for (const image of mapped) await writeFile(`test-results/outside/maps/${image}.png`, mapToPng(centerBiasMap(256, 256)));
		const imported = await run('npx', ['tsx', 'src/inference/cli.ts', 'import-results', '--csv', 'test-results/outside/decisions.csv', '--model', 'results-outside',
			'--name', 'Outside ResNet', '--family', 'CNN', '--top1', '0.8', '--set', 'demo', '--maps', 'test-results/outside/maps', '--env', '.local/e2e/env.json',
			'--email', LOCAL_RESEARCHER.email, '--password', LOCAL_RESEARCHER.password], { timeout: 120_000 });
		expect(imported.stdout).toContain(`stored ${manifest.stimuli.length} answers and ${mapped.length} saliency maps of Outside ResNet (imported)`);

		await page.reload();
		// people's maps here come from test rounds: show test data, as the steps above did
		await page.getByTestId('include-test').check();
		await expect(page.getByTestId(`figure-${SLUG}-pareto`).locator('svg')).toContainText('Outside ResNet (imported)', { timeout: 60_000 });
		await expect(page.getByTestId('alignment-table').locator('tr[data-model="model:results-outside"]')).toBeVisible();
	});
});
