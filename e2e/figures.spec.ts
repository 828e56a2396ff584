/**
 * The results page's figures as an analyst takes them into a paper (issue 17, items 1, 3, 4):
 * a study with five people (sessions stored through the participant API, as the experiment page
 * stores them) and a dozen models (results imported through the researcher API, as
 * `npm run models -- import-results` does). The decision curves keep a readable legend (no two
 * labels overlap), a thin line per person and n per level; the alignment figure has one axis per
 * measure; exports carry title, n, options and date; the 300 dpi PNG has the print width; the
 * figure-and-data bundle holds the CSV behind the figure.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import Papa from 'papaparse';
import { completeSession, ensureParticipantSignedIn, getStudy, recordTrials, startSession, trialRecord } from '../src/data/index.js';
import { planSession } from '../src/experiments/design.js';
import { resolveStudyConfig } from '../src/experiments/study-rules.js';
import { importModelRun } from '../src/inference/import-run.js';
import { modelColour } from '../src/analysis/observer-style.js';
import { simulatedMeasurement } from '../src/standin/load/participant.js';
import { stableUuid } from '../src/stimuli/hash.js';
import { checkManifest } from '../src/stimuli/manifest.js';
import { seededRandom } from '../src/stimuli/random.js';
import { apiClient, createShortStudy, LOCAL_RESEARCHER, researcherClient } from './platform.js';

const SLUG = 'e2e-figures';
const PEOPLE = 5;
const MODELS = 12;
const manifest = checkManifest(JSON.parse(readFileSync('.local/stimuli/demo/manifest.json', 'utf8')));
const fullLevel = manifest.levels.length - 1;

/** One person's session through the participant API: right on every fully revealed image (so nobody is excluded), the plugin's simulation elsewhere. Returns their main trials. */
async function person(index: number): Promise<number> {
	const client = apiClient();
	await ensureParticipantSignedIn(client);
	const study = await getStudy(client, SLUG);
	const assignment = await startSession(client, { sessionId: randomUUID(), studySlug: SLUG, platform: 'local', clientInfo: { user_agent: 'e2e figures' }, isTest: true });
	const config = resolveStudyConfig(study.config);
	const plan = planSession(manifest, config, assignment.latin_row, assignment.order_seed);
	const keys = { animal: assignment.key_animal, non_animal: assignment.key_non_animal };
	const random = seededRandom('e2e-figures', index);
	const records = await Promise.all(
		plan.map(async (planned) => {
			const measured = simulatedMeasurement(planned, keys, config, random);
			const response = planned.level_index === fullLevel ? planned.category : measured.response;
			return trialRecord({ id: await stableUuid(assignment.session_id, planned.trial_index), trial_index: planned.trial_index }, { ...measured, response, response_key: response === null ? null : response === 'animal' ? keys.animal : keys.non_animal, rt_ms: response === null ? null : (measured.rt_ms ?? 400) });
		})
	);
	const outcomes = await recordTrials(client, assignment.session_id, records);
	expect(outcomes.filter((o) => o.status !== 'stored')).toEqual([]);
	await completeSession(client, assignment.session_id);
	return plan.filter((p) => p.block === 'main').length;
}

/**
 * A model's answers, computed "elsewhere", on every level of the first MODEL_IMAGES images (few, as
 * the stand-in's decision_trials view is slow on many rows): right with a probability rising with the reveal.
 */
const MODEL_IMAGES = 20;
function modelCsv(k: number): string {
	const random = seededRandom('e2e-figures-model', k);
	const images = new Set(manifest.images.map((i) => i.image_id).sort().slice(0, MODEL_IMAGES));
	const rows = manifest.stimuli.filter((s) => images.has(s.image_id)).map((s) => {
		const right = random() < 0.5 + 0.5 * s.reveal ** (0.15 + 0.05 * k);
		const response = right ? s.category : s.category === 'animal' ? 'non_animal' : 'animal';
		return `figures-model-${k},model,${s.image_id},${s.category},${s.reveal},${response},`;
	});
	return ['observer,kind,image_id,category,reveal,response,rt_ms', ...rows].join('\n');
}

/** Saves a download started by `click`: its suggested name and bytes. */
async function save(page: Page, click: () => Promise<void>, file: string) {
	const [download] = await Promise.all([page.waitForEvent('download'), click()]);
	const path = `test-results/${file}`;
	await download.saveAs(path);
	return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

/** A PNG's pixel size from its IHDR chunk. */
const pngSize = (bytes: Buffer) => ({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) });

