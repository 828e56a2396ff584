/**
 * The platform's Supabase client and the three ways every data call goes through it: `query`
 * (one PostgREST request), `allRows` (a request paged past the row limit) and `rpc` (an API
 * function). Each turns a server error into a `DataError` with the server's code, HTTP status
 * and hint, in one place. The calls themselves live by area: participants.ts, researchers.ts,
 * results.ts, stimulus-sets.ts, model-runs.ts, clickme.ts.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

export type PlatformClient = SupabaseClient;

export interface ClientOptions {
	/** A WebSocket class for Node < 22, which has none built in (pass `ws`). Browsers need none. */
	webSocket?: unknown;
	/** Where the auth session persists; defaults to localStorage in browsers, memory elsewhere. */
	persistSession?: boolean;
	storageKey?: string;
}

/** A failed data call, with the server's code and status so callers can decide what to do. */
export class DataError extends Error {
	constructor(
		message: string,
		readonly code: string | null,
		readonly status: number | null,
		readonly hint: string | null = null
	) {
		super(message);
		this.name = 'DataError';
	}
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
		realtime: options.webSocket ? { transport: options.webSocket as never } : undefined
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
