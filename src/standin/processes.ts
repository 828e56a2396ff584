/**
 * How `npm start` (scripts/start.ts) owns its processes, so that no kill leaves one behind:
 * - portInUse: a port is checked before anything starts, and a taken one is named in one sentence;
 * - spawnOwned: a child Node process with an IPC channel and a watchdog preloaded (`--import`):
 *   when its parent dies, even by kill -9, the channel closes and the child exits;
 * - exitWhenOrphaned: the parent itself stops when the process that launched it (tsx, npm) dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** True when nothing can listen on host:port now (another process holds it). */
export function portInUse(port: number, host: string): Promise<boolean> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(true);
			else reject(error);
		});
		probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(false)));
	});
}

/**
 * Preloaded into an owned child: exit when the IPC channel to the parent closes (the parent
 * died or let go), without the channel keeping the child alive on its own.
 */
export const WATCHDOG =
	'data:text/javascript,' +
	encodeURIComponent(
		"if (process.channel) { process.channel.unref(); process.on('disconnect', () => { console.error('The process that started this one has gone: stopping.'); process.exit(0); }); }"
	);

/** Runs `node <script> <args>` as an owned child: it exits when this process dies. */
export function spawnOwned(script: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): ChildProcess {
	return spawn(process.execPath, ['--import', WATCHDOG, script, ...args], {
		stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
		env: options.env ?? process.env
	});
}

/**
 * Calls `stop` once when this process's parent is gone (it was re-parented); checks every
 * `everyMs`. Pass `parent` read at start-up to notice a parent that died before this call.
 */
export function exitWhenOrphaned(stop: () => void, options: { parent?: number; everyMs?: number } = {}): void {
	const parent = options.parent ?? process.ppid;
	const timer = setInterval(() => {
		if (process.ppid !== parent) {
			clearInterval(timer);
			stop();
		}
	}, options.everyMs ?? 1000);
	timer.unref();
}
