/**
 * ClickMe end to end: players paint with mouse drags while the real network (mobilenet-v1-0.25
 * from ../shared/models, on WASM) guesses; the strokes reach the database through the queue;
 * the maps command builds the clickme maps and the ceiling from the stored strokes. Players see
 * the object's name, the seconds left and live points, and begin with a practice round that is
 * not stored; on a phone the guesses stay in sight while painting. Annotators undo, clear, and
 * resume after a reload where they left off.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { aggregateClickme, DEFAULT_AGGREGATION } from '../src/clickgame/aggregate.js';
import { objectName } from '../src/clickgame/object-name.js';
import type { StimulusSetManifest } from '../src/stimuli/manifest.js';
import { clickmeRounds, importanceMapsOf } from '../src/data/index.js';
import { LOCAL_RESEARCHER, researcherClient } from './platform.js';

const ROUNDS = 3;

/** Two drags across the middle of the photo; `whilePainting` runs in the second, before the button is released. */
async function paint(page: Page, whilePainting?: () => Promise<void>) {
	const canvas = page.getByTestId('paint-canvas');
	await canvas.scrollIntoViewIfNeeded();
	const box = (await canvas.boundingBox())!;
	for (const [i, [from, to]] of ([[[0.3, 0.4], [0.7, 0.45]], [[0.45, 0.3], [0.5, 0.7]]] as const).entries()) {
		await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
		await page.mouse.down();
		await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 12 });
		if (i === 1) await whilePainting?.();
		await page.mouse.up();
	}
}

/** On a phone-sized screen: the network's guesses and the canvas are both within the screen. */
async function guessesInSight(page: Page) {
	const screen = page.viewportSize()!;
	if (screen.width > 640) return;
	await expect(page.getByTestId('guesses')).toBeVisible();
	for (const id of ['guesses', 'paint-canvas']) {
		const box = (await page.getByTestId(id).boundingBox())!;
		expect(box.y, `${id} starts on screen`).toBeGreaterThanOrEqual(0);
		expect(box.y + box.height, `${id} ends on screen`).toBeLessThanOrEqual(screen.height);
	}
}

/** The seconds left and the live points, as shown. */
async function clock(page: Page): Promise<{ seconds: number; points: number }> {
	const seconds = (await page.getByTestId('seconds-left').textContent())!;
	const points = (await page.getByTestId('live-points').textContent())!;
	expect(seconds).toMatch(/^\d+ s$/);
	expect(points).toMatch(/^\d+ points? if recognized now$/);
	return { seconds: parseInt(seconds), points: parseInt(points) };
}

/** The practice round: explained, marked, named, timed in seconds, with live points; then the game. */
async function practiceRound(page: Page) {
	await expect(page.getByTestId('practice-marker')).toHaveText('Practice round: not scored');
	await expect(page.getByTestId('practice-help')).toContainText('This round does not count');
	await expect(page.getByTestId('total-score')).toHaveCount(0);
	await expect(page.getByTestId('object-name')).not.toBeEmpty();
	const before = await clock(page);
	await expect.poll(async () => (await clock(page)).seconds, { timeout: 5_000 }).toBeLessThan(before.seconds);
	// nothing painted: the points a recognition would give fall with time alone
	expect((await clock(page)).points).toBeLessThan(before.points);
	await paint(page);
	await expect(page.getByTestId('guesses').or(page.getByTestId('round-result')).first()).toBeVisible();
	if (await page.getByTestId('skip').isVisible()) await page.getByTestId('skip').click();
	await expect(page.getByTestId('round-result')).toContainText('Practice over');
	await page.getByTestId('next-round').click();
}

async function playGame(page: Page, nickname: string) {
	await page.goto(`/clickme?backend=wasm&rounds=${ROUNDS}`);
	// the intro speaks plainly; the backend is named only in the folded technical details
	const intro = page.getByTestId('join-form').locator('xpath=preceding-sibling::p[1]');
	await expect(intro).toContainText('practice round');
	await expect(intro).not.toContainText(/wasm|webgpu|tf\.?js|webgl/i);
	await expect(page.getByTestId('technical-details')).not.toHaveAttribute('open');
	await expect(page.getByTestId('technical-details')).toContainText('wasm');
	await page.getByLabel('Nickname').fill(nickname);
	await page.getByRole('button', { name: 'Play' }).click();
	await practiceRound(page);
	for (let round = 0; round < ROUNDS; round++) {
		await expect(page.getByTestId('paint-canvas')).toBeVisible();
		await expect(page.getByTestId('practice-marker')).toHaveCount(0);
		await expect(page.getByTestId('object-name')).not.toBeEmpty();
		await expect(page.getByTestId('seconds-left')).toHaveText(/^\d+ s$/);
		await expect(page.getByText('Paint to show it something.')).toBeVisible();
		await paint(page, () => guessesInSight(page));
		// the network answers what it was shown (or recognizes the object and ends the round)
		await expect(page.getByTestId('guesses').or(page.getByTestId('round-result')).first()).toBeVisible();
		if (await page.getByTestId('skip').isVisible()) await page.getByTestId('skip').click();
		await expect(page.getByTestId('round-result')).toBeVisible();
		await page.getByTestId('next-round').click();
	}
	await expect(page.getByTestId('leaderboard')).toContainText(nickname);
}

