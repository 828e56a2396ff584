/**
 * npm run standin -- [--data DIR | --database-url URL] [--port 54321] [--host 127.0.0.1]
 *                    [--max-queue N] [--request-timeout-ms MS] [--pool-size N]
 *                    [--signups-per-minute N] [--sign-ins-per-minute N] [--rate-limit-loopback] [--quiet]
 * Serves /rest/v1 and /auth/v1 and prints the URL and API keys to put in the app's environment.
 */
import { parseArgs } from 'node:util';
import { numberOption } from '../lib/command-line.js';
import { LIMIT_OPTIONS, LIMIT_USAGE, limitsFromOptions } from './limit-options.js';
import { startLocalStandin } from './local.js';

const USAGE = `usage: npm run standin -- [--data DIR | --database-url URL] [--port 54321] [--host 127.0.0.1]
                          [--max-queue N] [--request-timeout-ms MS] [--pool-size N]
                          [--signups-per-minute N] [--sign-ins-per-minute N] [--rate-limit-loopback] [--quiet]
${LIMIT_USAGE}`;

const { values } = parseArgs({
	options: {
		data: { type: 'string', default: '.local/standin' },
		'database-url': { type: 'string' },
		port: { type: 'string', default: '54321' },
		host: { type: 'string', default: '127.0.0.1' },
		...LIMIT_OPTIONS,
		quiet: { type: 'boolean', default: false },
		help: { type: 'boolean', default: false }
	}
});
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}
const port = numberOption('port', values.port, (x) => Number.isInteger(x) && x >= 0 && x <= 65535, 'an integer from 0 to 65535')!;
const standin = await startLocalStandin({
	dataDir: values.data,
	databaseUrl: values['database-url'],
	port,
	host: values.host,
	...limitsFromOptions(values, values['database-url']),
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
