/**
 * The processes the load benchmark owns: the stand-in in a child process (so that it can be
 * killed with SIGKILL and restarted on the same data folder, as a crash would), and a throwaway
 * PostgreSQL 15 cluster (scripts/pg-cluster.sh) that can be restarted mid-run. Every process
 * started here is registered for cleanup, which also runs on Ctrl+C and on errors.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

/** The repository root: the stand-in runs from there (it reads supabase/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const cleanups = new Set<() => void>();

/** Kills what is still running, synchronously (for `process.on('exit')` and signal handlers). */
export function cleanupNow(): void {
	for (const cleanup of [...cleanups].reverse()) {
		try {
			cleanup();
		} catch {
			// best effort: the next one still runs
		}
	}
	cleanups.clear();
}

/** A free TCP port on 127.0.0.1, chosen by the system. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as net.AddressInfo).port;
			server.close(() => resolve(port));
		});
	});
}

export interface StandinExit {
	/** Seconds since the run began. */
	atS: number;
	code: number | null;
	signal: string | null;
	/** The first and the last lines it wrote to stderr (the error is usually named at the top of a crash's output). */
	stderr: string;
}

/**
 * `npm run standin` (src/standin/cli.ts) as a child process on 127.0.0.1:`port`, on `dataDir`
 * (PGlite in dataDir/pgdata, or the PostgreSQL of `databaseUrl`; the JWT secret in dataDir).
 * Its peak resident memory is sampled from /proc while it runs.
 */
export class StandinProcess {
	private child: ChildProcess | null = null;
	private expectingExit = false;
	private rssTimer: ReturnType<typeof setInterval> | null = null;
	private stderrTail: string[] = [];
	private stderrHead: string[] = [];
	peakRssBytes = 0;
	/** CPU seconds (user + system) of the processes that ended, and of the running one at its last sample. */
	private cpuEnded = 0;
	private cpuCurrent = 0;
	readonly unexpectedExits: StandinExit[] = [];

	constructor(
		private readonly options: { dataDir: string; port: number; databaseUrl?: string; clock: () => number },
		private readonly onUnexpectedExit: (exit: StandinExit) => void = () => undefined
	) {}

	get url(): string {
		return `http://127.0.0.1:${this.options.port}`;
	}

	get running(): boolean {
		return this.child !== null;
	}

	/** The API keys, derived from the secret the stand-in keeps in its data folder. */
	jwtSecret(): string {
		return readFileSync(path.join(this.options.dataDir, 'jwt-secret'), 'utf8').trim();
	}