test('players paint rounds with a network in the loop; maps and the ceiling come from the stored strokes', async ({ browser }) => {
	test.setTimeout(240_000);
	// the second player is on a phone-sized screen
	for (const [nickname, viewport] of [['Painter One', undefined], ['Painter Two', { width: 390, height: 844 }]] as const) {
		const context = await browser.newContext({ viewport });
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

test('a researcher annotates images of a set with undo and clear, stored as annotation rounds, and resumes after a reload', async ({ page }) => {
	const signInAndStart = async () => {
		await page.goto('/clickme/annotate');
		// the page first asks who is signed in: wait for the sign-in form or the set chooser
		await expect(page.getByLabel('Email').or(page.getByTestId('annotate-form'))).toBeVisible();
		if (await page.getByLabel('Email').isVisible()) {
			await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
			await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
			await page.getByRole('button', { name: 'Sign in' }).click();
		}
		await page.getByTestId('annotate-form').getByRole('button', { name: 'Start' }).click();
		await expect(page.getByTestId('object-name')).not.toBeEmpty();
	};
	const manifest = (await (await page.request.get('/stimuli/demo/manifest.json')).json()) as StimulusSetManifest;
	const nameOf = (i: number) => objectName(manifest.images[i]!);

	await signInAndStart();
	await expect(page.getByTestId('object-name')).toHaveText(nameOf(0));
	await expect(page.getByTestId('annotated-count')).toHaveText(`Annotated 0 of ${manifest.images.length}`);
	// nothing painted: Done is refused (only Skip)
	await expect(page.getByTestId('annotation-done')).toBeDisabled();
	await paint(page);
	await expect(page.getByTestId('stroke-count')).toHaveText('2 strokes');
	await page.getByTestId('undo').click();
	await expect(page.getByTestId('stroke-count')).toHaveText('1 stroke');
	await page.getByTestId('clear').click();
	await expect(page.getByTestId('stroke-count')).toHaveText('0 strokes');
	await expect(page.getByTestId('annotation-done')).toBeDisabled();
	// paint again with the large brush, take the last stroke back with Ctrl+Z
	await page.getByLabel('large').check();
	await paint(page);
	await page.keyboard.press('Control+z');
	await expect(page.getByTestId('stroke-count')).toHaveText('1 stroke');
	await page.getByTestId('annotation-done').click();
	await expect(page.getByTestId('annotated-count')).toHaveText(`Annotated 1 of ${manifest.images.length}`);
	await expect(page.getByTestId('object-name')).toHaveText(nameOf(1));
	// the second image is skipped
	await page.getByTestId('annotation-skip').click();
	await expect(page.getByTestId('object-name')).toHaveText(nameOf(2));
	await expect(page.getByTestId('saving')).toHaveText('all saved');

	// a reload resumes at the next image neither annotated nor skipped
	await page.reload();
	await signInAndStart();
	await expect(page.getByTestId('annotated-count')).toHaveText(`Annotated 1 of ${manifest.images.length}`);
	await expect(page.getByTestId('object-name')).toHaveText(nameOf(2));

	const client = await researcherClient();
	const { data: set } = await client.from('stimulus_sets').select('id').eq('slug', 'demo').single();
	const annotations = await clickmeRounds(client, set!.id, 'annotation');
	expect(annotations.map((a) => [a.image_id, a.outcome]).sort()).toEqual([[manifest.images[0]!.image_id, 'annotated'], [manifest.images[1]!.image_id, 'skipped']].sort());
	const annotated = annotations.find((a) => a.outcome === 'annotated')!;
	// what was taken back never reached the server: one stroke, with the large brush (22 px at 256 px)
	expect(annotated.strokes).toHaveLength(1);
	expect(annotated.strokes[0]!.radius).toBe(22);
	expect(annotations.find((a) => a.outcome === 'skipped')!.strokes).toHaveLength(0);
});
