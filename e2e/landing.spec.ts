import { expect, test } from '@playwright/test';

test('the landing page leads each kind of user to their part', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Do deep networks see like people?');
	const parts = [
		{ id: 'participants', url: /\/study\/demo$/, heading: 'Animal or not? (demo)' },
		{ id: 'players', url: /\/clickme$/, heading: 'ClickMe' },
		{ id: 'analysts', url: /\/dashboard$/, heading: 'Dashboard' },
		{ id: 'models', url: /\/models$/, heading: 'Models' }
	];
	for (const part of parts) {
		await page.goto('/');
		await page.getByTestId(`part-${part.id}`).click();
		await expect(page).toHaveURL(part.url);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(part.heading);
	}
});
