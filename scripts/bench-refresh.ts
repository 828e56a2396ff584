/**
 * npm run bench:refresh -- [--people 200] [--trials 200] [--rounds 3] [--per-person 4] [--complete 5] [--before-rounds 1] [--database-url URL]
 *
 * The results page's live refresh, measured (src/lib/results/refresh-bench.ts says how): a study
 * of --people x --trials stored answers on a fresh in-memory stand-in, then --rounds refreshes,
 * each after --per-person new answers from every person still going (4: the study's pace of one
 * trial every 2.5 s over a 10 s refresh) and --complete sessions finished. Prints the bytes,
 * requests and time of each refresh as before issue 17 (everything again in pages of the whole
 * study; in the first --before-rounds rounds only, as it is slow), of a full read now (session
 * group by session group) and of the refresh now (only what changed), and whether all hold the
 * same answers and sessions (exit code 1 if not).
 */
import { parseArgs } from 'node:util';
import { fail, numberOption, NUMBER_RULES } from '../src/lib/command-line.js';
import { benchRefresh, researcherOn, seedStudy } from '../src/lib/results/refresh-bench.js';
import { startLocalStandin } from '../src/standin/local.js';

const { values } = parseArgs({
	options: {
		people: { type: 'string' },
		trials: { type: 'string' },
		rounds: { type: 'string' },
		'per-person': { type: 'string' },
		complete: { type: 'string' },
		'before-rounds': { type: 'string' },
		'database-url': { type: 'string' },
		help: { type: 'boolean', default: false }
	}
});
if (values.help) {
	console.log('usage: npm run bench:refresh -- [--people 200] [--trials 200] [--rounds 3] [--per-person 4] [--complete 5] [--before-rounds 1] [--database-url postgresql://... (default: PGlite in memory)]');
	process.exit(0);
}
const count = (name: 'people' | 'trials' | 'rounds' | 'per-person' | 'complete', fallback: number) => numberOption(name, values[name], ...NUMBER_RULES.positiveInteger) ?? fallback;
const people = count('people', 200), trials = count('trials', 200), rounds = count('rounds', 3), perPerson = count('per-person', 4), complete = count('complete', 5);
const beforeRounds = numberOption('before-rounds', values['before-rounds'], ...NUMBER_RULES.nonNegativeInteger) ?? 1;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
// the full reload's pages each filter every answer of the study through row-level security: on PGlite they take longer than a request's default limit
const standin = await startLocalStandin({ inMemory: true, databaseUrl: values['database-url'], jwtSecret: 'bench-refresh-secret-0123456789abcdef0123456789', limits: { timeoutMs: 600_000 } }).catch((error: Error) => fail(`could not start the stand-in: ${error.message}`));
try {
	const seeding = performance.now();
	const study = await seedStudy(standin.database, { slug: 'bench-refresh', people, trials, ageMinutes: 60 });
	console.log(`${standin.database.kind}: a study of ${people} people x ${trials} trials (${people * trials} answers) stored in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
	const client = await researcherOn(standin.url, standin.anonKey, 600_000); // the previous refresh's requests outlast the app's 20 s limit
	const results = await benchRefresh(standin.database, client, study, { rounds, perPerson, complete, beforeRounds });
	const cost = (c: { bytes: number; requests: number; ms: number } | null) => (c ? `${kb(c.bytes).padStart(11)} ${String(c.requests).padStart(3)} req ${c.ms.toFixed(0).padStart(7)} ms` : `${'(not run)'.padStart(31)}`);
	const slowest = (label: string, pick: (r: (typeof results)[number]) => { slowestMs: number } | null) => {
		const ms = Math.max(...results.map((r) => pick(r)?.slowestMs ?? 0));
		return ms ? `${label} ${(ms / 1000).toFixed(1)} s` : '';
	};
	console.log(`\nround  new answers  before: whole study in pages         full read now: by session groups   now: only what changed          same`);
	for (const r of results) {
		console.log(`${String(r.round).padStart(5)}  ${String(r.newTrials).padStart(11)}  ${cost(r.before)}   ${cost(r.full)}   ${cost(r.incremental)}   ${r.same ? 'yes' : 'NO'}${r.incremental.reloaded.length ? ` (read again: ${r.incremental.reloaded.join('; ')})` : ''}`);
	}
	const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
	const measuredBefore = results.filter((r) => r.before);
	const vs = (label: string, rows: typeof results, pick: (r: (typeof results)[number]) => { bytes: number; ms: number }) =>
		rows.length ? `${label}: ${(mean(rows.map((r) => pick(r).bytes)) / mean(rows.map((r) => r.incremental.bytes))).toFixed(0)}x the bytes, ${(mean(rows.map((r) => pick(r).ms)) / mean(rows.map((r) => r.incremental.ms))).toFixed(0)}x the time of the refresh now` : '';
	console.log(`\n${[vs('before', measuredBefore, (r) => r.before!), vs('full read now', results, (r) => r.full)].filter(Boolean).join('; ')} (bytes: response bodies as received)`);
	console.log(`slowest single request: ${[slowest('before', (r) => r.before), slowest('full read now', (r) => r.full), slowest('refresh now', (r) => r.incremental)].filter(Boolean).join(', ')} (the app gives up on a request after 20 s, the stand-in after 10 s of database time; this run lifts both)`);
	if (results.some((r) => !r.same)) {
		console.error('the refresh and the full reload hold different answers or sessions');
		process.exitCode = 1;
	}
} finally {
	await standin.close();
}
