/**
 * Starting the stand-in on the embedded default or on a PostgreSQL URL: open the database,
 * bring it to the current schema (seeding a fresh one), and keep a per-installation JWT secret
 * in the data folder so that the repository holds no secret.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AdmissionLimits } from './admission.js';
import { openPglite, openPostgres, type Database } from './database.js';
import type { RateLimits } from './rate-limit.js';
import { migrate, type MigrationReport } from './migrate.js';
import { startStandin, type Standin } from './server.js';

export interface LocalStandinOptions {
	/** Folder for the embedded database and the JWT secret (default .local/standin). */
	dataDir?: string;
	/** Use this PostgreSQL instead of the embedded database. */
	databaseUrl?: string;
	/** Keep the embedded database in memory (tests). */
	inMemory?: boolean;
	port?: number;
	host?: string;
	/** Folder with config.toml, migrations/, seed.sql and local/ (default ./supabase). */
	supabaseDir?: string;
	seed?: boolean;
	jwtSecret?: string;
	accessTokenSeconds?: number;
	/** GoTrue's refresh_token_reuse_interval in seconds (default 10, as on Supabase). */
	refreshTokenReuseSeconds?: number;
	/**
	 * Admission control (admission.ts): `maxQueue` waiting requests, `timeoutMs` per request,
	 * `concurrency` (PostgreSQL's pool size; PGlite always runs one). Defaults: DEFAULT_LIMITS.
	 */
	limits?: Partial<AdmissionLimits>;
	/** Per-IP limits on anonymous sign-up and password sign-in (rate-limit.ts DEFAULT_RATE_LIMITS). */
	rateLimits?: Partial<RateLimits>;
	log?: (line: string) => void;
}

export interface LocalStandin extends Standin {
	database: Database;
	migrations: MigrationReport;
}

async function jwtSecretIn(dataDir: string): Promise<string> {
	const file = path.join(dataDir, 'jwt-secret');
	if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
	const secret = randomBytes(32).toString('hex');
	await writeFile(file, secret + '\n', { mode: 0o600 });
	return secret;
}

export async function startLocalStandin(options: LocalStandinOptions = {}): Promise<LocalStandin> {
	const dataDir = path.resolve(options.dataDir ?? '.local/standin');
	if (!options.inMemory || !options.jwtSecret) await mkdir(dataDir, { recursive: true });
	const databaseOptions = { limits: options.limits, log: options.log };
	const database = options.databaseUrl
		? await openPostgres(options.databaseUrl, databaseOptions)
		: await openPglite(options.inMemory ? undefined : path.join(dataDir, 'pgdata'), databaseOptions);
	try {
		const migrations = await migrate(database, path.resolve(options.supabaseDir ?? 'supabase'), { seed: options.seed });
		const standin = await startStandin({
			database,
			jwtSecret: options.jwtSecret ?? (await jwtSecretIn(dataDir)),
			port: options.port,
			host: options.host,
			accessTokenSeconds: options.accessTokenSeconds,
			refreshTokenReuseSeconds: options.refreshTokenReuseSeconds,
			rateLimits: options.rateLimits,
			log: options.log
		});
		return {
			...standin,
			database,
			migrations,
			close: async () => {
				await standin.close();
				await database.close();
			}
		};
	} catch (error) {
		await database.close();
		throw error;
	}
}
