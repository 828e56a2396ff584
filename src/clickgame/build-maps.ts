/**
 * Builds a set's ClickMe maps from the strokes stored in the database and stores them with the
 * exclusion reasons: what `npm run clickme -- maps` and the dashboard's "Build maps" button both
 * run. The maths is aggregate.ts; this reads, aggregates and writes as the signed-in researcher.
 */
import { clickmeRounds, dropStaleClickmeMaps, markClickmeExclusions, storeClickmeMaps, type PlatformClient } from '../data/index.js';
import { mapToPng } from '../stimuli/importance-map.js';
import { aggregateClickme, minPlayersProblem, type AggregationOptions, type ClickmeAggregate, type ImageSize, type StoredRound } from './aggregate.js';
import { CLICKMAP_METHOD } from './maps.js';
import { reliabilityParams } from './reliability.js';

/** Runs the aggregation: in-process by default; the dashboard passes one that runs in a worker. */
export type Aggregator = (
	rounds: readonly StoredRound[],
	sizes: ReadonlyMap<string, ImageSize>,
	options: AggregationOptions,
	onProgress?: (done: number, total: number) => void
) => Promise<ClickmeAggregate>;

/** A build the researcher asked for that cannot make maps: the sentence says why. */
export class BuildMapsError extends Error {}

export interface BuildMapsOptions {
	aggregation: AggregationOptions;
	mode: 'game' | 'annotation';
	/** Use rounds made by automated tests too (the maps then say so in their params). */
	includeTest: boolean;
	/** Store the maps and exclusion reasons (false: compute only). */
	store: boolean;
	onProgress?: (done: number, total: number) => void;
	aggregate?: Aggregator;
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

/**
 * Reads the set's rounds, aggregates them and (with `store`) stores the maps and exclusion reasons,
 * then drops the set's clickme maps of images this build did not map, so a rebuild replaces the
 * previous one (each map's params carry `built_at`).
 */
export async function buildClickmeMaps(client: PlatformClient, setId: string, sizes: ReadonlyMap<string, { width: number; height: number }>, options: BuildMapsOptions): Promise<BuiltMaps> {
	const badMinimum = minPlayersProblem(options.aggregation.minPlayers, Infinity);
	if (badMinimum) throw new BuildMapsError(badMinimum);
	const stored = (await clickmeRounds(client, setId, options.mode)).filter((r) => options.includeTest || !r.is_test);
	const players = new Set(stored.map((r) => r.player_id)).size;
	if (stored.length === 0) throw new BuildMapsError(`nobody has painted this set in ${options.mode} mode yet${options.includeTest ? '' : ' (rounds made by automated tests are left out)'}`);
	const tooMany = minPlayersProblem(options.aggregation.minPlayers, players);
	if (tooMany) throw new BuildMapsError(tooMany);
	const aggregate: Aggregator = options.aggregate ?? (async (rounds, s, o, p) => aggregateClickme(rounds, s, o, p));
	const result = await aggregate(stored, sizes, options.aggregation, options.onProgress);
	const { comparison, ...aggregation } = options.aggregation;
	const params = {
		...CLICKMAP_METHOD,
		...aggregation,
		...reliabilityParams({ splits: aggregation.splits, seed: aggregation.seed, comparison }),
		mode: options.mode,
		include_test: options.includeTest,
		built_at: new Date().toISOString()
	};
	if (options.store) {
		const excluded = new Map(result.exclusions.map((e) => [e.round_id, e.reason]));
		await retried(() => markClickmeExclusions(client, setId, stored.map((r) => ({ round_id: r.id, reason: excluded.get(r.id) ?? null }))));
		await retried(() =>
			storeClickmeMaps(client, setId, result.maps.map((m) => ({ image_id: m.image_id, width: m.map.width, height: m.map.height, png: mapToPng(m.map), n_observers: m.n_players, reliability: m.reliability, params })))
		);
		await retried(() => dropStaleClickmeMaps(client, setId, result.maps.map((m) => m.image_id)));
	}
	return { result, rounds: stored.length, players, params };
}
