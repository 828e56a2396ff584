/**
 * The stand-in's view of a database: run one function inside one transaction.
 * Two implementations: PGlite (embedded, persisted in a data folder) and PostgreSQL (a URL).
 *
 * `request()` is how the HTTP server runs a request: admitted by the bounded queue of
 * admission.ts, and limited in time - on PostgreSQL by `statement_timeout`, on PGlite (which
 * cannot interrupt a statement) by answering at the deadline and rolling the transaction back
 * when its statement returns, so an answered timeout never commits.
 */
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import pg from 'pg';
import { Admission, DEFAULT_LIMITS, type AdmissionLimits } from './admission.js';
import { isConnectionError, timeoutError, unavailableError } from './errors.js';
import { lockFolder } from './folder-lock.js';

export interface Queryable {
	query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database {
	/** 'pglite' or 'postgres': which engine runs the SQL. */
	readonly kind: 'pglite' | 'postgres';
	/** The admission limits requests run under. */
	readonly limits: AdmissionLimits;
	/** Runs `work` in one transaction, committed when it resolves, rolled back when it throws. */
	transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
	/**
	 * A request's transaction: waits for its turn (the busy answer when the queue is full or the
	 * wait passes the time limit), then runs within the time limit (the timeout answer past it).
	 */
	request<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
	/** Runs a script of several statements (migrations), outside any request. */
	exec(sql: string): Promise<void>;
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** Admission limits; missing fields take the engine's DEFAULT_LIMITS. */
	limits?: Partial<AdmissionLimits>;
	/** One line per event worth knowing (a lost connection). */
	log?: (line: string) => void;
}

/** The engine's DEFAULT_LIMITS with the fields `given` sets (undefined fields keep the default). */
function limitsOf(engine: 'pglite' | 'postgres', given: Partial<AdmissionLimits> = {}): AdmissionLimits {
	const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
	return { ...DEFAULT_LIMITS[engine], ...set };
}

/** The request path shared by both engines: a turn, then the engine's deadline-bound transaction. */
function requestRunner(
	admission: Admission,
	run: <T>(work: (tx: Queryable) => Promise<T>, deadline: number) => { answer: Promise<T>; settled: Promise<unknown> }
) {
	return async function request<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
		const deadline = Date.now() + admission.limits.timeoutMs;
		const giveBack = await admission.enter(deadline);
		const { answer, settled } = run(work, deadline);
		// The turn comes back when the database is really done, not when the client got its answer.
		void settled.then(giveBack, giveBack);
		return answer;
	};
}

/** Rejects with the timeout answer at `at` unless `promise` settles first or `mayAnswer()` says no. */
function answerByDeadline<T>(promise: Promise<T>, at: number, timeoutMs: number, mayAnswer: () => boolean = () => true): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => {
			if (mayAnswer()) reject(timeoutError(timeoutMs));
		}, Math.max(0, at - Date.now()));
		promise.then(
			(value) => (clearTimeout(timer), resolve(value)),
			(error) => (clearTimeout(timer), reject(error))
		);
	});
}

/**
 * Embedded PostgreSQL. `dataDir` undefined keeps the database in memory (tests).
 * One process owns a data folder: the lock of folder-lock.ts refuses a second opener, because
 * two processes on one folder lose confirmed writes silently.
 */
export async function openPglite(dataDir?: string, options: DatabaseOptions = {}): Promise<Database> {
	// one connection: more than one running request would only wait again inside PGlite
	const limits = { ...limitsOf('pglite', options.limits), concurrency: 1 };
	const admission = new Admission(limits);
	const unlock = dataDir ? await lockFolder(dataDir) : () => undefined;
	let db: PGlite;
	try {
		db = await PGlite.create(dataDir, { extensions: { pgcrypto } });
	} catch (error) {
		unlock();
		throw error;
	}

	function run<T>(work: (tx: Queryable) => Promise<T>, deadline?: number) {
		let committing = false;
		const expired = () => deadline !== undefined && Date.now() > deadline;
		const check = () => {
			if (expired()) throw timeoutError(limits.timeoutMs);
		};
		// PGlite runs each statement on this thread without giving the event loop a turn, so a
		// transaction first yields one: requests that arrived meanwhile are read and join the
		// admission queue (or get the busy answer) instead of waiting unseen in socket buffers.
		const settled = new Promise((resolve) => setImmediate(resolve)).then(() => db.transaction(async (tx) => {
			check();
			const result = await work({
				async query<Row>(sql: string, params: unknown[] = []) {
					check();
					return (await tx.query<Row>(sql, params)).rows;
				}
			});
			check(); // past the deadline the client has had its timeout answer: roll back
			committing = true;
			return result;
		}));
		return { settled, answer: deadline === undefined ? settled : answerByDeadline(settled, deadline, limits.timeoutMs, () => !committing) };
	}

	return {
		kind: 'pglite',
		limits,
		transaction: (work) => run(work).answer,
		request: requestRunner(admission, run),
		async exec(sql) {
			await db.exec(sql);
		},
		async close() {
			try {
				await db.close();
			} finally {
				unlock();
			}
		}
	};
}

