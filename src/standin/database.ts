/**
 * The stand-in's view of a database: run one function inside one transaction.
 * Two implementations: PGlite (embedded, persisted in a data folder) and PostgreSQL (a URL).
 */
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import pg from 'pg';

export interface Queryable {
	query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database {
	/** 'pglite' or 'postgres': which engine runs the SQL. */
	readonly kind: 'pglite' | 'postgres';
	/** Runs `work` in one transaction, committed when it resolves, rolled back when it throws. */
	transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
	/** Runs a script of several statements (migrations), outside any request. */
	exec(sql: string): Promise<void>;
	close(): Promise<void>;
}

/**
 * Embedded PostgreSQL. `dataDir` undefined keeps the database in memory (tests).
 * One process must own a data folder: two processes opening it lose writes silently.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
	const db = await PGlite.create(dataDir, { extensions: { pgcrypto } });
	return {
		kind: 'pglite',
		async transaction(work) {
			return db.transaction(async (tx) =>
				work({
					async query<Row>(sql: string, params: unknown[] = []) {
						return (await tx.query<Row>(sql, params)).rows;
					}
				})
			);
		},
		async exec(sql) {
			await db.exec(sql);
		},
		async close() {
			await db.close();
		}
	};
}

/** A PostgreSQL server, connected as a role that may SET ROLE to anon/authenticated/service_role. */
export async function openPostgres(connectionString: string): Promise<Database> {
	const pool = new pg.Pool({ connectionString, max: 8 });
	await pool.query('select 1'); // fail early with a clear error when the URL is wrong
	return {
		kind: 'postgres',
		async transaction(work) {
			const client = await pool.connect();
			try {
				await client.query('begin');
				const result = await work({
					async query<Row>(sql: string, params: unknown[] = []) {
						return (await client.query(sql, params)).rows as Row[];
					}
				});
				await client.query('commit');
				return result;
			} catch (error) {
				await client.query('rollback').catch(() => undefined);
				throw error;
			} finally {
				client.release();
			}
		},
		async exec(sql) {
			// A dedicated client, so that a failed script's open transaction is rolled back on it.
			const client = await pool.connect();
			try {
				await client.query(sql);
			} catch (error) {
				await client.query('rollback').catch(() => undefined);
				throw error;
			} finally {
				client.release();
			}
		},
		async close() {
			await pool.end();
		}
	};
}
