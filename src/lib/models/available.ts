/**
 * The models a page can use, in one list: the registry's (src/inference/zoo), those the server
 * serves from its imported folder (`npm run models -- import`, `npm run harmonize`: index.json at
 * /model-files/imported/, IMPORTED_MODEL_DIR), and those imported or harmonized in this browser
 * (IndexedDB, declarations in localStorage). A later source's model replaces an earlier one of
 * the same id. Used by the models page, the harmonizer and the ClickMe game.
 */
import { IMPORTED_INDEX, IMPORTED_PREFIX, parseImportedIndex } from '$inference/import-model.js';
import { BROWSER_STORE, MODEL_REGISTRY, type ModelEntry } from '$inference/registry.js';
import { browserModels } from '$lib/ImportModelFile.svelte';

/** The served imported models, then this browser's (each declaration checked as the registry checks any). */
export async function importedModels(): Promise<ModelEntry[]> {
	const response = await fetch(`/model-files/${IMPORTED_PREFIX}/${IMPORTED_INDEX}`);
	const served = response.ok ? parseImportedIndex(await response.text(), 'the imported models (.local/models/imported/index.json)') : [];
	return [...served, ...browserModels()];
}

/** Keeps the last model of each id, in the order of those last ones. */
export const lastOfEachId = (models: readonly ModelEntry[]): ModelEntry[] => models.filter((m, i) => models.findLastIndex((x) => x.id === m.id) === i);

/** The registry and the imported models. */
export async function availableModels(): Promise<ModelEntry[]> {
	return lastOfEachId([...MODEL_REGISTRY, ...(await importedModels())]);
}

/** Where a model comes from, for a person: the zoo, the server's imported folder, or only this browser. */
export function modelHome(entry: ModelEntry): 'registry' | 'served' | 'this browser' {
	if (entry.upstreamUrl?.startsWith(BROWSER_STORE)) return 'this browser';
	return MODEL_REGISTRY.some((m) => m.id === entry.id) ? 'registry' : 'served';
}
