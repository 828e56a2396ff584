/**
 * The subset of GoTrue (Supabase Auth) that the platform uses:
 *   POST /auth/v1/signup                        anonymous sign-up (email sign-ups are disabled)
 *   POST /auth/v1/token?grant_type=password     researcher sign-in
 *   POST /auth/v1/token?grant_type=refresh_token
 *   GET  /auth/v1/user
 *   POST /auth/v1/logout[?scope=global|local|others]
 * Users live in auth.users (passwords as bcrypt, checked with pgcrypto's crypt() like GoTrue);
 * refresh tokens in auth.refresh_tokens, rotated on every use with GoTrue's reuse interval: a
 * token used again within `refreshTokenReuseSeconds` of its rotation (a retry whose answer was
 * lost) gets the session's current refresh token back; used again later, it is refused and its
 * session's tokens are revoked (GoTrue's reuse detection). Logging out deletes the tokens, as
 * GoTrue deletes the session. These statements run as the database owner, as GoTrue's own
 * connection does, never as the request's role.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AuthError } from './errors.js';
import { signJwt, verifyJwt, JwtError, type Claims } from './jwt.js';
import type { Queryable } from './database.js';

export interface AuthConfig {
	jwtSecret: string;
	/** Issuer written into tokens, e.g. http://127.0.0.1:54321/auth/v1 */
	issuer: string;
	/** Access-token lifetime in seconds (Supabase default 3600). */
	accessTokenSeconds: number;
	/** GoTrue's refresh_token_reuse_interval in seconds (Supabase default 10). */
	refreshTokenReuseSeconds: number;
}

export interface AuthRequest {
	method: string;
	/** Path after /auth/v1/, e.g. "token". */
	resource: string;
	query: URLSearchParams;
	bearer: string | null;
	body: Record<string, unknown>;
}

interface UserRow {
	id: string;
	aud: string;
	role: string;
	email: string | null;
	email_confirmed_at: string | null;
	last_sign_in_at: string | null;
	raw_app_meta_data: Record<string, unknown> | null;
	raw_user_meta_data: Record<string, unknown> | null;
	is_anonymous: boolean;
	created_at: string;
	updated_at: string;
}

const USER_COLUMNS = `id, aud, role, email, email_confirmed_at, last_sign_in_at, raw_app_meta_data,
	raw_user_meta_data, is_anonymous, created_at, updated_at`;

/** The user object GoTrue returns. */
function publicUser(user: UserRow) {
	return {
		id: user.id,
		aud: user.aud,
		role: user.role,
		email: user.email ?? '',
		phone: '',
		email_confirmed_at: user.email_confirmed_at ?? undefined,
		confirmed_at: user.email_confirmed_at ?? undefined,
		last_sign_in_at: user.last_sign_in_at ?? undefined,
		app_metadata: user.raw_app_meta_data ?? {},
		user_metadata: user.raw_user_meta_data ?? {},
		identities: [],
		created_at: user.created_at,
		updated_at: user.updated_at,
		is_anonymous: user.is_anonymous
	};
}

/** A new access token for the session; `refreshToken` given: that one (a reuse), else a new one is stored. */
async function issueSession(tx: Queryable, config: AuthConfig, user: UserRow, sessionId: string, method: string, refreshToken?: string) {
	const now = Math.floor(Date.now() / 1000);
	const claims: Claims = {
		iss: config.issuer,
		aud: user.aud,
		sub: user.id,
		exp: now + config.accessTokenSeconds,
		iat: now,
		email: user.email ?? '',
		phone: '',
		app_metadata: user.raw_app_meta_data ?? {},
		user_metadata: user.raw_user_meta_data ?? {},
		role: user.role,
		aal: 'aal1',
		amr: [{ method, timestamp: now }],
		session_id: sessionId,
		is_anonymous: user.is_anonymous
	};
	if (refreshToken === undefined) {
		refreshToken = randomBytes(16).toString('hex');
		await tx.query('insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)', [
			refreshToken,
			user.id,
			sessionId
		]);
	}
	return {
		access_token: signJwt(claims, config.jwtSecret),
		token_type: 'bearer',
		expires_in: config.accessTokenSeconds,
		expires_at: now + config.accessTokenSeconds,
		refresh_token: refreshToken,
		user: publicUser(user)
	};
}

