/**
 * For the benchmark scripts: the platform on a scratch database (unless a URL is given) and a
 * headless Chromium, both closed by `close()`.
 */
import { spawn } from 'node:child_process';
import { chromium, type Browser } from '@playwright/test';

export interface BenchBrowser {
	url: string;
	browser: Browser;
	close(): Promise<void>;
}

export async function openBenchBrowser(url: string | undefined, extraArgs: string[] = []): Promise<BenchBrowser> {
	let server: ReturnType<typeof spawn> | null = null;
	if (!url) {
		server = spawn('npx', ['tsx', 'scripts/start.ts', '--port', '4181', '--api-port', '54381', '--data', '.local/bench', '--host', 'localhost'], { stdio: ['ignore', 'pipe', 'inherit'] });
		await new Promise<void>((resolve, reject) => {
			server!.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Listening on') && resolve());
			server!.on('exit', (code) => reject(new Error(`the platform did not start (exit ${code})`)));
		});
		url = 'http://localhost:4181';
	}
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', ...extraArgs]
	});
	return {
		url,
		browser,
		async close() {
			await browser.close();
			server?.kill('SIGTERM');
		}
	};
}
