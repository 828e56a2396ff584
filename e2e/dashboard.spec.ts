import { expect, test } from '@playwright/test';
import { LOCAL_RESEARCHER } from './platform.js';

test('a wrong password is refused with a clear message', async ({ page }) => {
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('dashboard-error')).toHaveText('Sign-in failed: Invalid login credentials');
});

test('the seeded researcher signs in and sees the demo study, then signs out', async ({ page }) => {
	await page.goto('/dashboard');
	await page.getByLabel('Email').fill(LOCAL_RESEARCHER.email);
	await page.getByLabel('Password').fill(LOCAL_RESEARCHER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('signed-in-as')).toHaveText(LOCAL_RESEARCHER.email);
	await expect(page.getByTestId('study-table')).toContainText('Animal or not? (demo)');
	await expect(page.getByTestId('study-table')).toContainText('/study/demo');
	// the session persists across a reload
	await page.reload();
	await expect(page.getByTestId('signed-in-as')).toHaveText(LOCAL_RESEARCHER.email);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByTestId('signin-form')).toBeVisible();
});