function claimsFromBearer(config: AuthConfig, bearer: string | null): Claims {
	if (!bearer) throw new AuthError(401, 'no_authorization', 'This endpoint requires a Bearer token');
	try {
		return verifyJwt(bearer, config.jwtSecret);
	} catch (error) {
		const message = error instanceof JwtError ? error.message : 'invalid token';
		throw new AuthError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${message}`);
	}
}

async function signUp(tx: Queryable, config: AuthConfig, body: AuthRequest['body']) {
	if (body.email !== undefined || body.password !== undefined || body.phone !== undefined) {
		throw new AuthError(422, 'email_provider_disabled', 'Email signups are disabled: researcher accounts are created by an administrator');
	}
	const metadata = (body.data && typeof body.data === 'object' ? body.data : {}) as Record<string, unknown>;
	const [user] = await tx.query<UserRow>(
		`insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, is_anonymous, last_sign_in_at)
		 values ($1, 'authenticated', 'authenticated', null, '{"provider": "anonymous", "providers": []}', $2::jsonb, true, now())
		 returning ${USER_COLUMNS}`,
		[randomUUID(), JSON.stringify(metadata)]
	);
	return issueSession(tx, config, user!, randomUUID(), 'anonymous');
}

/**
 * A bcrypt hash of nothing, per configuration, with the cost of the newest password (gen_salt's
 * default 6 when there is none): an unknown email is checked against it, so that the answer
 * takes as long as for a known email with a wrong password and does not tell which emails exist.
 */
const dummyHashes = new WeakMap<AuthConfig, string>();
async function dummyHash(tx: Queryable, config: AuthConfig): Promise<string> {
	let hash = dummyHashes.get(config);
	if (!hash) {
		const [row] = await tx.query<{ hash: string }>(
			`select extensions.crypt('no such user', extensions.gen_salt('bf', coalesce(
			   (select substring(encrypted_password from 5 for 2)::int from auth.users
			     where encrypted_password ~ '^\\$2[aby]?\\$[0-9]{2}\\$' order by created_at desc limit 1), 6))) as hash`
		);
		hash = row!.hash;
		dummyHashes.set(config, hash);
	}
	return hash;
}

async function passwordGrant(tx: Queryable, config: AuthConfig, body: AuthRequest['body']) {
	const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
	const password = typeof body.password === 'string' ? body.password : '';
	if (!email || !password) throw new AuthError(400, 'validation_failed', 'Email and password are required');
	// One crypt() whether or not the email exists (against the dummy hash when it does not).
	const [checked] = await tx.query<{ id: string | null; ok: boolean }>(
		`select u.id, coalesce(extensions.crypt($2, coalesce(u.encrypted_password, $3)) = u.encrypted_password, false) as ok
		   from (select 1) one left join auth.users u on lower(u.email) = $1`,
		[email, password, await dummyHash(tx, config)]
	);
	if (!checked?.ok) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
	const [user] = await tx.query<UserRow>(
		`update auth.users set last_sign_in_at = now() where id = $1 returning ${USER_COLUMNS}`,
		[checked.id]
	);
	return issueSession(tx, config, user!, randomUUID(), 'password');
}

async function refreshGrant(tx: Queryable, config: AuthConfig, body: AuthRequest['body']) {
	const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
	// `for update`: two concurrent refreshes with one token take turns, the second sees it rotated
	const [row] = await tx.query<{ user_id: string; session_id: string; revoked: boolean; reusable: boolean }>(
		`select user_id, session_id, revoked, updated_at > now() - make_interval(secs => $2) as reusable
		   from auth.refresh_tokens where token = $1 for update`,
		[token, config.refreshTokenReuseSeconds]
	);
	if (!row) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
	let current: string | undefined;
	if (row.revoked) {
		if (!row.reusable) {
			await tx.query('update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and not revoked', [row.session_id]);
			throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
		}
		// within the reuse interval: the client lost the answer of its refresh; give it the session's current token
		const [active] = await tx.query<{ token: string }>(
			'select token from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1',
			[row.session_id]
		);
		if (!active) throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
		current = active.token;
	} else {
		await tx.query('update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1', [token]);
	}
	const [user] = await tx.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1`, [row.user_id]);
	if (!user) throw new AuthError(404, 'user_not_found', 'User from sub claim in JWT does not exist');
	return issueSession(tx, config, user, row.session_id, 'token_refresh', current);
}

/** Serves one GoTrue request; returns the JSON body (undefined for 204) and status. */
export async function handleAuth(tx: Queryable, config: AuthConfig, request: AuthRequest): Promise<{ status: number; body?: unknown }> {
	const route = `${request.method} ${request.resource}`;
	switch (route) {
		case 'POST signup':
			return { status: 200, body: await signUp(tx, config, request.body) };
		case 'POST token': {
			const grant = request.query.get('grant_type');
			if (grant === 'password') return { status: 200, body: await passwordGrant(tx, config, request.body) };
			if (grant === 'refresh_token') {
				try {
					return { status: 200, body: await refreshGrant(tx, config, request.body) };
				} catch (error) {
					// answered, not thrown, so that the revocation of the reused token's session commits
					if (error instanceof AuthError && error.errorCode === 'refresh_token_already_used') return { status: error.status, body: error.body() };
					throw error;
				}
			}
			throw new AuthError(400, 'validation_failed', `unsupported grant_type "${grant}" (supported: password, refresh_token)`);
		}
		case 'GET user': {
			const claims = claimsFromBearer(config, request.bearer);
			const [user] = await tx.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1`, [claims.sub]);
			if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
			return { status: 200, body: publicUser(user) };
		}
		case 'POST logout': {
			const claims = claimsFromBearer(config, request.bearer);
			const scope = request.query.get('scope') ?? 'global';
			const sessionId = String(claims.session_id ?? '');
			const statements: Record<string, [string, unknown[]]> = {
				global: ['user_id = $1', [claims.sub]],
				local: ['user_id = $1 and session_id = $2::uuid', [claims.sub, sessionId]],
				others: ['user_id = $1 and session_id <> $2::uuid', [claims.sub, sessionId]]
			};
			const statement = statements[scope];
			if (!statement) throw new AuthError(400, 'validation_failed', `scope must be global, local or others (got "${scope}")`);
			await tx.query(`delete from auth.refresh_tokens where ${statement[0]}`, statement[1]);
			return { status: 204 };
		}
		default:
			throw new AuthError(404, 'not_found', `The local stand-in does not serve ${request.method} /auth/v1/${request.resource}`);
	}
}
