/**
 * The participant page's payload (issue 15, item 10): everything the browser downloads to show a
 * study's page - the HTML, JavaScript, CSS and fonts, not the study's data or pictures - stays
 * under 150 KB gzip. Each file is gzipped here at level 9 (what a server's gzip gives at most), so
 * the number does not depend on whether the test server compresses. jsPsych's own stylesheet
 * embeds 32 Open Sans font files (about 340 KB gzip): the page uses src/experiments/jspsych.css.
 */
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { createShortStudy } from './platform.js';

const LIMIT_KB = 150;
const CODE = new Set(['document', 'script', 'stylesheet', 'font']);

test(`the participant page is under ${LIMIT_KB} KB gzip (HTML, JavaScript, CSS, fonts)`, async ({ page }) => {
	const files: Promise<{ url: string; type: string; gzip: number }>[] = [];
	page.on('response', (response) => {
		const type = response.request().resourceType();
		if (!CODE.has(type) || response.status() !== 200) return;
		files.push(response.body().then((body) => ({ url: new URL(response.url()).pathname, type, gzip: gzipSync(body, { level: 9 }).length })));
	});
	await createShortStudy('e2e-payload', {});
	await page.goto('/study/e2e-payload');
	await page.getByTestId('start').click();
	await expect(page.getByRole('button', { name: 'I agree' })).toBeVisible({ timeout: 30_000 });
	await page.waitForLoadState('networkidle');
	const measured = await Promise.all(files);
	const total = measured.reduce((sum, f) => sum + f.gzip, 0) / 1024;
	const byType = [...CODE].map((type) => `${type} ${(measured.filter((f) => f.type === type).reduce((s, f) => s + f.gzip, 0) / 1024).toFixed(1)} KB`);
	console.log(`participant page: ${total.toFixed(1)} KB gzip in ${measured.length} files (${byType.join(', ')}); limit ${LIMIT_KB} KB`);
	for (const f of [...measured].sort((a, b) => b.gzip - a.gzip).slice(0, 5)) console.log(`  ${(f.gzip / 1024).toFixed(1)} KB  ${f.type}  ${f.url}`);
	expect(measured.some((f) => f.type === 'script')).toBe(true);
	expect(total, `the participant page is ${total.toFixed(1)} KB gzip`).toBeLessThanOrEqual(LIMIT_KB);
});
