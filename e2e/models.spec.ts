import { expect, test } from '@playwright/test';

test('the model and ClickMe pages say which TensorFlow.js backends this browser runs', async ({ page }) => {
	for (const path of ['/models', '/clickme']) {
		await page.goto(path);
		const list = page.getByTestId('backend-list');
		await expect(list).toBeVisible({ timeout: 30_000 });
		await expect(list.locator('li[data-backend="cpu"]')).toHaveAttribute('data-available', 'true');
		// Chromium here has WebGPU only through --enable-unsafe-webgpu on a SwiftShader adapter.
		await expect(list.locator('li[data-backend="webgpu"]')).toHaveAttribute('data-available', /true|false/);
		await expect(list.locator('li')).toHaveCount(4);
	}
});
