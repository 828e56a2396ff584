/**
 * A PostgreSQL restart under the stand-in (issue #13, finding 6): the stand-in survives it,
 * answers the request caught in it with a clear 503, and serves again afterwards without a
 * restart of its own. The test restarts a throwaway cluster of its own (scripts/pg-cluster.sh),
 * so that other suites' databases are not disturbed. It runs where PostgreSQL runs for the
 * contract tests (DATABASE_URL_ADMIN set; REQUIRE_POSTGRES makes that a must).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStandin, type LocalStandin } from './local.js';

const JWT_SECRET = 'restart-test-secret-0123456789abcdef0123456789';
const enabled = Boolean(process.env.DATABASE_URL_ADMIN || process.env.REQUIRE_POSTGRES);

/** Runs a function of scripts/pg-cluster.sh for the cluster in `dir` (empty: a new one); returns its output. */
function cluster(command: string, dir = ''): string {
	return execFileSync('bash', ['-c', `source scripts/pg-cluster.sh; PG_CLUSTER_DIR=${dir} ${command}`], { encoding: 'utf8' });
}

describe.skipIf(!enabled)('the stand-in across a PostgreSQL restart', () => {
	let dir = '';
	let standin: LocalStandin;
	const lines: string[] = [];
	const call = (body: Record<string, unknown>, fn = 'get_study') =>
		fetch(`${standin.url}/rest/v1/rpc/${fn}`, {
			method: 'POST', headers: { apikey: standin.anonKey, 'content-type': 'application/json' }, body: JSON.stringify(body)
		});

	beforeAll(async () => {
		const [clusterDir, port] = cluster('pg_cluster_start >/dev/null && echo "$PG_CLUSTER_DIR $PGPORT"').trim().split(' ');
		dir = clusterDir!;
		standin = await startLocalStandin({
			inMemory: true, jwtSecret: JWT_SECRET, databaseUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
			log: (line) => lines.push(line)
		});
		await standin.database.exec(`create or replace function public.nap(p_ms int) returns int language sql as
			$$ select p_ms from (select pg_sleep(p_ms / 1000.0)) s $$; grant execute on function public.nap(int) to anon;`);
	}, 60_000);
	afterAll(async () => {
		await standin?.close();
		if (dir) cluster('pg_cluster_stop', dir);
	});

	it('answers the request caught in the restart with 503, then serves again by itself', async () => {
		expect((await call({ p_slug: 'demo' })).status).toBe(200);
		await Promise.all([call({ p_slug: 'demo' }), call({ p_slug: 'demo' })]); // idle pooled connections to lose
		const caught = call({ p_ms: 5000 }, 'nap');
		await new Promise((resolve) => setTimeout(resolve, 300));
		cluster('pg_cluster_restart', dir);

		const answer = await caught;
		expect(answer.status).toBe(503);
		expect(answer.headers.get('retry-after')).toBe('1');
		expect(await answer.json()).toMatchObject({ code: 'PGRST001', message: 'The database is unavailable: please retry in 1 s.', hint: 'retry-after:1' });

		let status = 0;
		for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
			status = (await call({ p_slug: 'demo' })).status;
			if (status !== 200) {
				expect(status).toBe(503);
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		}
		expect(status).toBe(200);
		// the pooled connections that died idle were noticed, not fatal
		expect(lines.some((line) => line.startsWith('database connection lost'))).toBe(true);
	}, 60_000);
});
