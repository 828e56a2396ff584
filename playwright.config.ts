import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser). The web server is the
 * platform's own start command on a fresh embedded database in .local/e2e, so each run starts
 * from the seed. e2e/platform.ts reads .local/e2e/env.json to reach the same API from tests.
 */
export const E2E_DATA_DIR = '.local/e2e';
// E2E_APP_PORT / E2E_API_PORT let two checkouts run their e2e suites side by side.
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 4173);
const API_PORT = Number(process.env.E2E_API_PORT ?? 54329);

export default defineConfig({
	testDir: 'e2e',
	timeout: 60_000,
	expect: { timeout: 15_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list']],
	use: {
		baseURL: `http://localhost:${APP_PORT}`,
		browserName: 'chromium',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-quic',
				'--no-first-run',
				'--enable-unsafe-webgpu'
			]
		},
		trace: 'off',
		screenshot: 'only-on-failure'
	},
	webServer: {
		// imported models (npm run models -- import, npm run harmonize) are served from the run's own folder
		command: `rm -rf ${E2E_DATA_DIR} && IMPORTED_MODEL_DIR=${E2E_DATA_DIR}/models/imported npx tsx scripts/start.ts --host localhost --port ${APP_PORT} --api-port ${API_PORT} --data ${E2E_DATA_DIR}`,
		url: `http://localhost:${APP_PORT}`,
		timeout: 240_000,
		reuseExistingServer: false,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
