/**
 * The local stand-in for a Supabase project's API gateway: /rest/v1 (PostgREST subset) and
 * /auth/v1 (GoTrue subset) on one port, with the same API keys, JWTs and error shapes, so that
 * supabase-js cannot tell the difference for the calls the platform makes.
 *
 * Each REST request runs in one transaction: claims into `request.jwt.claims`, then
 * `SET LOCAL ROLE` to the token's role (anon, authenticated, service_role), then the query -
 * exactly what PostgREST does - so the migrations' grants and policies decide everything.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAuth, type AuthConfig } from './auth.js';
import type { Database } from './database.js';
import { AuthError, RestError, restErrorFromSql } from './errors.js';
import { JwtError, signJwt, verifyJwt, type Claims } from './jwt.js';
import { DEFAULT_RATE_LIMITS, isLoopback, TokenBuckets, type RateLimits } from './rate-limit.js';
import { handleRest } from './rest.js';

export interface StandinOptions {
	database: Database;
	/** HS256 secret for every token (at least 32 characters, like Supabase's JWT secret). */
	jwtSecret: string;
	port?: number;
	host?: string;
	accessTokenSeconds?: number;
	/** GoTrue's refresh_token_reuse_interval in seconds (default 10, as on Supabase). */
	refreshTokenReuseSeconds?: number;
	/** Per-IP limits on anonymous sign-up and password sign-in (rate-limit.ts; default DEFAULT_RATE_LIMITS). */
	rateLimits?: Partial<RateLimits>;
	/** Called with one line per request, e.g. for a log file. */
	log?: (line: string) => void;
}

export interface Standin {
	url: string;
	anonKey: string;
	serviceRoleKey: string;
	close(): Promise<void>;
}

const ROLES = new Set(['anon', 'authenticated', 'service_role']);
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The anon and service_role API keys for a secret: long-lived JWTs, as a Supabase project issues. */
export function apiKeys(jwtSecret: string) {
	const base = { iss: 'supabase-standin', iat: 1767225600, exp: 2082758400 };
	return {
		anonKey: signJwt({ ...base, role: 'anon' }, jwtSecret),
		serviceRoleKey: signJwt({ ...base, role: 'service_role' }, jwtSecret)
	};
}

function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}, contentType = 'application/json; charset=utf-8') {
	const payload = body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, { ...headers, ...(payload ? { 'content-type': contentType } : {}) });
	res.end(payload);
}

/**
 * The request body, or a 413 sent with `Connection: close`: the rest of an oversized body is
 * discarded, never read as the next request of a keep-alive connection, and the client opens
 * a fresh connection for what it sends next.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
	const tooLarge = () => new RestError(413, 'PGRST413', `The request body is larger than ${MAX_BODY_BYTES} bytes`, null, null,
		{ connection: 'close' });
	if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
			req.off('data', onData);
			req.off('end', onEnd);
			chunks.length = 0;
			req.resume(); // discard the rest
			reject(tooLarge());
		};
		const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
		req.on('data', onData);
		req.on('end', onEnd);
		req.on('error', reject);
	});
}

/** Nesting beyond this is refused: PostgreSQL's recursive JSON parser would fail the request with a 500. */
export const MAX_JSON_DEPTH = 100;

/** Depth of `[`/`{` nesting in JSON text, counted without parsing (so 10k-deep input cannot overflow a stack). */
function nestingDepth(text: string): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92) i++; // backslash: skip the escaped character
			else if (c === 34) inString = false;
		} else if (c === 34) inString = true;
		else if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
		else if (c === 93 || c === 125) depth--;
	}
	return deepest;
}

/** The path of the first non-finite number (JSON.parse turns 1e309 into Infinity), or null. */
function nonFinitePath(value: unknown, at = '$'): string | null {
	if (typeof value === 'number') return Number.isFinite(value) ? null : at;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) {
			const found = nonFinitePath(value[i], `${at}[${i}]`);
			if (found) return found;
		}
	} else if (value && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			const found = nonFinitePath(item, `${at}.${key}`);
			if (found) return found;
		}
	}
	return null;
}

