/** How e2e tests reach the running platform's API: the start command writes env.json. */
import { rgbToPng } from '../src/stimuli/png.js';
import { seededRandom } from '../src/stimuli/random.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createNodeClient } from '../src/data/node.js';

const DATA_DIR = '.local/e2e';

export function platformEnv(): { PUBLIC_SUPABASE_URL: string; PUBLIC_SUPABASE_ANON_KEY: string; APP_URL: string } {
	return JSON.parse(readFileSync(path.join(DATA_DIR, 'env.json'), 'utf8'));
}

export function apiClient() {
	const env = platformEnv();
	return createNodeClient(env.PUBLIC_SUPABASE_URL, env.PUBLIC_SUPABASE_ANON_KEY);
}

export const LOCAL_RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };

import { createStudy, signInResearcher } from '../src/data/index.js';
import type { Page } from '@playwright/test';

/** A live study on the demo set with a short design, created through the researcher's API. */
export async function createShortStudy(slug: string, config: Record<string, unknown>) {
	const client = apiClient();
	await signInResearcher(client, LOCAL_RESEARCHER.email, LOCAL_RESEARCHER.password);
	const { data: set, error } = await client.from('stimulus_sets').select('id').eq('slug', 'demo').single();
	if (error) throw new Error(error.message);
	return createStudy(client, { slug, title: `E2E ${slug}`, stimulusSetId: set.id, config, status: 'live' });
}

/** A researcher's client, to read back what participants stored. */
export async function researcherClient() {
	const client = apiClient();
	await signInResearcher(client, LOCAL_RESEARCHER.email, LOCAL_RESEARCHER.password);
	return client;
}

/** Clicks through the browser check, consent, instructions and fullscreen; returns the keys. */
export async function startSession(page: Page): Promise<{ animal: string; non_animal: string }> {
	await page.getByTestId('start').click();
	await page.getByRole('button', { name: 'I agree' }).click({ timeout: 30_000 });
	await page.getByRole('button', { name: 'Next' }).click();
	const help = await page.locator('kbd').allTextContents();
	await page.getByRole('button', { name: 'Next' }).click();
	await page.getByRole('button', { name: 'Go full screen' }).click();
	return { animal: help[0]!.toLowerCase(), non_animal: help[1]!.toLowerCase() };
}

/** Records the plugin's onset and end events from page start (call before page.goto). */
export async function watchTrials(page: Page) {
	await page.addInitScript(() => {
		const w = window as unknown as { trialOnsets: number; trialEnds: number };
		w.trialOnsets = 0;
		w.trialEnds = 0;
		document.addEventListener('rapid-categorization:onset', () => w.trialOnsets++);
		document.addEventListener('rapid-categorization:end', () => w.trialEnds++);
	});
}

/**
 * Answers `count` trials: at each stimulus onset presses `key` (or nothing, to let the response
 * window run out) and waits for the trial to end; presses space on break screens in between.
 * Needs watchTrials(page) before the page was loaded.
 */
export async function answerTrials(page: Page, count: number, key: string | null) {
	for (let i = 0; i < count; i++) {
		const ends = await page.evaluate(() => (window as unknown as { trialEnds: number }).trialEnds);
		const onsets = await page.evaluate(() => (window as unknown as { trialOnsets: number }).trialOnsets);
		const state = await page.waitForFunction(
			(seen) => {
				const w = window as unknown as { trialOnsets: number };
				if (w.trialOnsets > seen) return 'onset';
				return document.body.innerText.includes('Press the space bar') ? 'pause' : false;
			},
			onsets,
			{ timeout: 15_000, polling: 'raf' }
		);
		if ((await state.jsonValue()) === 'pause') {
			await page.keyboard.press(' ');
			await page.waitForFunction((seen) => (window as unknown as { trialOnsets: number }).trialOnsets > seen, onsets, { timeout: 15_000, polling: 'raf' });
		}
		if (key) await page.keyboard.press(key);
		await page.waitForFunction((seen) => (window as unknown as { trialEnds: number }).trialEnds > seen, ends, { timeout: 15_000 });
	}
}

/** A small photo: smooth colour gradients with a little seeded noise. */
export function photo(name: string, width: number, height: number) {
	const random = seededRandom('e2e-photo', name);
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = 3 * (y * width + x);
			data[i] = (x * 255) / width;
			data[i + 1] = (y * 255) / height;
			data[i + 2] = 128 + random() * 60;
		}
	}
	return { name: `${name}.png`, mimeType: 'image/png', buffer: Buffer.from(rgbToPng({ width, height, data })) };
}
