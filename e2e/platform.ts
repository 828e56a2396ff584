/** How e2e tests reach the running platform's API: the start command writes env.json. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createNodeClient } from '../src/data/node.js';

const DATA_DIR = '.local/e2e';

export function platformEnv(): { PUBLIC_SUPABASE_URL: string; PUBLIC_SUPABASE_ANON_KEY: string; APP_URL: string } {
	return JSON.parse(readFileSync(path.join(DATA_DIR, 'env.json'), 'utf8'));
}

export function apiClient() {
	const env = platformEnv();
	return createNodeClient(env.PUBLIC_SUPABASE_URL, env.PUBLIC_SUPABASE_ANON_KEY);
}

export const LOCAL_RESEARCHER = { email: 'researcher@example.org', password: 'local-demo-password' };
