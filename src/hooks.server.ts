/**
 * Serves two folders of large files that stay out of static/:
 *   /stimuli/<set>/...      built stimulus sets, from STIMULUS_SETS_DIR (default .local/stimuli),
 *                           where `npm start` builds them (a set is hundreds of megabytes of noise);
 *   /model-files/<id>/...   model weights, from MODEL_DIR when configured (the registry's local
 *                           copies; without it pages load each model from its public upstream);
 *   /model-files/imported/  models imported from ONNX (and TFLite) files, from IMPORTED_MODEL_DIR
 *                           (default .local/models/imported), with index.json listing them.
 * A set that is not on this disk (built on the dashboard, or recorded by `npm run stimuli -- build
 * --record` from elsewhere) is served from the database (stimulus_files, through stimulus_file()).
 * A deployment can serve both from anywhere else: a set's base_url and the registry say where.
 */
import type { Handle } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { env as publicEnv } from '$env/dynamic/public';
import { stimulusFile, type PlatformClient } from '$data/index.js';
import { createNodeClient } from '$data/node.js';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

const CONTENT_TYPES: Record<string, string> = {
	'.png': 'image/png',
	'.json': 'application/json',
	'.webp': 'image/webp',
	'.jpg': 'image/jpeg',
	'.bin': 'application/octet-stream'
};

function serveFile(root: string, relative: string, method: string, immutable: boolean): Response {
	const file = path.resolve(root, relative);
	if (!file.startsWith(path.resolve(root) + path.sep)) return new Response('Not found', { status: 404 });
	if (!existsSync(file) || !statSync(file).isFile()) return new Response(`No such file: ${relative}`, { status: 404 });
	const headers = {
		'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
		'content-length': String(statSync(file).size),
		// manifests change when a set is rebuilt; other files are named by what they hold
		'cache-control': immutable && !file.endsWith('.json') ? 'public, max-age=3600' : 'no-cache'
	};
	if (method === 'HEAD') return new Response(null, { headers });
	return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, { headers });
}

let storedFiles: PlatformClient | null = null;

/** A file of a set recorded in the database; sets there never change once ready. */
async function serveStoredFile(slug: string, relative: string, method: string): Promise<Response> {
	try {
		storedFiles ??= createNodeClient(publicEnv.PUBLIC_SUPABASE_URL ?? '', publicEnv.PUBLIC_SUPABASE_ANON_KEY ?? '');
		const bytes = await stimulusFile(storedFiles, slug, relative);
		if (!bytes) return new Response(`No such file: ${slug}/${relative}`, { status: 404 });
		const headers = {
			'content-type': CONTENT_TYPES[path.extname(relative)] ?? 'application/octet-stream',
			'content-length': String(bytes.length),
			'cache-control': relative.endsWith('.json') ? 'no-cache' : 'public, max-age=3600'
		};
		return new Response(method === 'HEAD' ? null : (bytes as Uint8Array<ArrayBuffer>), { headers });
	} catch (error) {
		return new Response(`Could not load ${slug}/${relative} from the database: ${(error as Error).message}`, { status: 503, headers: { 'retry-after': '2' } });
	}
}

export const handle: Handle = async ({ event, resolve }) => {
	const method = event.request.method;
	if (method === 'GET' || method === 'HEAD') {
		const { pathname } = event.url;
		const stimuli = /^\/stimuli\/([a-z0-9][a-z0-9-]*)\/(.+)$/.exec(pathname);
		if (stimuli && stimuli[1] !== 'photos') {
			const folder = path.resolve(env.STIMULUS_SETS_DIR || '.local/stimuli', stimuli[1]!);
			const relative = decodeURIComponent(stimuli[2]!);
			// a built set on disk has its manifest (.local/stimuli/maps, say, is not a set)
			return existsSync(path.join(folder, 'manifest.json')) ? serveFile(folder, relative, method, true) : serveStoredFile(stimuli[1]!, relative, method);
		}
		// models imported by `npm run models -- import` (src/inference/import-model.ts), from
		// IMPORTED_MODEL_DIR (default .local/models/imported): index.json lists their declarations
		const imported = /^\/model-files\/imported\/(.+)$/.exec(pathname);
		if (imported) {
			const folder = path.resolve(env.IMPORTED_MODEL_DIR || '.local/models/imported');
			if (imported[1] === 'index.json' && !existsSync(path.join(folder, 'index.json'))) return new Response('[]', { headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' } });
			return serveFile(folder, decodeURIComponent(imported[1]!), method, true);
		}
		const models = /^\/model-files\/([A-Za-z0-9_.-]+)\/(.+)$/.exec(pathname);
		if (models) {
			if (!env.MODEL_DIR) return new Response('No local model folder is configured (MODEL_DIR)', { status: 404 });
			return serveFile(path.resolve(env.MODEL_DIR, models[1]!), decodeURIComponent(models[2]!), method, true);
		}
	}
	return resolve(event);
};
