/**
 * Poison values in request bodies (issue #13, finding 10, the stand-in's part), on PGlite and on
 * PostgreSQL: the JSON body parser refuses a number beyond a double's range (which used to
 * become null silently) and over-deep nesting with a 400 that names the problem; a string
 * PostgreSQL cannot store (\u0000, a lone surrogate) reaches the database and comes back as
 * PostgreSQL's own 4xx in PostgREST's or GoTrue's shape, never a 500; and the stand-in serves
 * the next request as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const JWT_SECRET = 'poison-test-secret-0123456789abcdef0123456789';
const DEEP = '['.repeat(10_000) + ']'.repeat(10_000);

function poisonSuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`poison values on ${engine}`, () => {
		let standin: LocalStandin;
		/** POSTs raw JSON text (the poison must not pass through JSON.stringify here). */
		const post = async (route: string, text: string, key: 'anonKey' | 'serviceRoleKey' = 'anonKey') => {
			const response = await fetch(`${standin.url}${route}`, {
				method: 'POST',
				headers: { apikey: standin[key], 'content-type': 'application/json', prefer: 'return=representation' },
				body: text
			});
			return { status: response.status, body: await response.json().catch(() => null) };
		};
		const stillServes = async () => expect((await post('/rest/v1/rpc/get_study', '{"p_slug":"demo"}')).status).toBe(200);

		beforeAll(async () => {
			standin = await startLocalStandin({ inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET });
			await standin.database.exec(`create table public.poison_probe (id serial primary key, note text, doc jsonb, x double precision);
				grant all on public.poison_probe to service_role; grant usage on sequence public.poison_probe_id_seq to service_role;`);
		});
		afterAll(async () => {
			await standin?.close();
		});

		it.each([
			['1e309', '1e309', 'a number beyond the range of a double at $.p_slug'],
			['-1e309', '-1e309', 'a number beyond the range of a double at $.p_slug'],
			['10,000-deep nesting', DEEP, 'nests deeper than 100 levels']
		])('refuses %s in a body with a 400 naming it', async (_label, value, problem) => {
			for (const route of ['/rest/v1/rpc/get_study', '/rest/v1/poison_probe']) {
				const key = route.endsWith('probe') ? 'serviceRoleKey' : 'anonKey';
				const field = route.endsWith('probe') ? 'x' : 'p_slug';
				const { status, body } = await post(route, `{"${field}":${value}}`, key);
				expect(status).toBe(400);
				expect(body).toMatchObject({ code: 'PGRST102', message: expect.stringContaining(problem.replace('p_slug', field)) });
			}
			const auth = await post('/auth/v1/signup', `{"data":{"n":${value}}}`);
			expect(auth.status).toBe(400);
			expect(auth.body).toMatchObject({ code: 400, error_code: 'bad_json', msg: expect.stringContaining(problem.replace('$.p_slug', '$.data.n')) });
			await stillServes();
		});

		it('keeps the numbers a double can hold', async () => {
			const { status, body } = await post('/rest/v1/poison_probe', '{"x":1e308,"doc":{"tiny":5e-324}}', 'serviceRoleKey');
			expect(status).toBe(201);
			expect(body[0]).toMatchObject({ x: 1e308 });
		});

		it.each([
			['\\u0000', '22P05', 'unsupported Unicode escape sequence'],
			['\\ud800', '22P02', 'invalid input syntax for type json']
		])('answers %s in a string with PostgreSQL\'s 400, never a 500', async (escape, code, message) => {
			const rpc = await post('/rest/v1/rpc/get_study', `{"p_slug":"de${escape}mo"}`);
			expect(rpc.status).toBe(400);
			expect(rpc.body).toMatchObject({ code, message });
			const insert = await post('/rest/v1/poison_probe', `{"note":"a${escape}b"}`, 'serviceRoleKey');
			expect(insert.status).toBe(400);
			expect(insert.body).toMatchObject({ code, message });
			const nested = await post('/rest/v1/poison_probe', `{"doc":{"k":"a${escape}b"}}`, 'serviceRoleKey');
			expect(nested.status).toBe(400);
			const signUp = await post('/auth/v1/signup', `{"data":{"name":"a${escape}b"}}`);
			expect(signUp.status).toBe(400);
			expect(signUp.body).toMatchObject({ code: 400, error_code: 'validation_failed', msg: message });
			const signIn = await post('/auth/v1/token?grant_type=password', `{"email":"a${escape}b@example.org","password":"x"}`);
			expect(signIn.status).toBe(400);
			expect(['validation_failed', 'invalid_credentials']).toContain(signIn.body.error_code);
			await stillServes();
		});

		it('answers a \\u0000 in a filter with PostgreSQL\'s 400', async () => {
			const response = await fetch(`${standin.url}/rest/v1/studies?slug=eq.a%00b`, { headers: { apikey: standin.anonKey } });
			expect(response.status).toBe(400);
			expect((await response.json()).code).toBe('22021');
			await stillServes();
		});
	});
}

onBothEngines('poison', poisonSuite);
