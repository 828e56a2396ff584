/**
 * The stand-in's GoTrue under retries and abuse (issue #13), on PGlite and on PostgreSQL:
 * - finding 3: a refresh retried within the reuse interval (its answer was lost) returns the
 *   session's current token instead of refusing it, so an anonymous participant keeps their
 *   identity; reused after the interval, the token is refused and its session revoked (GoTrue).
 * - finding 11: a sign-in with an unknown email takes as long as one with a wrong password, so
 *   the answer's timing does not tell which emails have accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { verifyJwt } from './jwt.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const JWT_SECRET = 'auth-test-secret-0123456789abcdef0123456789';

interface Session {
	access_token: string;
	refresh_token: string;
	user: { id: string };
}

function authSuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`GoTrue under retries on ${engine}`, () => {
		let standin: LocalStandin;
		const auth = async (route: string, body: unknown) => {
			const response = await fetch(`${standin.url}/auth/v1/${route}`, {
				method: 'POST', headers: { apikey: standin.anonKey, 'content-type': 'application/json' }, body: JSON.stringify(body)
			});
			return { status: response.status, headers: response.headers, body: await response.json() };
		};
		const refresh = (token: string) => auth('token?grant_type=refresh_token', { refresh_token: token });

		beforeAll(async () => {
			standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET, refreshTokenReuseSeconds: 2 });
		});
		afterAll(async () => {
			await standin?.close();
		});

		it('answers a retried refresh within the reuse interval with the current session, and refuses it after', async () => {
			const signUp = await auth('signup', {});
			expect(signUp.status).toBe(200);
			const first = signUp.body as Session;
			const rotated = await refresh(first.refresh_token);
			expect(rotated.status).toBe(200);
			const current = rotated.body as Session;
			expect(current.refresh_token).not.toBe(first.refresh_token);

			// the answer above was lost: the client retries with the token it still has
			const retried = await refresh(first.refresh_token);
			expect(retried.status).toBe(200);
			expect(retried.body.refresh_token).toBe(current.refresh_token);
			expect(retried.body.user.id).toBe(first.user.id);
			expect(verifyJwt(retried.body.access_token, JWT_SECRET).sub).toBe(first.user.id);
			// rotation goes on from the current token
			const next = await refresh(current.refresh_token);
			expect(next.status).toBe(200);
			expect(next.body.user.id).toBe(first.user.id);

			await new Promise((resolve) => setTimeout(resolve, 2200));
			const late = await refresh(first.refresh_token);
			expect(late.status).toBe(400);
			expect(late.body).toEqual({ code: 400, error_code: 'refresh_token_already_used', msg: 'Invalid Refresh Token: Already Used' });
			// reuse detection: the session's live token is revoked with it
			expect((await refresh(next.body.refresh_token)).body.error_code).toBe('refresh_token_already_used');
		});

		it('takes as long to refuse an unknown email as a wrong password', async () => {
			const signIn = async (email: string) => {
				const started = performance.now();
				const { status, body } = await auth('token?grant_type=password', { email, password: 'not-the-password' });
				expect(status).toBe(400);
				expect(body.error_code).toBe('invalid_credentials');
				return performance.now() - started;
			};
			const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
			const known: number[] = [];
			const unknown: number[] = [];
			await signIn('researcher@example.org'); // warm-up (and the dummy hash)
			for (let i = 0; i < 7; i++) {
				known.push(await signIn('researcher@example.org'));
				unknown.push(await signIn(`nobody-${i}@example.org`));
			}
			// without the dummy comparison an unknown email is answered several times faster
			expect(median(unknown)).toBeGreaterThan(0.6 * median(known));
		});
	});
}

onBothEngines('auth', authSuite);
