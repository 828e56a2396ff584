/**
 * ClickMe end to end: players paint with mouse drags while the real network (mobilenet-v1-0.25
 * from ../shared/models, on WASM) guesses; the strokes reach the database through the queue;
 * the maps command builds the clickme maps and the ceiling from the stored strokes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { aggregateClickme, DEFAULT_AGGREGATION } from '../src/clickgame/aggregate.js';
import { clickmeRounds, importanceMapsOf } from '../src/data/index.js';
import { LOCAL_RESEARCHER, researcherClient } from './platform.js';

const ROUNDS = 3;

/** Two drags across the middle of the photo. */
async function paint(page: Page) {
	const canvas = page.getByTestId('paint-canvas');
	const box = (await canvas.boundingBox())!;
	for (const [from, to] of [[[0.3, 0.4], [0.7, 0.45]], [[0.45, 0.3], [0.5, 0.7]]] as const) {
		await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
		await page.mouse.down();
		await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 12 });
		await page.mouse.up();
	}
}

async function playGame(page: Page, nickname: string) {
	await page.goto(`/clickme?backend=wasm&rounds=${ROUNDS}`);
	await page.getByLabel('Nickname').fill(nickname);
	await page.getByRole('button', { name: 'Play' }).click();
	for (let round = 0; round < ROUNDS; round++) {
		await expect(page.getByTestId('paint-canvas')).toBeVisible();
		await expect(page.getByText('Paint to show it something.')).toBeVisible();
		await paint(page);
		// the network answers what it was shown (or recognizes the object and ends the round)
		await expect(page.getByTestId('guesses').or(page.getByTestId('round-result'))).toBeVisible();
		if (await page.getByTestId('skip').isVisible()) await page.getByTestId('skip').click();
		await expect(page.getByTestId('round-result')).toBeVisible();
		await page.getByTestId('next-round').click();
	}
	await expect(page.getByTestId('leaderboard')).toContainText(nickname);
}

test('players paint rounds with a network in the loop; maps and the ceiling come from the stored strokes', async ({ browser }) => {
	test.setTimeout(240_000);
	for (const nickname of ['Painter One', 'Painter Two']) {
		const context = await browser.newContext();
		const page = await context.newPage();
		await playGame(page, nickname);
		await expect(page.getByTestId('saving')).toHaveText('all saved');
		await context.close();
	}

	const client = await researcherClient();
	const { data: set } = await client.from('stimulus_sets').select('id').eq('slug', 'demo').single();
	const rounds = await clickmeRounds(client, set!.id, 'game');
	expect(rounds).toHaveLength(2 * ROUNDS);
	for (const round of rounds) {
		expect(round.device).toBe('mouse');
		expect(round.is_test).toBe(true);
		expect(['recognized', 'skipped']).toContain(round.outcome);
		expect(round.strokes.length).toBeGreaterThanOrEqual(1);
		for (const stroke of round.strokes) expect(stroke.points.every(([x, y, t]) => x >= 0 && x <= 256 && y >= 0 && y <= 256 && t >= 0)).toBe(true);
	}
	// both players were given the same images: the ones closest to having enough players
	const images = [...new Set(rounds.map((r) => r.image_id))];
	expect(images).toHaveLength(ROUNDS);

	const run = promisify(execFile);
	const { stdout } = await run('npx', ['tsx', 'src/clickgame/cli.ts', 'maps', '--set', 'demo', '--min-players', '2', '--include-test', '--env', '.local/e2e/env.json',
		'--json', 'test-results/clickme-maps.json', '--out', 'test-results/clickme-maps', '--email', LOCAL_RESEARCHER.email, '--password', LOCAL_RESEARCHER.password], { timeout: 120_000 });
	expect(stdout).toContain(`stored ${ROUNDS} maps as source "clickme"`);
	const summary = JSON.parse(readFileSync('test-results/clickme-maps.json', 'utf8'));

	// the same aggregation over the strokes read back independently gives the same ceiling
	const sizes = new Map(images.map((id) => [id, { width: 256, height: 256 }]));
	const expected = aggregateClickme(rounds, sizes, { ...DEFAULT_AGGREGATION, minPlayers: 2 });
	expect(summary.maps.map((m: { image_id: string }) => m.image_id).sort()).toEqual([...images].sort());
	expect(summary.ceiling).toBeCloseTo(expected.ceiling!, 10);
	expect(summary.ceiling).toBeGreaterThan(0); // both painted the same cross over each photo
	const stored = await importanceMapsOf(client, set!.id, 'clickme');
	expect(stored.map((m) => m.image_id).sort()).toEqual([...images].sort());
	expect(stored.every((m) => m.n_observers === 2 && m.width === 256)).toBe(true);
});

test('a researcher annotates images of a set, stored as annotation rounds', async ({ page }) => {
	await page.goto('/clickme/annotate');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByTestId('annotate-form').getByRole('button', { name: 'Start' }).click();
	await paint(page);
	await page.getByTestId('annotation-done').click();
	await expect(page.getByText('annotated 1')).toBeVisible();
	await expect(page.getByTestId('saving')).toHaveText('all saved');
	const client = await researcherClient();
	const { data: set } = await client.from('stimulus_sets').select('id').eq('slug', 'demo').single();
	const annotations = await clickmeRounds(client, set!.id, 'annotation');
	expect(annotations).toHaveLength(1);
	expect(annotations[0]!.outcome).toBe('annotated');
	expect(annotations[0]!.strokes).toHaveLength(2);
});
