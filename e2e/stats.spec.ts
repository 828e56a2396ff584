/**
 * Statistics on the results page (issue #17 items 2, 6, 10): two simulated participants complete
 * a short study, a model's decisions computed elsewhere are imported; the researcher sees each
 * score with its 95 % bootstrap interval in the alignment table, error bars on the pareto plot,
 * balanced accuracy and d' per level, and a warning that the exclusion checks rest on few fully
 * revealed trials.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { createShortStudy, LOCAL_RESEARCHER } from './platform.js';

const SLUG = 'e2e-stats';
const MODEL = 'stats-outside';
const manifest = JSON.parse(readFileSync('.local/stimuli/demo/manifest.json', 'utf8')) as {
	images: { image_id: string }[];
	stimuli: { image_id: string; category: string; reveal: number }[];
};

test('each score with its 95 % interval in the table and as error bars on the pareto plot', async ({ page }) => {
	test.setTimeout(240_000);
	await createShortStudy(SLUG, { practice_trials: 1, blocks: 1, timing: { feedback_ms: 300 } });
	for (let i = 0; i < 2; i++) {
		await page.goto(`/study/${SLUG}?simulate=data-only`);
		await page.getByTestId('start').click();
		await expect(page.getByTestId('trials-saved')).toContainText('answers saved', { timeout: 90_000 });
		await page.evaluate(() => localStorage.clear()); // the next session is a new participant
	}

	// a model run elsewhere: right on every other image, at every level, with a published top-1
	await mkdir('test-results/stats', { recursive: true });
	const right = new Set(manifest.images.filter((_, i) => i % 2 === 0).map((image) => image.image_id));
	const other = (category: string) => (category === 'animal' ? 'non_animal' : 'animal');
	const rows = manifest.stimuli.map((s) => `${MODEL},model,${s.image_id},${s.category},${s.reveal},${right.has(s.image_id) ? s.category : other(s.category)},`);
	await writeFile('test-results/stats/decisions.csv', ['observer,kind,image_id,category,reveal,response,rt_ms', ...rows].join('\n'));
	await promisify(execFile)('npx', ['tsx', 'src/inference/cli.ts', 'import-results', '--csv', 'test-results/stats/decisions.csv', '--model', MODEL,
		'--name', 'Stats Net', '--family', 'CNN', '--top1', '0.7', '--set', 'demo', '--env', '.local/e2e/env.json',
		'--email', LOCAL_RESEARCHER.email, '--password', LOCAL_RESEARCHER.password], { timeout: 120_000 });

	await page.goto(`/dashboard/study/${SLUG}`);
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByTestId('no-human-data').getByRole('button', { name: 'Show test data' }).click();

	// the table: "value [low, high]" for a decision score (images and people resampled)
	const row = page.getByTestId('alignment-table').locator(`tr[data-model="model:${MODEL}"]`);
	await expect(row.locator('td[data-metric="error_consistency"]')).toHaveText(/^-?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]$/);
	const [value, low, high] = (await row.locator('td[data-metric="observed_consistency"]').innerText()).match(/-?\d\.\d+/g)!.map(Number);
	expect(low).toBeLessThanOrEqual(value!);
	expect(high).toBeGreaterThanOrEqual(value!);
	await expect(page.getByTestId('alignment-table').locator('caption')).toContainText('95 % bootstrap interval [low, high] (1000 resamples, seed 1');

	// the pareto plot on a decision score: the model's point with its vertical 95 % bar, no top-1 bar
	await page.getByTestId('pareto-measure').selectOption('observed_consistency');
	const pareto = page.getByTestId(`figure-${SLUG}-pareto`);
	await expect(pareto.locator('svg')).toContainText('Stats Net (imported)');
	// (other specs' models on the demo set may be drawn too: this model's bar is the one titled with its name)
	const bars = pareto.locator('svg g[aria-description="score 95 % interval"] line', { hasText: 'Stats Net (imported)' });
	await expect(bars).toHaveCount(1);
	await expect(bars.locator('title')).toHaveText(`Stats Net (imported): 95 % interval [${low!.toFixed(3)}, ${high!.toFixed(3)}]`);
	expect(Number(await bars.getAttribute('y1'))).not.toBe(Number(await bars.getAttribute('y2'))); // a bar, not a point
	await expect(pareto.locator('svg g[aria-description="top-1 95 % interval"]')).toHaveCount(0); // published top-1: no interval
	await expect(pareto.getByTestId('pareto-intervals')).toContainText(/over 1000 resamples of the images and the people \(seed 1\), for [1-9]\d* of \d+ models/);

	// balanced accuracy and d' per level: people's with a band, the model's
	const measures = page.getByTestId('decision-measures');
	await expect(measures).toContainText("Balanced accuracy (TPR + TNR) / 2 and d' = z(H) - z(F)");
	await expect(measures.locator(`tr[data-measure="dprime"][data-model="model:${MODEL}"] td`).nth(1)).toHaveText(/^-?\d\.\d{2}$|^–$/);
	await expect(measures.locator('tr[data-measure="balanced"][data-observer="people"] td').first()).toContainText('Balanced accuracy');

	// each simulated person saw about one whole image: the exclusion check says it rests on few trials
	await expect(page.getByTestId('few-full-reveal')).toContainText('rests on fewer than 10 fully revealed trials');
	await expect(page.getByTestId('full-reveal-trials')).toContainText('2 of 2 people had fewer than 10');
});
