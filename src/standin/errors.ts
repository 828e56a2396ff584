/** Errors in the shapes supabase-js expects: PostgREST `{code, message, details, hint}`, GoTrue `{code, error_code, msg}`. */

export class RestError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: string | null = null,
		readonly hint: string | null = null,
		/** Extra response headers, e.g. Retry-After on a 503. */
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
	body() {
		return { code: this.code, message: this.message, details: this.details, hint: this.hint };
	}
}

/**
 * The busy answer (the coordinator's contract, read by src/data/client.ts): 503, `Retry-After`,
 * and the hint `retry-after:<N>` that the client turns into DataError.retryAfterMs.
 */
export function busyError(retryAfterSeconds: number, details: string | null = null): RestError {
	const n = Math.max(1, Math.ceil(retryAfterSeconds));
	return new RestError(503, 'PGRST503', `The server is busy: please retry in ${n} s.`, details, `retry-after:${n}`,
		{ 'retry-after': String(n) });
}

/** A request that ran past the time limit: 504 with PostgreSQL's own statement-timeout code on both engines. */
export function timeoutError(timeoutMs: number): RestError {
	return new RestError(504, '57014', 'canceling statement due to statement timeout',
		`The request ran past the stand-in's time limit of ${timeoutMs} ms (--request-timeout-ms); nothing of it was stored.`);
}

/** The database cannot be reached (restarting, down): 503 with a short Retry-After, like the busy answer. */
export function unavailableError(cause: string): RestError {
	return new RestError(503, 'PGRST001', 'The database is unavailable: please retry in 1 s.', cause, 'retry-after:1',
		{ 'retry-after': '1' });
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH',
	'EAI_AGAIN', '57P01', '57P02', '57P03']);

/** Whether an error means the connection to the database was lost or refused (not a fault of the request). */
export function isConnectionError(error: unknown): boolean {
	const e = error as { code?: unknown; message?: unknown } | null;
	if (!e) return false;
	const code = typeof e.code === 'string' ? e.code : '';
	if (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08')) return true;
	const message = typeof e.message === 'string' ? e.message : '';
	return /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed|terminating connection/i.test(message);
}

export class AuthError extends Error {
	constructor(
		readonly status: number,
		readonly errorCode: string,
		message: string,
		/** Extra response headers, e.g. Retry-After on a 429. */
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
	body() {
		return { code: this.status, error_code: this.errorCode, msg: this.message };
	}
}

interface PgErrorLike {
	code?: string;
	message: string;
	detail?: string;
	hint?: string;
}

/** HTTP status for a PostgreSQL error, following PostgREST's table (docs: "Errors"). */
export function statusForSqlState(code: string, role: string): number {
	if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
	if (code === '42501') return role === 'anon' ? 401 : 403;
	// 57014 (statement timeout) and 57P01-03 (the server shutting down or starting) are the
	// stand-in's additions: PostgREST answers them 500, but they are timeouts and outages, not faults.
	const exact: Record<string, number> = {
		'23503': 409, '23505': 409, '25006': 405, P0001: 400, '42883': 404, '42P01': 404, '42P17': 500,
		'57014': 504, '57P01': 503, '57P02': 503, '57P03': 503
	};
	if (exact[code]) return exact[code];
	const byClass: Record<string, number> = {
		'08': 503, '09': 500, '0L': 403, '0P': 403, '25': 500, '28': 403, '2D': 500, '38': 500, '39': 500,
		'3B': 500, '40': 500, '53': 503, '54': 500, '55': 500, '57': 500, '58': 500, F0: 500, HV: 500,
		P0: 500, XX: 500
	};
	return byClass[code.slice(0, 2)] ?? 400;
}

export function restErrorFromSql(error: unknown, role: string): RestError {
	if (error instanceof RestError) return error;
	const pgError = error as PgErrorLike;
	if (typeof pgError?.code === 'string' && pgError.code.length === 5) {
		return new RestError(statusForSqlState(pgError.code, role), pgError.code, pgError.message,
			pgError.detail ?? null, pgError.hint ?? null);
	}
	return new RestError(500, 'PGRST000', (error as Error)?.message ?? String(error));
}
