/**
 * The browser's one Supabase client, configured by environment (PUBLIC_SUPABASE_URL,
 * PUBLIC_SUPABASE_ANON_KEY) at run time, so one build runs against the local stand-in or a
 * real Supabase project.
 */
import { env } from '$env/dynamic/public';
import { createPlatformClient, type PlatformClient } from '$data/index.js';

let client: PlatformClient | null = null;

export class ConfigurationError extends Error {}

export function platformClient(): PlatformClient {
	if (client) return client;
	const url = env.PUBLIC_SUPABASE_URL;
	const key = env.PUBLIC_SUPABASE_ANON_KEY;
	if (!url || !key) {
		throw new ConfigurationError(
			'This page needs a database: PUBLIC_SUPABASE_URL and PUBLIC_SUPABASE_ANON_KEY are not set. ' +
				'Start the platform with `npm start` (local database) or set them to your Supabase project.'
		);
	}
	client = createPlatformClient(url, key);
	return client;
}
