/**
 * npm run standin -- [--data DIR | --database-url URL] [--port 54321] [--host 127.0.0.1]
 * Serves /rest/v1 and /auth/v1 and prints the URL and API keys to put in the app's environment.
 */
import { parseArgs } from 'node:util';
import { startLocalStandin } from './local.js';

const { values } = parseArgs({
	options: {
		data: { type: 'string', default: '.local/standin' },
		'database-url': { type: 'string' },
		port: { type: 'string', default: '54321' },
		host: { type: 'string', default: '127.0.0.1' },
		quiet: { type: 'boolean', default: false },
		help: { type: 'boolean', default: false }
	}
});
if (values.help) {
	console.log('usage: npm run standin -- [--data DIR | --database-url URL] [--port 54321] [--host 127.0.0.1] [--quiet]');
	process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
	console.error(`--port must be an integer from 0 to 65535 (got ${values.port})`);
	process.exit(2);
}
const standin = await startLocalStandin({
	dataDir: values.data,
	databaseUrl: values['database-url'],
	port,
	host: values.host,
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
