/**
 * One process per embedded database folder (issue #13, finding 7): a second opener, in this
 * process or another, is refused with one sentence naming the folder and the pid that holds it;
 * the lock of a process killed with -9 is stale and taken over.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStandin } from './local.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const temp = mkdtempSync(path.join(os.tmpdir(), 'folder-lock-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const refusal = (folder: string, pid: number) =>
	`The database folder ${path.join(folder, 'pgdata')} is in use by process ${pid} (another npm start or stand-in?): stop it, or use another --data folder.`;

describe('the embedded database folder has one owner', () => {
	it('refuses a second opener in the same process until the first closes', async () => {
		const dataDir = path.join(temp, 'data');
		const first = await startLocalStandin({ dataDir, seed: false });
		try {
			await expect(startLocalStandin({ dataDir, seed: false })).rejects.toThrow(refusal(dataDir, process.pid));
		} finally {
			await first.close();
		}
		const again = await startLocalStandin({ dataDir, seed: false });
		await again.close();
	}, 120_000);

	it('refuses while another process holds the folder, and takes over the lock once that process is killed', async () => {
		const dataDir = path.join(temp, 'data'); // made by the test above: opening it again is quicker
		const holder = path.join(temp, 'holder.mts'); // .mts: an ES module, for the top-level await
		writeFileSync(holder, `import { startLocalStandin } from ${JSON.stringify(path.join(ROOT, 'src/standin/local.ts'))};
			const standin = await startLocalStandin({ dataDir: ${JSON.stringify(dataDir)}, seed: false });
			await standin.database.exec("create table if not exists public.kept (note text); insert into public.kept values ('from the holder')");
			console.log('holding ' + process.pid);
			setInterval(() => undefined, 1000);`);
		const child = spawn(process.execPath, ['--import', 'tsx', holder], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		try {
			const end = Date.now() + 90_000;
			while (!/holding \d+/.test(output)) {
				if (Date.now() > end || child.exitCode !== null) throw new Error(`the holder did not start: ${output}`);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			await expect(startLocalStandin({ dataDir, seed: false })).rejects.toThrow(refusal(dataDir, child.pid!));
		} finally {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGKILL');
				await new Promise((resolve) => child.once('exit', resolve));
			}
		}
		// the lock file still names the dead process: stale, so this opener takes over
		const after = await startLocalStandin({ dataDir, seed: false });
		try {
			const rows = await after.database.transaction((tx) => tx.query<{ note: string }>('select note from public.kept'));
			expect(rows).toEqual([{ note: 'from the holder' }]);
		} finally {
			await after.close();
		}
	}, 180_000);
});
