/**
 * The platform's Supabase client and the three ways every data call goes through it: `query`
 * (one PostgREST request), `allRows` (a request paged past the row limit) and `rpc` (an API
 * function). Each turns a server error into a `DataError` with the server's code, HTTP status
 * and hint, in one place. The calls themselves live by area: participants.ts, researchers.ts,
 * results.ts, stimulus-sets.ts, model-runs.ts, clickme.ts.
 *
 * Every request the client makes (REST, RPC, auth) has a time limit (`requestTimeoutMs`,
 * default 20 s): a request the server never answers fails as a network error (status 0) and can
 * be retried, instead of blocking its caller (the trial queue sends one request at a time).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

export type PlatformClient = SupabaseClient;

export interface ClientOptions {
	/** A WebSocket class for Node < 22, which has none built in (pass `ws`). Browsers need none. */
	webSocket?: unknown;
	/** Where the auth session persists; defaults to localStorage in browsers, memory elsewhere. */
	persistSession?: boolean;
	storageKey?: string;
	/** Time limit of each request in ms (default DEFAULT_REQUEST_TIMEOUT_MS); a request past it fails with status 0. */
	requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/**
 * A failed data call, with the server's code and status so callers can decide what to do.
 * `retryAfterMs` is set when the server said how long to wait: its busy answer (HTTP 503,
 * Retry-After) carries the hint `retry-after:<seconds>` (src/standin and src/data READMEs).
 */
export class DataError extends Error {
	readonly retryAfterMs: number | null;
	constructor(
		message: string,
		readonly code: string | null,
		readonly status: number | null,
		readonly hint: string | null = null
	) {
		super(message);
		this.name = 'DataError';
		this.retryAfterMs = retryAfterMsOf(hint);
	}
}

/** The wait a hint `retry-after:<seconds>` asks for, in ms; null for any other hint. */
export function retryAfterMsOf(hint: string | null): number | null {
	const match = /^retry-after:\s*(\d+(?:\.\d+)?)$/i.exec(hint?.trim() ?? '');
	return match ? Math.round(Number(match[1]) * 1000) : null;
}

/** fetch with a time limit on each request (kept with the caller's own abort signal, if any). */
export function fetchWithTimeLimit(timeoutMs: number, inner: typeof fetch = (...args) => fetch(...args)): typeof fetch {
	return (input, init) => {
		const limit = AbortSignal.timeout(timeoutMs);
		const signal = init?.signal ? AbortSignal.any([init.signal, limit]) : limit;
		return inner(input, { ...init, signal });
	};
}

export function createPlatformClient(url: string, anonKey: string, options: ClientOptions = {}): PlatformClient {
	if (!url || !anonKey) {
		throw new DataError('Supabase URL and anon key are required (PUBLIC_SUPABASE_URL, PUBLIC_SUPABASE_ANON_KEY)', null, null);
	}
	return createClient(url, anonKey, {
		auth: {
			persistSession: options.persistSession ?? typeof window !== 'undefined',
			autoRefreshToken: typeof window !== 'undefined',
			storageKey: options.storageKey
		},
		realtime: options.webSocket ? { transport: options.webSocket as never } : undefined,
		global: { fetch: fetchWithTimeLimit(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) }
	});
}

interface SupabaseErrorLike {
	message: string;
	code?: string;
	hint?: string | null;
	status?: number;
}

/** What a supabase-js request resolves to (PostgREST builders and rpc alike). */
type Reply = { data: unknown; error: SupabaseErrorLike | null; status: number };

export function fail(error: SupabaseErrorLike, status: number | null = null): never {
	throw new DataError(error.message, error.code ?? null, status ?? error.status ?? null, error.hint ?? null);
}

/** One request: its data, or a DataError. */
export async function query<T = unknown>(request: PromiseLike<Reply>): Promise<T> {
	const { data, error, status } = await request;
	if (error) fail(error, status);
	return data as T;
}

const PAGE_ROWS = 1000; // PostgREST's usual max-rows

/** Every row of a query, fetched a page at a time past the server's row limit (order it stably). */
export async function allRows<T>(page: (from: number, to: number) => PromiseLike<Reply>): Promise<T[]> {
	const rows: T[] = [];
	for (let from = 0; ; from += PAGE_ROWS) {
		const data = await query<T[]>(page(from, from + PAGE_ROWS - 1));
		rows.push(...data);
		if (data.length < PAGE_ROWS) return rows;
	}
}

/** An API function (SECURITY DEFINER in supabase/migrations) by name, with its named arguments. */
export function rpc<T>(client: PlatformClient, fn: string, args: Record<string, unknown>): Promise<T> {
	return query<T>(client.rpc(fn, args));
}
