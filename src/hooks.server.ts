/**
 * Serves built stimulus sets at /stimuli/<set>/... from the folder STIMULUS_SETS_DIR (default
 * .local/stimuli), where `npm start` builds them. They stay out of static/ because a set is large
 * (hundreds of megabytes of incompressible noise) and is built, not committed. A deployment can
 * serve sets from anywhere instead: each set's base_url in the database says where.
 */
import type { Handle } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

const CONTENT_TYPES: Record<string, string> = { '.png': 'image/png', '.json': 'application/json', '.webp': 'image/webp', '.jpg': 'image/jpeg' };

export const handle: Handle = async ({ event, resolve }) => {
	const match = /^\/stimuli\/([a-z0-9][a-z0-9-]*)\/(.+)$/.exec(event.url.pathname);
	if (match && match[1] !== 'photos' && (event.request.method === 'GET' || event.request.method === 'HEAD')) {
		const root = path.resolve(env.STIMULUS_SETS_DIR || '.local/stimuli', match[1]!);
		const file = path.resolve(root, decodeURIComponent(match[2]!));
		if (!file.startsWith(root + path.sep)) return new Response('Not found', { status: 404 });
		if (!existsSync(file) || !statSync(file).isFile()) return new Response(`No such stimulus file: ${event.url.pathname}`, { status: 404 });
		const headers = {
			'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
			'content-length': String(statSync(file).size),
			// the manifest changes when a set is rebuilt; files are named by image and level
			'cache-control': file.endsWith('manifest.json') ? 'no-cache' : 'public, max-age=3600'
		};
		if (event.request.method === 'HEAD') return new Response(null, { headers });
		return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, { headers });
	}
	return resolve(event);
};
