/** supabase-js in Node 20, which has no built-in WebSocket: hand it the `ws` package. */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { createPlatformClient, type ClientOptions, type PlatformClient } from './client.js';
import { signInResearcher } from './researchers.js';

export function createNodeClient(url: string, key: string, options: ClientOptions = {}): PlatformClient {
	return createPlatformClient(url, key, { webSocket: WebSocket, persistSession: false, ...options });
}

/** The command lines' database options: --env (the file npm start writes), or --url and --anon-key; the researcher's account. */
export interface ResearcherConnection {
	env: string;
	url?: string;
	anonKey?: string;
	email?: string;
	password?: string;
}

/** What `npm start` writes to its env file (.local/standin/env.json). */
export type PlatformEnv = { PUBLIC_SUPABASE_URL?: string; PUBLIC_SUPABASE_ANON_KEY?: string; APP_URL?: string };

/** Why a command line could not connect: a sentence for the user. */
export class ConnectionError extends Error {}

/**
 * A client signed in as the researcher, for the command lines (src/lib/researcher-cli.ts wraps it
 * with their options and one-line failures): the account defaults to RESEARCHER_EMAIL / RESEARCHER_PASSWORD, else the
 * local demo account.
 */
export async function connectResearcher(options: ResearcherConnection): Promise<{ client: PlatformClient; env: PlatformEnv; url: string }> {
	let env: PlatformEnv = {};
	let envProblem: string | null = null;
	try {
		env = JSON.parse(readFileSync(options.env, 'utf8')) as PlatformEnv;
	} catch (error) {
		envProblem = (error as Error).message;
	}
	const url = options.url ?? env.PUBLIC_SUPABASE_URL;
	const anonKey = options.anonKey ?? env.PUBLIC_SUPABASE_ANON_KEY;
	if (!url || !anonKey) throw new ConnectionError(`no database given: pass --url and --anon-key, or --env with the file npm start writes${envProblem ? ` (${envProblem})` : ''}`);
	const client = createNodeClient(url, anonKey);
	await signInResearcher(client, options.email ?? process.env.RESEARCHER_EMAIL ?? 'researcher@example.org', options.password ?? process.env.RESEARCHER_PASSWORD ?? 'local-demo-password').catch((error: Error) => {
		throw new ConnectionError(`researcher sign-in failed: ${error.message}`);
	});
	return { client, env, url };
}
