/** Errors in the shapes supabase-js expects: PostgREST `{code, message, details, hint}`, GoTrue `{code, error_code, msg}`. */

export class RestError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: string | null = null,
		readonly hint: string | null = null
	) {
		super(message);
	}
	body() {
		return { code: this.code, message: this.message, details: this.details, hint: this.hint };
	}
}

export class AuthError extends Error {
	constructor(
		readonly status: number,
		readonly errorCode: string,
		message: string
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
	const exact: Record<string, number> = {
		'23503': 409, '23505': 409, '25006': 405, P0001: 400, '42883': 404, '42P01': 404, '42P17': 500
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
