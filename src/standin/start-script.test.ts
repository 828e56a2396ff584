/**
 * `npm start` owns its processes (issue #13, finding 6; scripts/start.ts, processes.ts): a taken
 * port is named in one sentence before anything starts; the app child exits when its parent is
 * killed with -9, so its port is free for the next start; a parent whose launcher dies stops.
 * The full kill -9 and restart of scripts/start.ts runs where the app is built and the demo
 * set exists (after `npm start` or the e2e suite ran once in this checkout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { portInUse } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const temp = mkdtempSync(path.join(os.tmpdir(), 'start-script-'));
const started: ChildProcess[] = [];
const grandchildren: number[] = []; // killed at the end should a test fail while they live
afterAll(() => {
	for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	for (const pid of grandchildren) if (alive(pid)) process.kill(pid, 'SIGKILL');
	rmSync(temp, { recursive: true, force: true });
});

/** `node --import tsx <script> <args>` from the repository root, so that its pid is the script's own. */
function run(script: string, args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
	const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	started.push(child);
	let text = '';
	child.stdout!.on('data', (chunk) => (text += chunk));
	child.stderr!.on('data', (chunk) => (text += chunk));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	return { child, output: () => text, exited };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** A port that is free now (the OS picks it). */
async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

async function holdPort(): Promise<{ port: number; release: () => Promise<unknown> }> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { port: (server.address() as net.AddressInfo).port, release: () => new Promise((resolve) => server.close(resolve)) };
}

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

describe('npm start owns its processes', () => {
	it('names a taken port in one sentence and starts nothing', async () => {
		const held = await holdPort();
		try {
			const data = path.join(temp, 'never-created');
			for (const [args, option] of [
				[['--port', String(held.port), '--api-port', String(await freePort())], '--port'],
				[['--port', String(await freePort()), '--api-port', String(held.port)], '--api-port']
			] as const) {
				const start = run('scripts/start.ts', [...args, '--host', '127.0.0.1', '--data', data]);
				expect(await start.exited).toBe(1);
				expect(start.output().trim()).toBe(`error: port ${held.port} is already in use (another npm start?): stop it or pass ${option}`);
				expect(existsSync(data)).toBe(false);
			}
		} finally {
			await held.release();
		}
	}, 60_000);

	it('stops the app child when its parent is killed with -9, freeing its port', async () => {
		const port = await freePort();
		const server = path.join(temp, 'server.mjs');
		writeFileSync(server, `import http from 'node:http';
			http.createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('child ' + process.pid));`);
		const parentScript = path.join(temp, 'parent.ts');
		writeFileSync(parentScript, `import { spawnOwned } from ${JSON.stringify(path.join(ROOT, 'src/standin/processes.ts'))};
			spawnOwned(${JSON.stringify(server)}, []);
			setInterval(() => undefined, 1000);`);
		const parent = run(parentScript, []);
		await until('the child to listen', () => /child \d+/.test(parent.output()), 20_000);
		const childPid = Number(/child (\d+)/.exec(parent.output())![1]);
		grandchildren.push(childPid);
		expect(await portInUse(port, '127.0.0.1')).toBe(true);

		parent.child.kill('SIGKILL');
		await until('the orphaned child to exit', () => !alive(childPid), 5000);
		expect(await portInUse(port, '127.0.0.1')).toBe(false);
	}, 60_000);

	it('stops a process whose launcher dies', async () => {
		const marker = path.join(temp, 'orphan-stopped');
		const orphan = path.join(temp, 'orphan.ts');
		writeFileSync(orphan, `import { writeFileSync } from 'node:fs';
			import { exitWhenOrphaned } from ${JSON.stringify(path.join(ROOT, 'src/standin/processes.ts'))};
			exitWhenOrphaned(() => { writeFileSync(${JSON.stringify(marker)}, 'stopped'); process.exit(0); }, { everyMs: 100 });
			console.log('orphan ' + process.pid);
			setInterval(() => undefined, 1000);`);
		const launcher = path.join(temp, 'launcher.mjs');
		writeFileSync(launcher, `import { spawn } from 'node:child_process';
			spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(orphan)}], { stdio: 'inherit', cwd: ${JSON.stringify(ROOT)} });
			setInterval(() => undefined, 1000);`);
		const launch = run(launcher, []);
		await until('the launched process to run', () => /orphan \d+/.test(launch.output()), 20_000);
		const pid = Number(/orphan (\d+)/.exec(launch.output())![1]);
		grandchildren.push(pid);
		launch.child.kill('SIGKILL');
		await until('the orphan to stop', () => existsSync(marker) && !alive(pid), 5000);
	}, 60_000);

	const built = existsSync(path.join(ROOT, 'build/index.js')) && existsSync(path.join(ROOT, '.local/stimuli'));
	it.skipIf(!built)('after a kill -9 of npm start, the next start on the same ports and data folder comes up', async () => {
		const [appPort, apiPort] = [await freePort(), await freePort()];
		const args = ['--host', '127.0.0.1', '--port', String(appPort), '--api-port', String(apiPort),
			'--data', path.join(temp, 'data'), '--stimuli', '.local/stimuli'];
		const first = run('scripts/start.ts', args);
		await until('the first start', () => first.output().includes('The platform is running'), 180_000);
		await until('the app to listen', () => portInUse(appPort, '127.0.0.1'), 30_000);
		first.child.kill('SIGKILL');
		await until('the app port to be free', async () => !(await portInUse(appPort, '127.0.0.1')), 5000);

		const second = run('scripts/start.ts', args);
		await until('the second start', () => second.output().includes('The platform is running'), 180_000);
		await until('the app to answer', async () => (await fetch(`http://127.0.0.1:${appPort}/`).catch(() => null))?.status === 200, 30_000);
		second.child.kill('SIGTERM');
		expect(await second.exited).toBe(0);
		expect(await portInUse(appPort, '127.0.0.1')).toBe(false);
	}, 400_000);
});