test.describe.serial('figures', () => {
	let page: Page;
	/** The five people's main trials, all together. */
	let mainTrials = 0;
	let curves: Locator;

	test.beforeAll(async ({ browser }) => {
		page = await browser.newPage();
	});
	test.afterAll(async () => {
		await page?.close();
	});

	test('a study with five people and a dozen models', async () => {
		test.setTimeout(120_000);
		const study = await createShortStudy(SLUG, { practice_trials: 1, blocks: 1 });
		for (let i = 0; i < PEOPLE; i++) mainTrials += await person(i);
		const researcher = await researcherClient();
		for (let k = 0; k < MODELS; k++) {
			await importModelRun(researcher, {
				model: { id: `figures-model-${k}`, name: `Figure test network number ${k} (a long name)`, family: 'CNN', imagenetTop1: 0.6 + 0.02 * k },
				setId: study.stimulus_set_id,
				csv: modelCsv(k),
				file: `figures-model-${k}.csv`,
				isTest: true
			});
		}
	});

	test('the decision curves: a readable legend, a thin line per person, n per level', async () => {
		test.setTimeout(90_000);
		await page.goto(`/dashboard/study/${SLUG}`);
		await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
		await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByTestId('include-test').check();
		await expect(page.getByTestId('overview-sessions')).toHaveText(String(PEOPLE), { timeout: 30_000 });
		curves = page.getByTestId(`figure-${SLUG}-decision-curves`);
		const svg = curves.locator('svg');
		await expect(svg.locator('[data-legend-entry]')).toHaveCount(3 + MODELS); // mean, band, each person, the models

		// no two legend labels overlap (their boxes as the browser lays them out)
		const boxes = [];
		for (const label of await svg.locator('[data-legend-entry] text').all()) boxes.push((await label.boundingBox())!);
		expect(boxes).toHaveLength(3 + MODELS);
		for (let a = 0; a < boxes.length; a++)
			for (let b = a + 1; b < boxes.length; b++) {
				const [p, q] = [boxes[a]!, boxes[b]!];
				const apart = p.x + p.width <= q.x + 0.5 || q.x + q.width <= p.x + 0.5 || p.y + p.height <= q.y + 0.5 || q.y + q.height <= p.y + 0.5;
				expect(apart, `legend labels ${a} and ${b} overlap`).toBe(true);
			}
		// and they stay inside the figure
		const figure = (await svg.boundingBox())!;
		for (const box of boxes) expect(box.x + box.width).toBeLessThanOrEqual(figure.x + figure.width + 0.5);

		// every model in its own colour, the one observer-style.ts gives it
		for (let k = 0; k < MODELS; k++) {
			const entry = svg.locator(`[data-legend-entry^="Figure test network number ${k} "]`);
			await expect(entry.locator('line')).toHaveAttribute('stroke', modelColour(`figures-model-${k}`));
		}

		// a thin line per included person, under their mean with its band
		await expect(svg.locator('g.person-curve path')).toHaveCount(PEOPLE);
		await expect(svg.locator('g.people-mean path')).toHaveCount(1);
		await expect(svg.locator('g.people-band path')).toHaveCount(1);
		await expect(svg.locator('g.model-curve path')).toHaveCount(MODELS);

		// n under each level: people / trials, adding up to the five's main trials (less those with no answer)
		const counts = (await svg.locator('g.level-n text').allTextContents()).map((t) => t.match(/^(\d+) \/ (\d+)$/)!.slice(1).map(Number));
		expect(counts).toHaveLength(manifest.levels.length);
		expect(counts.reduce((sum, [, trials]) => sum + trials!, 0)).toBeLessThanOrEqual(mainTrials); // trials with no answer are dropped
		expect(counts.reduce((sum, [, trials]) => sum + trials!, 0)).toBeGreaterThan(0.8 * mainTrials);
		for (const [people] of counts) expect(people).toBeLessThanOrEqual(PEOPLE);
		await expect(curves.getByTestId('level-n')).toContainText('100 %: 5 people');
	});

	test('the alignment figure: one axis per measure', async () => {
		const figure = page.getByTestId(`figure-${SLUG}-alignment`);
		const panels = figure.locator('svg g[data-measure]');
		await expect(panels).toHaveCount(2); // error consistency and curve correlation (no maps here)
		expect(await panels.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-measure')))).toEqual(['error_consistency', 'curve_correlation']);
		for (const panel of await panels.all()) {
			await expect(panel.locator('g[aria-label="x-axis label"]')).toHaveCount(1);
			await expect(panel.locator('g[aria-label="x-axis tick"]')).toHaveCount(1);
			await expect(panel.locator('g[aria-label="dot"] path')).toHaveCount(MODELS);
		}
		await expect(panels.nth(0).locator('g[aria-label="x-axis label"]')).toContainText("Cohen's kappa");
		await expect(panels.nth(1).locator('g[aria-label="x-axis label"]')).toContainText('Pearson r');
		await expect(panels.nth(0)).toContainText('chance');
		await expect(figure.locator('svg')).not.toContainText('Score');
	});

	test('exports: title, n, options and date in the SVG; the 300 dpi PNG; the bundle with its CSV', async () => {
		test.setTimeout(90_000);
		const svg = (await save(page, () => curves.getByRole('button', { name: 'SVG', exact: true }).click(), 'figures-curves.svg')).bytes.toString('utf8');
		expect(svg).toMatch(/<text[^>]*data-frame="title"[^>]*>Accuracy by proportion revealed<\/text>/);
		// the footer's lines (wrapped to the figure's width), read as one text
		const footer = [...svg.matchAll(/<text[^>]*data-frame="footer"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ');
		expect(footer).toContain('n: 5 included (0 excluded), 12 models');
		expect(footer).toMatch(/n: per level \(people, trials\): \d+(\.\d)? %: \d people, \d+ trials/);
		expect(footer).toContain('Options: study = e2e-figures; include test data = true; measure = accuracy; timeouts = drop; exclusion threshold = 0.5; bootstrap = 1000; seed = 1');
		expect(footer).toMatch(/Made \d{4}-\d\d-\d\d \d\d:\d\d UTC with see-like-people/);
		expect(svg).toContain('Accuracy (proportion correct)');
		expect(svg).toContain('Image revealed (% of pixels, log scale)');
		const [, width, height] = svg.match(/^<\?xml[^>]*>\s*<svg[^>]*width="(\d+)" height="(\d+)"/)!.map(Number);

		const print = await save(page, () => curves.getByRole('button', { name: 'PNG 300 dpi' }).click(), 'figures-curves-300dpi.png');
		expect(print.name).toBe(`${SLUG}-decision-curves-300dpi.png`);
		expect(pngSize(print.bytes)).toEqual({ width: Math.round((width! * 300) / 96), height: Math.round((height! * 300) / 96) });
		const screen = await save(page, () => curves.getByRole('button', { name: 'PNG', exact: true }).click(), 'figures-curves.png');
		expect(pngSize(screen.bytes)).toEqual({ width, height });

		const bundle = await save(page, () => curves.getByRole('button', { name: 'Figure + data (.zip)' }).click(), 'figures-curves.zip');
		expect(bundle.name).toBe(`${SLUG}-decision-curves.zip`);
		const files = unzipSync(bundle.bytes);
		expect(Object.keys(files).sort()).toEqual([`${SLUG}-decision-curves-300dpi.png`, `${SLUG}-decision-curves-options.json`, `${SLUG}-decision-curves.csv`, `${SLUG}-decision-curves.svg`]);
		const rows = Papa.parse<Record<string, string>>(strFromU8(files[`${SLUG}-decision-curves.csv`]!).trim(), { header: true }).data;
		expect(new Set(rows.filter((r) => r.series === 'person').map((r) => r.observer)).size).toBe(PEOPLE);
		expect(new Set(rows.filter((r) => r.series === 'model').map((r) => r.observer)).size).toBe(MODELS);
		expect(rows.filter((r) => r.series === 'people_mean')).toHaveLength(manifest.levels.length);
		expect(Object.keys(rows[0]!)).toEqual(['series', 'observer', 'label', 'reveal', 'reveal_percent', 'accuracy', 'normalized', 'trials', 'ci_low', 'ci_high', 'balanced', 'dprime']);
		const about = JSON.parse(strFromU8(files[`${SLUG}-decision-curves-options.json`]!));
		expect(about.options).toMatchObject({ study: SLUG, timeouts: 'drop', bootstrap: 1000 });

		// the alignment figure's bundle: its rows, one per model and measure
		const alignment = page.getByTestId(`figure-${SLUG}-alignment`);
		const zipped = unzipSync((await save(page, () => alignment.getByRole('button', { name: 'Figure + data (.zip)' }).click(), 'figures-alignment.zip')).bytes);
		const bars = Papa.parse<Record<string, string>>(strFromU8(zipped[`${SLUG}-alignment.csv`]!).trim(), { header: true }).data;
		expect(bars).toHaveLength(2 * MODELS);
		expect(Object.keys(bars[0]!)).toEqual(['model', 'measure', 'value', 'ci_low', 'ci_high', 'colour']);
		await page.screenshot({ path: 'test-results/figures-page.png', fullPage: true }); // for a person to look at
	});
});