/**
 * The request body as JSON, refused with a 400 that names the problem when it is malformed,
 * nests deeper than MAX_JSON_DEPTH, or holds a number beyond a double's range (which JSON.parse
 * would make Infinity and JSON.stringify then null: a silent change of the value). Strings pass
 * as they are: PostgreSQL itself refuses what it cannot store (\u0000, a lone surrogate) with 400.
 */
export function parseJson(text: string): unknown {
	if (text.trim() === '') return undefined;
	if (nestingDepth(text) > MAX_JSON_DEPTH) {
		throw new RestError(400, 'PGRST102', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new RestError(400, 'PGRST102', 'Empty or invalid json');
	}
	const at = nonFinitePath(value);
	if (at) {
		throw new RestError(400, 'PGRST102', `The JSON body holds a number beyond the range of a double at ${at}`,
			'Numbers must be finite: JSON numbers beyond ±1.8e308 cannot be stored.');
	}
	return value;
}

/**
 * A database error met by an auth request, in GoTrue's shape: a value PostgreSQL refuses (a
 * \u0000 in an email) is the request's fault, 400; the busy, timeout and outage answers keep
 * their own shape (errors.ts); anything else stays a 500.
 */
function authErrorFromSql(error: unknown): unknown {
	if (error instanceof AuthError || error instanceof RestError) return error;
	const sql = restErrorFromSql(error, 'service_role');
	if (sql.code === 'PGRST000') return error;
	return new AuthError(sql.status, sql.status < 500 ? 'validation_failed' : 'unexpected_failure', sql.message);
}

function corsHeaders(req: http.IncomingMessage): Record<string, string> {
	return {
		'access-control-allow-origin': req.headers.origin ?? '*',
		'access-control-allow-methods': 'GET, HEAD, POST, PATCH, DELETE, OPTIONS',
		'access-control-allow-headers':
			'authorization, apikey, content-type, prefer, accept, accept-profile, content-profile, range, x-client-info, x-supabase-api-version',
		'access-control-expose-headers': 'content-range, content-location, x-supabase-api-version',
		'access-control-max-age': '600',
		vary: 'Origin'
	};
}

function bearerOf(req: http.IncomingMessage): string | null {
	const header = req.headers.authorization ?? '';
	const match = /^Bearer\s+(.+)$/i.exec(header);
	return match ? match[1]!.trim() : null;
}

export async function startStandin(options: StandinOptions): Promise<Standin> {
	const { database, jwtSecret } = options;
	if (jwtSecret.length < 32) throw new Error('jwtSecret must be at least 32 characters');
	const keys = apiKeys(jwtSecret);
	let authConfig: AuthConfig;
	const rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
	const limiters = {
		signup: rateLimits.anonymousSignUp && new TokenBuckets(rateLimits.anonymousSignUp),
		password: rateLimits.signIn && new TokenBuckets(rateLimits.signIn)
	};
	/** The 429 of GoTrue when this client has used up its sign-ups or sign-ins. */
	function rateLimited(req: http.IncomingMessage, route: string, grant: string | null): AuthError | null {
		const limiter = route === 'POST signup' ? limiters.signup : route === 'POST token' && grant === 'password' ? limiters.password : null;
		const address = req.socket.remoteAddress ?? '';
		if (!limiter || (isLoopback(address) && !rateLimits.limitLoopback)) return null;
		const wait = limiter.take(address);
		return wait === null ? null : new AuthError(429, 'over_request_rate_limit', `Request rate limit reached: please retry in ${wait} s`, { 'retry-after': String(wait) });
	}

	const server = http.createServer(async (req, res) => {
		const started = Date.now();
		const cors = corsHeaders(req);
		const url = new URL(req.url ?? '/', 'http://localhost');
		const method = req.method ?? 'GET';
		let status = 500;
		const reply = (code: number, body?: unknown, headers: Record<string, string> = {}, type?: string) => {
			status = code;
			send(res, code, body, { ...cors, ...headers }, type);
		};
		try {
			if (method === 'OPTIONS') return reply(204);
			const [, area, version, ...rest] = url.pathname.split('/');
			if (version !== 'v1' || (area !== 'rest' && area !== 'auth')) {
				return reply(404, { message: `no route for ${url.pathname}: the stand-in serves /rest/v1 and /auth/v1` });
			}
			const apikey = (req.headers.apikey as string | undefined) ?? url.searchParams.get('apikey');
			if (!apikey) return reply(401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
			try {
				verifyJwt(apikey, jwtSecret);
			} catch {
				return reply(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
			}
			const resource = rest.join('/');
			const text = await readBody(req);

			if (area === 'auth') {
				const limited = rateLimited(req, `${method} ${resource}`, url.searchParams.get('grant_type'));
				if (limited) throw limited;
				let body: Record<string, unknown> = {};
				try {
					const parsed = parseJson(text);
					if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
				} catch (error) {
					const problem = (error as Error).message;
					throw new AuthError(400, 'bad_json', problem === 'Empty or invalid json' ? 'Could not parse request body as JSON' : problem);
				}
				const result = await database.request((tx) =>
					handleAuth(tx, authConfig, { method, resource, query: url.searchParams, bearer: bearerOf(req), body })
				).catch((error: unknown) => {
					throw authErrorFromSql(error);
				});
				return reply(result.status, result.body);
			}

			// REST: the token decides the role; no Authorization header means the API key's role.
			const token = bearerOf(req) ?? apikey;
			let claims: Claims;
			try {
				claims = verifyJwt(token, jwtSecret);
			} catch (error) {
				const reason = error instanceof JwtError ? error.reason : 'malformed';
				if (reason === 'expired') throw new RestError(401, 'PGRST303', 'JWT expired');
				throw new RestError(401, 'PGRST301', reason === 'signature' ? 'JWSError JWSInvalidSignature' : `JWSError ${(error as Error).message}`);
			}
			const role = String(claims.role ?? 'anon');
			if (!ROLES.has(role)) throw new RestError(401, 'PGRST301', `JWT role "${role}" is not one of anon, authenticated, service_role`);
			const body = parseJson(text);
			try {
				const result = await database.request(async (tx) => {
					await tx.query(
						`select set_config('request.jwt.claims', $1, true), set_config('request.method', $2, true),
						        set_config('request.path', $3, true)`,
						[JSON.stringify(claims), method, url.pathname]
					);
					await tx.query(`set local role ${role}`); // role checked against ROLES above
					return handleRest(tx, { method, resource, query: url.searchParams, headers: req.headers as Record<string, string>, body });
				});
				const wantsObject = (req.headers.accept ?? '').includes('vnd.pgrst.object');
				return reply(result.status, result.body, result.headers,
					wantsObject ? 'application/vnd.pgrst.object+json; charset=utf-8' : undefined);
			} catch (error) {
				throw restErrorFromSql(error, role);
			}
		} catch (error) {
			if (error instanceof RestError) return reply(error.status, error.body(), error.headers);
			if (error instanceof AuthError) return reply(error.status, error.body(), error.headers);
			options.log?.(`error: ${(error as Error).stack ?? error}`);
			return reply(500, { code: 'PGRST000', message: (error as Error).message ?? String(error), details: null, hint: null });
		} finally {
			options.log?.(`${method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms`);
		}
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		// Keep idle connections as long as Supabase's gateway does: Node's 5 s default closes a
		// socket a client blocked in long work (a CLI aggregating maps) still thinks is open.
		server.keepAliveTimeout = 65_000;
		server.headersTimeout = 66_000;
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = server.address() as AddressInfo;
	const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
	authConfig = {
		jwtSecret,
		issuer: `${url}/auth/v1`,
		accessTokenSeconds: options.accessTokenSeconds ?? 3600,
		refreshTokenReuseSeconds: options.refreshTokenReuseSeconds ?? 10
	};

	return {
		url,
		...keys,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
