/**
 * Loading a built set by its manifest, the same way in the browser (experiment, model pages)
 * and in Node (model CLI): files are fetched relative to the set's base URL and checked against
 * the manifest's sha256, so a model sees byte-for-byte the stimulus a person saw.
 */
import { sha256Hex } from './hash.js';
import { checkManifest, type StimulusSetManifest } from './manifest.js';

export interface LoadedStimulusSet {
	baseUrl: string;
	manifest: StimulusSetManifest;
	/** Absolute URL of a file named in the manifest. */
	url(file: string): string;
}

type Fetch = (input: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> }>;

export async function loadStimulusSet(baseUrl: string, fetcher: Fetch = fetch): Promise<LoadedStimulusSet> {
	const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
	const response = await fetcher(`${base}manifest.json`);
	if (!response.ok) throw new Error(`could not load the stimulus set manifest ${base}manifest.json (HTTP ${response.status})`);
	const manifest = checkManifest(await response.json());
	return { baseUrl: base, manifest, url: (file) => `${base}${file}` };
}

/** Fetches a file of the set and refuses it unless its sha256 matches the manifest's. */
export async function fetchVerified(set: LoadedStimulusSet, file: string, sha256: string, fetcher: Fetch = fetch): Promise<Uint8Array> {
	return fetchUrlVerified(set.url(file), sha256, fetcher, file);
}

/** Fetches a file of a set by its absolute URL (a Web Worker has no loaded set) and refuses it unless its sha256 matches the manifest's. */
export async function fetchUrlVerified(url: string, sha256: string, fetcher: Fetch = fetch, name = url): Promise<Uint8Array> {
	const response = await fetcher(url);
	if (!response.ok) throw new Error(`could not load ${url} (HTTP ${response.status})`);
	const bytes = new Uint8Array(await response.arrayBuffer());
	const actual = await sha256Hex(bytes);
	if (actual !== sha256) throw new Error(`${name} does not match the manifest (sha256 ${actual}, expected ${sha256}): the set was rebuilt or altered`);
	return bytes;
}
