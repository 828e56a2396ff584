import { expect, test } from '@playwright/test';

test('the models page says which TensorFlow.js backends this browser runs (the ClickMe game names the one its network uses)', async ({ page }) => {
	for (const path of ['/models']) {
		await page.goto(path);
		const list = page.getByTestId('backend-list');
		await expect(list).toBeVisible({ timeout: 30_000 });
		await expect(list.locator('li[data-backend="cpu"]')).toHaveAttribute('data-available', 'true');
		// Chromium here has WebGPU only through --enable-unsafe-webgpu on a SwiftShader adapter.
		await expect(list.locator('li[data-backend="webgpu"]')).toHaveAttribute('data-available', /true|false/);
		await expect(list.locator('li')).toHaveCount(4);
	}
});
