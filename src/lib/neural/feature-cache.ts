/**
 * The neural page's feature cache, kept in the browser's IndexedDB (database `neural-features`,
 * store `features`) so it outlives the page: a second analysis of the same model, dataset, grid and
 * preprocessing, after a reload too, recomputes no features. Used by the worker (worker.ts), with
 * a Map in front of it for the worker's life.
 *
 * The key says everything the features depend on (`featureKey`): the model (id, input size and
 * the registry's preprocessing), the dataset (its stored id: a stored dataset's images never
 * change), the grid the maps are pooled to and the layer. A value is the pooled features
 * F[image, gy, gx, channel] (float32). Without IndexedDB (or when it refuses, e.g. storage full)
 * the cache is the Map alone, which the analysis does not notice.
 */
import type { ModelEntry } from '../../inference/registry.js';
import type { GridFeatures } from '../../neural/spatial.js';

const DB = 'neural-features', STORE = 'features';

export function featureKey(entry: Pick<ModelEntry, 'id' | 'inputSize' | 'preprocessing'>, datasetKey: string, grid: number, layer: string): string {
	return JSON.stringify({ model: entry.id, input: entry.inputSize, preprocessing: entry.preprocessing, dataset: datasetKey, grid, layer });
}

let opened: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
	opened ??= new Promise((resolve) => {
		if (typeof indexedDB === 'undefined') return resolve(null);
		const request = indexedDB.open(DB, 1);
		request.onupgradeneeded = () => request.result.createObjectStore(STORE);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => resolve(null);
	});
	return opened;
}

function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<T | undefined> {
	return open().then(
		(db) =>
			new Promise<T | undefined>((resolve) => {
				if (!db) return resolve(undefined);
				try {
					const request = act(db.transaction(STORE, mode).objectStore(STORE));
					request.onsuccess = () => resolve(request.result as T);
					request.onerror = () => resolve(undefined);
				} catch {
					resolve(undefined);
				}
			})
	);
}

const memory = new Map<string, GridFeatures>();

/** The cached features, or undefined. */
export async function cachedFeatures(key: string): Promise<GridFeatures | undefined> {
	const hit = memory.get(key) ?? (await run<GridFeatures>('readonly', (s) => s.get(key)));
	if (hit) memory.set(key, hit);
	return hit;
}

/** Keeps features in memory and in IndexedDB (float32, as computed). */
export async function keepFeatures(key: string, features: GridFeatures): Promise<void> {
	memory.set(key, features);
	const data = features.data instanceof Float32Array ? features.data : Float32Array.from(features.data);
	await run('readwrite', (s) => s.put({ images: features.images, grid: features.grid, channels: features.channels, data }, key));
}
