/** supabase-js in Node 20, which has no built-in WebSocket: hand it the `ws` package. */
import WebSocket from 'ws';
import { createPlatformClient, type ClientOptions, type PlatformClient } from './client.js';

export function createNodeClient(url: string, key: string, options: ClientOptions = {}): PlatformClient {
	return createPlatformClient(url, key, { webSocket: WebSocket, persistSession: false, ...options });
}
