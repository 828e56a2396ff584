/**
 * Admission control and time limits (issue #13, finding 2), on PGlite and on PostgreSQL: with a
 * tiny queue, concurrent requests beyond it get the busy answer at once (503, Retry-After, the
 * PGRST503 body with hint retry-after:<N>); a statement past the time limit gets a 504 at the
 * deadline, never a hung socket, and what it wrote is rolled back.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onBothEngines, type Engine } from './engines.test-helper.js';
import { startLocalStandin, type LocalStandin } from './local.js';

const JWT_SECRET = 'admission-test-secret-0123456789abcdef0123456789';

/** A function that sleeps, then writes a row: a slow statement whose write must not survive a timeout. */
const SLOW_SQL = `
	create table if not exists public.admission_probe (id serial primary key, note text);
	grant insert, select on public.admission_probe to anon;
	grant usage on sequence public.admission_probe_id_seq to anon;
	create or replace function public.slow_write(p_ms int, p_note text) returns int language plpgsql as $$
	begin
		perform pg_sleep(p_ms / 1000.0);
		insert into public.admission_probe (note) values (p_note);
		return p_ms;
	end $$;
	grant execute on function public.slow_write(int, text) to anon;`;

function admissionSuite(engine: Engine, databaseUrl: () => string | undefined) {
	describe(`admission control on ${engine}`, () => {
		let standin: LocalStandin;
		const call = (ms: number, note: string) =>
			fetch(`${standin.url}/rest/v1/rpc/slow_write`, {
				method: 'POST',
				headers: { apikey: standin.anonKey, 'content-type': 'application/json' },
				body: JSON.stringify({ p_ms: ms, p_note: note })
			});
		/**
		 * Requests over already open keep-alive sockets, so that a burst arrives in one turn of the
		 * event loop (PGlite runs each statement on the process's one thread and would otherwise
		 * serve them one by one as their connections open).
		 */
		const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
		const raw = (ms: number, note: string) =>
			new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }>((resolve, reject) => {
				const body = JSON.stringify({ p_ms: ms, p_note: note });
				const request = http.request(`${standin.url}/rest/v1/rpc/slow_write`, {
					method: 'POST', agent,
					headers: { apikey: standin.anonKey, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
				}, (response) => {
					let text = '';
					response.on('data', (chunk) => (text += chunk));
					response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: JSON.parse(text) }));
				});
				request.on('error', reject);
				request.end(body);
			});
		const notes = () => standin.database.transaction((tx) => tx.query<{ note: string }>('select note from public.admission_probe'));

		beforeAll(async () => {
			standin = await startLocalStandin({
				inMemory: true, databaseUrl: databaseUrl(), jwtSecret: JWT_SECRET, seed: false,
				limits: { concurrency: 1, maxQueue: 2, timeoutMs: 1500 }
			});
			await standin.database.exec(SLOW_SQL);
		});
		afterAll(async () => {
			agent.destroy();
			await standin?.close();
		});

		it('answers requests beyond the queue bound at once with 503, Retry-After and the PGRST503 body', async () => {
			await Promise.all(Array.from({ length: 8 }, (_, i) => raw(0, `warm ${i}`))); // opens 8 sockets
			const started = Date.now();
			const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => raw(200, `queued ${i}`)));
			const busy = responses.filter((r) => r.status === 503);
			const served = responses.filter((r) => r.status === 200);
			// one runs, two wait, the other five are refused
			expect(served.length).toBe(3);
			expect(busy.length).toBe(5);
			for (const response of busy) {
				const seconds = response.headers['retry-after'];
				expect(seconds).toMatch(/^[1-9]\d*$/);
				expect(response.body).toEqual({
					code: 'PGRST503', message: `The server is busy: please retry in ${seconds} s.`,
					details: expect.stringContaining('--max-queue 2'), hint: `retry-after:${seconds}`
				});
			}
			expect(Date.now() - started).toBeLessThan(1400);
			expect((await notes()).filter((r) => r.note.startsWith('queued'))).toHaveLength(3);
		});

		it('answers a statement past the time limit with a 504 at the deadline and keeps nothing of it', async () => {
			const started = Date.now();
			const response = await call(2500, 'too slow');
			const elapsed = Date.now() - started;
			expect(response.status).toBe(504);
			expect(await response.json()).toEqual({
				code: '57014', message: 'canceling statement due to statement timeout',
				details: "The request ran past the stand-in's time limit of 1500 ms (--request-timeout-ms); nothing of it was stored.",
				hint: null
			});
			expect(elapsed).toBeGreaterThanOrEqual(1400);
			// PostgreSQL cancels the statement at the deadline; PGlite runs each statement on this
			// thread to its end, and answers when it returns
			if (engine === 'postgres') expect(elapsed).toBeLessThan(2400);
			// PostgreSQL cancelled the statement; PGlite cannot interrupt it, so the next request
			// waits until it is done (and rolled back), then is served
			const after = await call(0, 'after');
			expect(after.status).toBe(200);
			if (engine === 'postgres') expect(Date.now() - started - elapsed).toBeLessThan(700);
			expect((await notes()).map((r) => r.note)).not.toContain('too slow');
		});

		// Only PGlite keeps a timed-out statement running (PostgreSQL cancels it at the deadline, so
		// a request behind it gets its turn just in time): a request waiting behind it is refused
		// with the busy answer instead of starting past its own deadline.
		it.runIf(engine === 'pglite')('refuses a request whose wait for its turn passes the time limit with the busy answer', async () => {
			await Promise.all(['a', 'b', 'c'].map((note) => raw(0, `warm ${note}`)));
			// all three arrive at once; each may take 1500 ms from then
			const [a, b, c] = await Promise.all([raw(1000, 'a'), raw(1000, 'b'), raw(0, 'c')]);
			expect(a.status).toBe(200); // runs 0-1000 ms
			expect(b.status).toBe(504); // runs 1000-2000 ms, past its limit: rolled back
			expect(c.status).toBe(503); // its turn would come at 2000 ms, past its limit: never runs
			expect(c.headers['retry-after']).toMatch(/^[1-9]\d*$/);
			expect(c.body.details).toContain('without its turn');
			expect((await notes()).map((r) => r.note)).toEqual(expect.not.arrayContaining(['b', 'c']));
		});
	});
}

onBothEngines('admission', admissionSuite);
