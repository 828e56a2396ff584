/**
 * How a command line reaches the database as a researcher: the API from --url and --anon-key, or
 * from the env.json that `npm start` writes (default .local/standin/env.json); the account from
 * --email / --password, else RESEARCHER_EMAIL / RESEARCHER_PASSWORD, else the local demo account.
 * The connection itself is src/data/node.ts connectResearcher.
 */
import type { PlatformClient } from '../data/index.js';
import { connectResearcher, ConnectionError } from '../data/node.js';
import { fail } from './command-line.js';

export const RESEARCHER_OPTIONS = {
	env: { type: 'string', default: '.local/standin/env.json' },
	url: { type: 'string' },
	'anon-key': { type: 'string' },
	email: { type: 'string' },
	password: { type: 'string' }
} as const;

export const RESEARCHER_USAGE = `[--env .local/standin/env.json | --url URL --anon-key KEY] [--email EMAIL --password PASSWORD]
The researcher account defaults to RESEARCHER_EMAIL / RESEARCHER_PASSWORD, else the local demo account.`;

export interface ResearcherOptionValues {
	env?: string;
	url?: string;
	'anon-key'?: string;
	email?: string;
	password?: string;
}

/** A client signed in as the researcher, and the app's URL when env.json names it; fails in one line otherwise. */
export async function researcherClient(values: ResearcherOptionValues): Promise<{ client: PlatformClient; appUrl: string | null }> {
	const { client, env } = await connectResearcher({ env: values.env ?? RESEARCHER_OPTIONS.env.default, url: values.url, anonKey: values['anon-key'], email: values.email, password: values.password })
		.catch((error: Error) => fail(error instanceof ConnectionError ? error.message : `could not reach the database: ${error.message}`));
	return { client, appUrl: env.APP_URL ?? null };
}