/**
 * A PostgreSQL server, connected as a role that may SET ROLE to anon/authenticated/service_role.
 * The pool has one connection per admitted request (limits.concurrency). A lost connection (the
 * server restarting) is logged, never fatal: the pool drops it and connects anew on the next
 * request, and a request that meets the outage gets the 503 of errors.ts unavailableError.
 */
export async function openPostgres(connectionString: string, options: DatabaseOptions = {}): Promise<Database> {
	const limits = limitsOf('postgres', options.limits);
	const admission = new Admission(limits);
	const log = options.log ?? (() => undefined);
	const pool = new pg.Pool({ connectionString, max: limits.concurrency, connectionTimeoutMillis: limits.timeoutMs });
	// Without this listener an idle connection that the server closes (a restart) crashes the process.
	pool.on('error', (error) => log(`database connection lost (${error.message}); the next request reconnects`));
	await pool.query('select 1'); // fail early with a clear error when the URL is wrong

	/** A pooled client whose connection errors are caught while it is checked out; the pool discards it after one. */
	async function checkout() {
		let client: pg.PoolClient;
		try {
			client = await pool.connect();
		} catch (error) {
			throw isConnectionError(error) ? unavailableError((error as Error).message) : error;
		}
		let broken: Error | undefined;
		const onError = (error: Error) => {
			broken = error;
			log(`database connection lost during a request (${error.message})`);
		};
		client.on('error', onError);
		return {
			client,
			release(error?: unknown) {
				client.off('error', onError);
				client.release(broken ?? (isConnectionError(error) ? (error as Error) : undefined));
			}
		};
	}

	function run<T>(work: (tx: Queryable) => Promise<T>, deadline?: number) {
		const settled = (async () => {
			const { client, release } = await checkout();
			let failure: unknown;
			try {
				await client.query('begin');
				if (deadline !== undefined) {
					// at least 1 ms: statement_timeout 0 would mean no limit
					await client.query(`set local statement_timeout = ${Math.max(1, deadline - Date.now())}`);
				}
				const result = await work({
					async query<Row>(sql: string, params: unknown[] = []) {
						return (await client.query(sql, params)).rows as Row[];
					}
				});
				await client.query('commit');
				return result;
			} catch (error) {
				failure = error;
				await client.query('rollback').catch(() => undefined);
				if ((error as { code?: string }).code === '57014' && deadline !== undefined) throw timeoutError(limits.timeoutMs);
				if (isConnectionError(error)) throw unavailableError((error as Error).message);
				throw error;
			} finally {
				release(failure);
			}
		})();
		// statement_timeout answers first; the extra second covers a server that does not answer at all.
		return { settled, answer: deadline === undefined ? settled : answerByDeadline(settled, deadline + 1000, limits.timeoutMs) };
	}

	return {
		kind: 'postgres',
		limits,
		transaction: (work) => run(work).answer,
		request: requestRunner(admission, run),
		async exec(sql) {
			// A dedicated client, so that a failed script's open transaction is rolled back on it.
			const { client, release } = await checkout();
			let failure: unknown;
			try {
				await client.query(sql);
			} catch (error) {
				failure = error;
				await client.query('rollback').catch(() => undefined);
				throw error;
			} finally {
				release(failure);
			}
		},
		async close() {
			await pool.end();
		}
	};
}