	/** Starts it and resolves once it listens (it prints its URL and anon key then). */
	async start(timeoutMs = 180_000): Promise<void> {
		if (this.child) throw new Error('the stand-in is already running');
		const args = ['--import', 'tsx', 'src/standin/cli.ts', '--data', this.options.dataDir, '--port', String(this.options.port), '--host', '127.0.0.1', '--quiet'];
		if (this.options.databaseUrl) args.push('--database-url', this.options.databaseUrl);
		const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		this.expectingExit = false;
		const kill = () => child.kill('SIGKILL');
		cleanups.add(kill);
		this.stderrTail = [];
		this.stderrHead = [];
		child.stderr!.setEncoding('utf8').on('data', (text: string) => {
			const lines = text.split('\n').filter(Boolean);
			this.stderrHead.push(...lines.slice(0, 20 - this.stderrHead.length));
			this.stderrTail.push(...lines);
			this.stderrTail = this.stderrTail.slice(-60);
		});
		let stdout = '';
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the stand-in did not start within ${timeoutMs / 1000} s: ${this.stderrTail.join('\n')}`)), timeoutMs);
			const onData = (text: string) => {
				stdout += text;
				if (/^PUBLIC_SUPABASE_ANON_KEY=/m.test(stdout)) {
					clearTimeout(timer);
					child.stdout!.off('data', onData);
					child.stdout!.resume();
					resolve();
				}
			};
			child.stdout!.setEncoding('utf8').on('data', onData);
			child.once('exit', (code, signal) => {
				clearTimeout(timer);
				reject(new Error(`the stand-in stopped while starting (exit code ${code}, signal ${signal}): ${this.stderrTail.join('\n') || stdout}`));
			});
		});
		child.once('exit', (code, signal) => {
			this.cpuEnded += this.cpuCurrent;
			this.cpuCurrent = 0;
			cleanups.delete(kill);
			if (this.child === child) this.child = null;
			this.stopSampling();
			if (!this.expectingExit) {
				const exit = { atS: this.options.clock(), code, signal, stderr: [...this.stderrHead, '...', ...this.stderrTail.slice(-20)].join('\n') };
				this.unexpectedExits.push(exit);
				this.onUnexpectedExit(exit);
			}
		});
		this.rssTimer = setInterval(() => this.sampleRss(), 250);
		this.sampleRss();
	}

	/** SIGKILL, as a crash or the OOM killer would; resolves when it is gone. */
	async kill9(): Promise<void> {
		await this.stopWith('SIGKILL');
	}

	/** SIGTERM (the CLI closes the server and the database), SIGKILL after 10 s. */
	async stop(): Promise<void> {
		await this.stopWith('SIGTERM', 10_000);
	}

	private async stopWith(signal: NodeJS.Signals, graceMs = 0): Promise<void> {
		const child = this.child;
		if (!child) return;
		this.expectingExit = true;
		this.sampleRss();
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		child.kill(signal);
		if (graceMs) {
			const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
		} else await exited;
	}

	private sampleRss(): void {
		const pid = this.child?.pid;
		if (!pid) return;
		try {
			// VmHWM is the process's own peak; VmRSS the current value (either may be missing)
			const status = readFileSync(`/proc/${pid}/status`, 'utf8');
			for (const field of ['VmHWM', 'VmRSS']) {
				const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
				this.peakRssBytes = Math.max(this.peakRssBytes, kb * 1024);
			}
			// utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux)
			const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
			this.cpuCurrent = (Number(fields[11]) + Number(fields[12])) / 100;
		} catch {
			// no /proc (not Linux) or the process just ended
		}
	}

	/** CPU seconds the stand-in processes used so far (Linux; 0 elsewhere). */
	cpuSeconds(): number {
		return this.cpuEnded + this.cpuCurrent;
	}

	private stopSampling(): void {
		if (this.rssTimer) clearInterval(this.rssTimer);
		this.rssTimer = null;
	}
}

/** A throwaway PostgreSQL 15 cluster from scripts/pg-cluster.sh, with one database for the run. */
export class PostgresCluster {
	private constructor(
		readonly dir: string,
		readonly port: number
	) {}

	get adminUrl(): string {
		return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
	}

	static async start(): Promise<PostgresCluster> {
		const script = 'source scripts/pg-cluster.sh && pg_cluster_start >&2 && echo "$PG_CLUSTER_DIR $PGPORT"';
		const result = spawnSync('bash', ['-c', script], { cwd: REPO_ROOT, encoding: 'utf8' });
		const [dir, port] = result.stdout.trim().split(' ');
		if (result.status !== 0 || !dir || !port) throw new Error(`could not start a throwaway PostgreSQL cluster (scripts/pg-cluster.sh): ${result.stderr}${result.stdout}`);
		const cluster = new PostgresCluster(dir, Number(port));
		cleanups.add(cluster.stopNow);
		return cluster;
	}

	/** scripts/pg-cluster.sh's pg_cluster_restart (`pg_ctl restart -m immediate`): every connection is cut, as in a database crash. Async, so clients keep running. */
	async restartImmediate(): Promise<void> {
		try {
			await promisify(execFile)('bash', ['-c', 'source scripts/pg-cluster.sh && pg_cluster_restart'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, PG_CLUSTER_DIR: this.dir } });
		} catch (error) {
			const e = error as { stdout?: string; stderr?: string; message: string };
			throw new Error(`the PostgreSQL restart (pg_cluster_restart) failed: ${e.stderr || e.stdout || e.message}`);
		}
	}

	readonly stopNow = (): void => {
		cleanups.delete(this.stopNow);
		spawnSync('bash', ['-c', 'source scripts/pg-cluster.sh && pg_cluster_stop'], { cwd: REPO_ROOT, env: { ...process.env, PG_CLUSTER_DIR: this.dir } });
	};
}

/** Creates database `name` on the server of `adminUrl` and returns its URL; registers dropping it. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	await admin.query(`drop database if exists ${name} with (force)`);
	await admin.end();
}

/** Registers a synchronous cleanup (a folder to remove); returns its remover. */
export function onCleanup(cleanup: () => void): () => void {
	cleanups.add(cleanup);
	return () => cleanups.delete(cleanup);
}
