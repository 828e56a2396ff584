/**
 * How a command line reaches the database as a researcher: the API from --url and --anon-key, or
 * from the env.json that `npm start` writes (default .local/standin/env.json); the account from
 * --email / --password, else RESEARCHER_EMAIL / RESEARCHER_PASSWORD, else the local demo account.
 * (`npm run clickme` reads the same options with its own copy of this; it can move here.)
 */
import { readFileSync } from 'node:fs';
import { signInResearcher, type PlatformClient } from '../data/index.js';
import { createNodeClient } from '../data/node.js';
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
	type PlatformEnv = { PUBLIC_SUPABASE_URL?: string; PUBLIC_SUPABASE_ANON_KEY?: string; APP_URL?: string };
	let env: PlatformEnv = {};
	let envProblem: string | null = null;
	try {
		env = JSON.parse(readFileSync(values.env ?? '.local/standin/env.json', 'utf8')) as PlatformEnv;
	} catch (error) {
		envProblem = (error as Error).message;
	}
	const url = values.url ?? env.PUBLIC_SUPABASE_URL;
	const anonKey = values['anon-key'] ?? env.PUBLIC_SUPABASE_ANON_KEY;
	if (!url || !anonKey) fail(`no database given: pass --url and --anon-key, or --env with the file npm start writes${envProblem ? ` (${envProblem})` : ''}`);
	const client = createNodeClient(url, anonKey);
	await signInResearcher(client, values.email ?? process.env.RESEARCHER_EMAIL ?? 'researcher@example.org', values.password ?? process.env.RESEARCHER_PASSWORD ?? 'local-demo-password')
		.catch((error: Error) => fail(`researcher sign-in failed: ${error.message}`));
	return { client, appUrl: env.APP_URL ?? null };
}
