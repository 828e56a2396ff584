/**
 * The small load run that CI keeps (the heavy ones stay in `npm run bench:load`, README.md in
 * this folder): 20 simulated participants through the app's own client code and trial queue, at
 * a fast pace for 15 s, against a fresh stand-in in a child process; every trial is checked
 * against the database. On PGlite, and on PostgreSQL when DATABASE_URL_ADMIN is set (`npm test`).
 * The first run builds the demo set into .local/stimuli (about 40 s, once; `npm start` reuses it).
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from './report.js';
import { LOAD_DEFAULTS, runLoad, type LoadOptions } from './run.js';

const adminUrl = process.env.DATABASE_URL_ADMIN;
if (!adminUrl && process.env.REQUIRE_POSTGRES) {
	throw new Error('REQUIRE_POSTGRES is set but DATABASE_URL_ADMIN is not: the PostgreSQL load run cannot run');
}

const SMALL_RUN: LoadOptions = { ...LOAD_DEFAULTS, participants: 20, paceMs: 250, durationS: 15, rampS: 2, drainS: 60, limitS: 200 };

describe.each([
	{ engine: 'pglite' as const, skip: false },
	{ engine: 'postgres' as const, skip: !adminUrl }
])('a small load run on $engine', ({ engine, skip }) => {
	it.skipIf(skip)(
		'loses nothing and rejects nothing valid',
		async () => {
			const report = await runLoad({ ...SMALL_RUN, engine, postgresAdminUrl: adminUrl });
			console.log(formatReport(report));
			expect(report.verificationError).toBeNull();
			expect(report.standin.unexpectedExits).toEqual([]);
			expect(report.verification!.enqueued).toBeGreaterThan(20 * 10);
			expect(report.verification!.lostConfirmed).toBe(0);
			expect(report.verification!.lostEnqueued).toBe(0);
			expect(report.participants.completed).toBe(20);
			// issue #13 findings 10 and 1: resends answered "duplicate", never "rejected", and one request in flight per queue
			expect(report.verification!.falseRejections).toBe(0);
			expect(report.problems).toEqual([]);
			expect(report.duplicatePercent).toBeLessThan(1);
		},
		240_000
	);
});
