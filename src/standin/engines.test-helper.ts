/**
 * For contract tests: run a suite on the stand-in's embedded PGlite, and on a throwaway database
 * of a real PostgreSQL when DATABASE_URL_ADMIN (a superuser URL; `npm test` provides one) is set.
 * REQUIRE_POSTGRES makes a missing DATABASE_URL_ADMIN an error instead of a skip.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';

export type Engine = 'pglite' | 'postgres';

async function asAdmin(adminUrl: string, sql: string): Promise<void> {
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	await admin.query(sql);
	await admin.end();
}

/** `suite(engine, databaseUrl)`: databaseUrl() is undefined for PGlite, the database's URL for PostgreSQL. */
export function onBothEngines(prefix: string, suite: (engine: Engine, databaseUrl: () => string | undefined) => void): void {
	suite('pglite', () => undefined);

	const adminUrl = process.env.DATABASE_URL_ADMIN;
	if (!adminUrl && process.env.REQUIRE_POSTGRES) {
		throw new Error('REQUIRE_POSTGRES is set but DATABASE_URL_ADMIN is not: the PostgreSQL contract tests cannot run');
	}
	let postgresUrl: string | undefined;
	describe.skipIf(!adminUrl)('on PostgreSQL', () => {
		const dbName = `${prefix}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
		beforeAll(async () => {
			await asAdmin(adminUrl!, `create database ${dbName}`);
			const url = new URL(adminUrl!);
			url.pathname = `/${dbName}`;
			postgresUrl = url.toString();
		});
		afterAll(async () => {
			await asAdmin(adminUrl!, `drop database if exists ${dbName} with (force)`);
		});
		suite('postgres', () => postgresUrl);
	});
}
