/**
 * npm run standin -- [--data DIR | --database-url URL] [--port 54321] [--host 127.0.0.1]
 *                    [--max-queue N] [--request-timeout-ms MS] [--pool-size N]
 *                    [--signups-per-minute N] [--sign-ins-per-minute N] [--rate-limit-loopback] [--quiet]
 * Serves /rest/v1 and /auth/v1 and prints the URL and API keys to put in the app's environment.
 */
import { parseArgs } from 'node:util';
import { fail, numberOption, NUMBER_RULES } from '../lib/command-line.js';
import { startLocalStandin } from './local.js';
import { rateLimitsFromOptions } from './rate-limit.js';

const USAGE = `usage: npm run standin -- [--data DIR | --database-url URL] [--port 54321] [--host 127.0.0.1]
                          [--max-queue N] [--request-timeout-ms MS] [--pool-size N]
                          [--signups-per-minute N] [--sign-ins-per-minute N] [--rate-limit-loopback] [--quiet]
  --max-queue N            requests that may wait for the database; the next gets 503 + Retry-After
                           (default 100 on PGlite, 400 on PostgreSQL)
  --request-timeout-ms MS  time limit of one request, waiting included (default 10000)
  --pool-size N            PostgreSQL connections, i.e. requests that run at once (default 8)
  --signups-per-minute N   anonymous sign-ups per client IP (default 60; 0: no limit)
  --sign-ins-per-minute N  password sign-ins per client IP (default 10; 0: no limit)
  --rate-limit-loopback    limit 127.0.0.1 and ::1 too (behind a reverse proxy on this machine)`;

const { values } = parseArgs({
	options: {
		data: { type: 'string', default: '.local/standin' },
		'database-url': { type: 'string' },
		port: { type: 'string', default: '54321' },
		host: { type: 'string', default: '127.0.0.1' },
		'max-queue': { type: 'string' },
		'request-timeout-ms': { type: 'string' },
		'pool-size': { type: 'string' },
		'signups-per-minute': { type: 'string' },
		'sign-ins-per-minute': { type: 'string' },
		'rate-limit-loopback': { type: 'boolean', default: false },
		quiet: { type: 'boolean', default: false },
		help: { type: 'boolean', default: false }
	}
});
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}
const port = numberOption('port', values.port, (x) => Number.isInteger(x) && x >= 0 && x <= 65535, 'an integer from 0 to 65535')!;
const poolSize = numberOption('pool-size', values['pool-size'], ...NUMBER_RULES.positiveInteger);
if (poolSize !== undefined && !values['database-url']) fail('--pool-size is for --database-url: the embedded PGlite has one connection');
const standin = await startLocalStandin({
	dataDir: values.data,
	databaseUrl: values['database-url'],
	port,
	host: values.host,
	limits: {
		maxQueue: numberOption('max-queue', values['max-queue'], ...NUMBER_RULES.nonNegativeInteger),
		timeoutMs: numberOption('request-timeout-ms', values['request-timeout-ms'], ...NUMBER_RULES.positiveInteger),
		concurrency: poolSize
	},
	rateLimits: rateLimitsFromOptions({
		signUpsPerMinute: numberOption('signups-per-minute', values['signups-per-minute'], ...NUMBER_RULES.nonNegativeInteger),
		signInsPerMinute: numberOption('sign-ins-per-minute', values['sign-ins-per-minute'], ...NUMBER_RULES.nonNegativeInteger),
		limitLoopback: values['rate-limit-loopback']
	}),
	log: values.quiet ? undefined : (line) => console.log(line)
});
console.log(`Supabase stand-in on ${standin.database.kind}: ${standin.url}`);
if (standin.migrations.applied.length) console.log(`applied migrations: ${standin.migrations.applied.join(', ')}`);
if (standin.migrations.seeded) console.log('seeded the demo data (supabase/seed.sql)');
console.log(`PUBLIC_SUPABASE_URL=${standin.url}`);
console.log(`PUBLIC_SUPABASE_ANON_KEY=${standin.anonKey}`);
const stop = async () => {
	await standin.close();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
