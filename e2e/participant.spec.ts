import { expect, test, type Page } from '@playwright/test';

/** Collects the text of every JavaScript file the page loads. */
function recordScripts(page: Page): string[] {
	const bodies: string[] = [];
	page.on('response', async (response) => {
		if (response.request().resourceType() === 'script' || response.url().endsWith('.js')) {
			bodies.push(await response.text().catch(() => ''));
		}
	});
	return bodies;
}

// Strings that only TensorFlow.js (core) and its WebGPU backend contain.
const TFJS_MARKERS = ['tfjsflags', 'WEBGPU_'];

test('the participant page reads the study from the database, in local mode by default', async ({ page }) => {
	await page.goto('/study/demo');
	await expect(page.getByTestId('study-title')).toHaveText('Animal or not? (demo)');
	await expect(page.getByTestId('study-platform')).toContainText('Local mode');
	await expect(page.getByTestId('start')).toBeVisible();
});

test('the participant page recognizes MTurk preview and Prolific links', async ({ page }) => {
	await page.goto('/study/demo?assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE&hitId=H1');
	await expect(page.getByTestId('mturk-preview')).toContainText('previewing this HIT');
	await page.goto('/study/demo?PROLIFIC_PID=abc123&STUDY_ID=s&SESSION_ID=x');
	await expect(page.getByTestId('study-platform')).toContainText('Prolific as participant abc123');
});

test('an unknown study or a broken MTurk link gets a clear message', async ({ page }) => {
	await page.goto('/study/no-such-study');
	await expect(page.getByTestId('study-error')).toHaveText('no study with slug "no-such-study"');
	await page.goto('/study/demo?assignmentId=A1');
	await expect(page.getByTestId('study-error')).toContainText('no valid workerId');
});

test('participant pages do not download TensorFlow.js; model pages do', async ({ page }) => {
	const participantScripts = recordScripts(page);
	await page.goto('/study/demo');
	await expect(page.getByTestId('study-title')).toBeVisible();
	await page.waitForLoadState('networkidle');
	expect(participantScripts.length).toBeGreaterThan(0);
	for (const marker of TFJS_MARKERS) {
		expect(participantScripts.filter((body) => body.includes(marker)), `participant page loaded ${marker}`).toEqual([]);
	}

	const modelPage = await page.context().newPage();
	const modelScripts = recordScripts(modelPage);
	await modelPage.goto('/models');
	await expect(modelPage.getByTestId('backend-list')).toBeVisible({ timeout: 30_000 });
	await modelPage.waitForLoadState('networkidle');
	expect(modelScripts.some((body) => body.includes('tfjsflags'))).toBe(true);
});

test('the browser loads the demo set by its manifest, byte-identical to what was built', async ({ page }) => {
	await page.goto('/study/demo');
	await expect(page.getByTestId('intro-summary')).toContainText('You will see 93 pictures: 6 for practice, then 87 in 4 blocks');
	await expect(page.getByTestId('stimulus-set')).toContainText('shown once, at one of 10 levels');
	// In the page: fetch the manifest and a few stimuli, hash them with Web Crypto, compare.
	const checked = await page.evaluate(async () => {
		const manifest = await (await fetch('/stimuli/demo/manifest.json')).json();
		const results = [];
		for (const s of [manifest.stimuli[0], manifest.stimuli[455], manifest.stimuli[929]]) {
			const bytes = await (await fetch(`/stimuli/demo/${s.file}`)).arrayBuffer();
			const digest = await crypto.subtle.digest('SHA-256', bytes);
			const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
			results.push(hex === s.sha256);
		}
		return results;
	});
	expect(checked).toEqual([true, true, true]);
});
