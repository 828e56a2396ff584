/**
 * Builds a set's ClickMe maps from the strokes stored in the database and stores them with the
 * exclusion reasons: what `npm run clickme -- maps` and the dashboard's "Build maps" button both
 * run. The maths is aggregate.ts; this reads, aggregates and writes as the signed-in researcher.
 */
import { clickmeRounds, markClickmeExclusions, storeClickmeMaps, type PlatformClient } from '../data/index.js';
import { mapToPng } from '../stimuli/importance-map.js';
import { aggregateClickme, type AggregationOptions, type ClickmeAggregate } from './aggregate.js';

export interface BuildMapsOptions {
	aggregation: AggregationOptions;
	mode: 'game' | 'annotation';
	/** Use rounds made by automated tests too (the maps then say so in their params). */
	includeTest: boolean;
	/** Store the maps and exclusion reasons (false: compute only). */
	store: boolean;
	onProgress?: (done: number, total: number) => void;
}

export interface BuiltMaps {
	result: ClickmeAggregate;
	rounds: number;
	players: number;
	/** What each stored map records about how it was made. */
	params: Record<string, unknown>;
}

/** Once more after a dropped connection: the aggregation blocks the event loop, and a gateway may close idle sockets meanwhile. */
const retried = async <T>(work: () => Promise<T>): Promise<T> => work().catch((error: Error) => (/fetch failed/.test(error.message) ? work() : Promise.reject(error)));

export async function buildClickmeMaps(client: PlatformClient, setId: string, sizes: ReadonlyMap<string, { width: number; height: number }>, options: BuildMapsOptions): Promise<BuiltMaps> {
	const stored = (await clickmeRounds(client, setId, options.mode)).filter((r) => options.includeTest || !r.is_test);
	const result = aggregateClickme(stored, sizes, options.aggregation, options.onProgress);
	const params = { method: 'mean count map over players, normalized disk blur, scaled to 0..1', ...options.aggregation, mode: options.mode, include_test: options.includeTest };
	if (options.store) {
		const excluded = new Map(result.exclusions.map((e) => [e.round_id, e.reason]));
		await retried(() => markClickmeExclusions(client, setId, stored.map((r) => ({ round_id: r.id, reason: excluded.get(r.id) ?? null }))));
		await retried(() =>
			storeClickmeMaps(client, setId, result.maps.map((m) => ({ image_id: m.image_id, width: m.map.width, height: m.map.height, png: mapToPng(m.map), n_observers: m.n_players, reliability: m.reliability, params })))
		);
	}
	return { result, rounds: stored.length, players: new Set(stored.map((r) => r.player_id)).size, params };
}
