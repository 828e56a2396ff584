/**
 * Maps as the command line and the dashboard read them, so both compare the same numbers:
 * - a stored map (importance_maps: a 16-bit PNG, the ClickMe reliability and the params naming
 *   the comparison it was computed for) becomes a HumanFeatureMap by `storedFeatureMap`, on the
 *   dashboard (src/lib/results/loader.svelte.ts) and in the test that checks the two agree;
 * - a map folder (`<image_id>.png` files, what `npm run clickme -- maps --out DIR` and
 *   `npm run models -- run --saliency DIR` write) carries the same facts in `maps.json`
 *   (MAP_FOLDER_METADATA): the ClickMe command writes its summary there, with each map's
 *   split-half reliability and, under `options`, the comparison it was computed for
 *   (`reliability_comparison`, src/clickgame/reliability.ts reliabilityParams). So a folder keeps
 *   the ceiling it was built with, as a stored map does.
 */
import { mapFromPng } from '../stimuli/importance-map.js';
import { FeatureInputError, type HumanFeatureMap } from './features.js';

/** The metadata file of a map folder. */
export const MAP_FOLDER_METADATA = 'maps.json';

/** A map's reliability and the comparison it was computed for (null: none). */
export interface MapReliability {
	reliability: number | null;
	reliability_comparison: string | null;
}

/** A stored map (PNG bytes, reliability, params) as the analysis compares it. */
export function storedFeatureMap(row: { png: Uint8Array; reliability?: number | null; params?: Record<string, unknown> | null }): HumanFeatureMap {
	const comparison = row.params?.reliability_comparison;
	return { ...mapFromPng(row.png), reliability: row.reliability ?? null, reliability_comparison: typeof comparison === 'string' ? comparison : null };
}

/**
 * Reads a folder's maps.json: `{"maps": [{"image_id", "reliability"}], "options": {"reliability_comparison"}}`
 * (other keys are kept by the writer and ignored here). `what` names the file in errors.
 */
export function parseMapFolderMetadata(text: string, what: string): Record<string, MapReliability> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new FeatureInputError(`${what} is not valid JSON: ${(error as Error).message}`);
	}
	const doc = parsed as { maps?: unknown; options?: { reliability_comparison?: unknown } } | null;
	if (!doc || typeof doc !== 'object' || !Array.isArray(doc.maps)) throw new FeatureInputError(`${what} must be an object with "maps": [{"image_id", "reliability"}] (what npm run clickme -- maps --out writes)`);
	const comparison = doc.options?.reliability_comparison;
	if (comparison !== undefined && comparison !== null && typeof comparison !== 'string') throw new FeatureInputError(`${what}: "options.reliability_comparison" must be a string such as "harmonization@224"`);
	const byImage: Record<string, MapReliability> = {};
	doc.maps.forEach((entry: unknown, i: number) => {
		const m = entry as { image_id?: unknown; reliability?: unknown } | null;
		if (!m || typeof m.image_id !== 'string' || !m.image_id) throw new FeatureInputError(`${what}: maps[${i}] needs an "image_id"`);
		if (m.reliability !== undefined && m.reliability !== null && (typeof m.reliability !== 'number' || !Number.isFinite(m.reliability))) {
			throw new FeatureInputError(`${what}: the reliability of image ${m.image_id} must be a number or null`);
		}
		byImage[m.image_id] = { reliability: (m.reliability as number | null | undefined) ?? null, reliability_comparison: (comparison as string | null | undefined) ?? null };
	});
	return byImage;
}
