/**
 * The stand-in's HTTP edge (issue #13, finding 11), on PGlite (nothing here depends on the engine):
 * per-IP rate limits on anonymous sign-up and password sign-in (429 + Retry-After, loopback
 * exempt unless asked); a 413 that closes its connection cleanly instead of poisoning the next
 * request on a keep-alive socket; an RPC called with `{}` gets PostgREST's 404 PGRST202.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStandin, type LocalStandin } from './local.js';

const JWT_SECRET = 'http-test-secret-0123456789abcdef0123456789';

describe('the stand-in at its HTTP edge', () => {
	let open: LocalStandin; // default limits: loopback exempt
	let limited: LocalStandin; // small limits, applied to loopback too
	beforeAll(async () => {
		open = await startLocalStandin({ inMemory: true, jwtSecret: JWT_SECRET });
		limited = await startLocalStandin({
			inMemory: true, jwtSecret: JWT_SECRET,
			rateLimits: { limitLoopback: true, anonymousSignUp: { perMinute: 60, burst: 3 }, signIn: { perMinute: 6, burst: 2 } }
		});
	});
	afterAll(async () => {
		await open?.close();
		await limited?.close();
	});

	const auth = async (standin: LocalStandin, route: string, body: unknown) => {
		const response = await fetch(`${standin.url}/auth/v1/${route}`, {
			method: 'POST', headers: { apikey: standin.anonKey, 'content-type': 'application/json' }, body: JSON.stringify(body)
		});
		return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
	};

	it('limits anonymous sign-ups per IP with 429 and Retry-After', async () => {
		const answers = [];
		for (let i = 0; i < 4; i++) answers.push(await auth(limited, 'signup', {}));
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
		expect(answers[3]!.retryAfter).toBe('1');
		expect(answers[3]!.body).toEqual({ code: 429, error_code: 'over_request_rate_limit', msg: 'Request rate limit reached: please retry in 1 s' });
		await new Promise((resolve) => setTimeout(resolve, 1100)); // one token back (60 per minute)
		expect((await auth(limited, 'signup', {})).status).toBe(200);
	});

	it('limits password sign-ins per IP, failed or not', async () => {
		const tries = [];
		for (let i = 0; i < 3; i++) tries.push(await auth(limited, 'token?grant_type=password', { email: 'researcher@example.org', password: `guess-${i}` }));
		expect(tries.map((t) => t.status)).toEqual([400, 400, 429]);
		expect(tries[2]!.retryAfter).toBe('10');
		// a refresh is not a sign-in
		expect((await auth(limited, 'token?grant_type=refresh_token', { refresh_token: 'x' })).status).toBe(400);
	});

	it('does not limit this machine by default (tests, the load benchmark, e2e)', async () => {
		const statuses = await Promise.all(Array.from({ length: 70 }, () => auth(open, 'signup', {}).then((a) => a.status)));
		expect(statuses.every((s) => s === 200)).toBe(true);
	});

	it('answers an oversized body with 413 and closes that connection, so the next requests on it are served', async () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const send = (body: Buffer | string, chunked = false) =>
			new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
				const request = http.request(`${open.url}/rest/v1/rpc/get_study`, {
					method: 'POST', agent,
					headers: { apikey: open.anonKey, 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }) }
				}, (response) => {
					let text = '';
					response.on('data', (chunk) => (text += chunk));
					response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection, body: text }));
				});
				request.on('error', reject);
				if (chunked) {
					for (let i = 0; i < 17; i++) request.write(Buffer.alloc(1024 * 1024, 'x'));
					request.end();
				} else request.end(body);
			});
		try {
			const big = Buffer.alloc(17 * 1024 * 1024, 'x');
			const small = '{"p_slug":"demo"}';
			const [tooLarge, next, after] = await Promise.all([send(big), send(small), send(small)]);
			expect(tooLarge.status).toBe(413);
			expect(tooLarge.connection).toBe('close');
			expect(JSON.parse(tooLarge.body)).toEqual({ code: 'PGRST413', message: 'The request body is larger than 16777216 bytes', details: null, hint: null });
			expect([next.status, after.status]).toEqual([200, 200]);
			const [chunked, then] = await Promise.all([send('', true), send(small)]);
			expect(chunked.status).toBe(413);
			expect(then.status).toBe(200);
		} finally {
			agent.destroy();
		}
	});

	it("answers an RPC called with {} like PostgREST: 404 PGRST202, the function's parameters in the hint", async () => {
		const response = await fetch(`${open.url}/rest/v1/rpc/get_study`, {
			method: 'POST', headers: { apikey: open.anonKey, 'content-type': 'application/json' }, body: '{}'
		});
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({
			code: 'PGRST202',
			message: 'Could not find the function public.get_study without parameters in the schema cache',
			details: 'Searched for the function public.get_study without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
			hint: 'Perhaps you meant to call the function public.get_study(p_slug)'
		});
	});
});
