/**
 * A harmonized model's provenance where it lives: in its model.json's `userDefinedMetadata`
 * (`harmonization`, written by the page's worker and by `npm run harmonize`). A served model's
 * model.json is fetched; one kept in this browser is read from IndexedDB through TF.js's own
 * handler (loaded only when asked). Null for a model that has none.
 */
import { BROWSER_STORE, type ModelEntry } from '../../inference/registry.js';
import { provenanceOf, type Provenance } from '../../harmonizer/model.js';

export async function readProvenance(entry: ModelEntry, modelUrl: string): Promise<Provenance | null> {
	if (entry.family !== 'harmonized' || entry.format !== 'layers') return null;
	if (modelUrl.startsWith(BROWSER_STORE)) {
		const tf = await import('@tensorflow/tfjs');
		const [handler] = tf.io.getLoadHandlers(modelUrl);
		if (!handler?.load) throw new Error(`${entry.id}: this browser cannot read ${modelUrl}`);
		return provenanceOf((await handler.load()).userDefinedMetadata);
	}
	const response = await fetch(modelUrl);
	if (!response.ok) throw new Error(`${entry.id}: ${modelUrl} answered ${response.status} ${response.statusText}`);
	return provenanceOf(((await response.json()) as { userDefinedMetadata?: unknown }).userDefinedMetadata);
}
