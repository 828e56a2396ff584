/** The ClickMe game's calls: players, rounds and strokes, the leaderboard, and the researcher's map building. */
import { allRows, rpc, type PlatformClient } from './client.js';
import type { ClickmeItem, TrialOutcome } from './contracts.js';
import { mapForDb, MAPS_PER_REQUEST, type ImportanceMapRow } from './stimulus-sets.js';

export interface ClickmeSet {
	id: string;
	slug: string;
	name: string;
	base_url: string;
}

/** A set open for ClickMe (players) or readable by the researcher (annotation). */
export function clickmeSet(client: PlatformClient, slug: string): Promise<ClickmeSet> {
	return rpc(client, 'clickme_set', { p_slug: slug });
}

/** Joins (or renames) the signed-in user as a player; DataError hint "nickname_taken" when taken. */
export function joinClickme(client: PlatformClient, nickname: string): Promise<{ player_id: string; nickname: string }> {
	return rpc(client, 'clickme_join', { p_nickname: nickname });
}

/** The images this player should paint next, those closest to `minPlayers` players first. */
export function nextClickmeImages(client: PlatformClient, setId: string, count: number, minPlayers: number): Promise<string[]> {
	return rpc(client, 'clickme_next_images', { p_set_id: setId, p_count: count, p_min_players: minPlayers });
}

/**
 * The signed-in annotator's annotations of a set so far: images ended "annotated" (the server
 * counts only rounds with strokes) and images only skipped. The annotation page resumes from it.
 */
export function clickmeAnnotationProgress(client: PlatformClient, setId: string): Promise<{ annotated: string[]; skipped: string[] }> {
	return rpc(client, 'clickme_annotation_progress', { p_set_id: setId });
}

/** Stores round starts, strokes and round ends in order; one outcome per item (the queue's contract). */
export function recordClickme(client: PlatformClient, items: ClickmeItem[]): Promise<TrialOutcome[]> {
	return rpc(client, 'clickme_record', { p_items: items });
}

export interface LeaderboardRow {
	nickname: string;
	best_total: number;
	games: number;
	is_me: boolean | null;
}

export function clickmeLeaderboard(client: PlatformClient, limit = 10, includeTest = false): Promise<LeaderboardRow[]> {
	return rpc(client, 'clickme_leaderboard', { p_limit: limit, p_include_test: includeTest });
}

export interface ClickmeRoundRow {
	id: string;
	player_id: string;
	image_id: string;
	mode: 'game' | 'annotation';
	device: 'mouse' | 'touch' | 'pen';
	outcome: string | null;
	is_test: boolean;
	excluded_reason: string | null;
	strokes: { stroke_index: number; radius: number; points: [number, number, number][] }[];
}

/** Researchers: every round of a set in one mode, with its strokes in order (paged past row limits). */
export async function clickmeRounds(client: PlatformClient, setId: string, mode: 'game' | 'annotation'): Promise<ClickmeRoundRow[]> {
	const rounds = (await allRows<Omit<ClickmeRoundRow, 'strokes'>>((from, to) =>
		client.from('clickme_rounds').select('id, player_id, image_id, mode, device, outcome, is_test, excluded_reason')
			.eq('set_id', setId).eq('mode', mode).order('id').range(from, to)
	)).map((r): ClickmeRoundRow => ({ ...r, strokes: [] }));
	const byId = new Map(rounds.map((r) => [r.id, r]));
	const ids = [...byId.keys()];
	for (let i = 0; i < ids.length; i += 100) {
		const strokes = await allRows<ClickmeRoundRow['strokes'][number] & { round_id: string }>((from, to) =>
			client.from('clickme_strokes').select('round_id, stroke_index, radius, points')
				.in('round_id', ids.slice(i, i + 100)).order('round_id').order('stroke_index').range(from, to)
		);
		for (const s of strokes) byId.get(s.round_id)!.strokes.push({ stroke_index: s.stroke_index, radius: s.radius, points: s.points });
	}
	return rounds;
}

/** Researchers: records why rounds are excluded (reason null clears it). Returns the rounds changed. */
export function markClickmeExclusions(client: PlatformClient, setId: string, exclusions: { round_id: string; reason: string | null }[]): Promise<number> {
	return rpc(client, 'clickme_mark_exclusions', { p_set_id: setId, p_exclusions: exclusions });
}

/** Researchers: stores maps aggregated from strokes as source "clickme" (the only way to write that source). */
export async function storeClickmeMaps(client: PlatformClient, setId: string, maps: ImportanceMapRow[]): Promise<number> {
	let stored = 0;
	for (let i = 0; i < maps.length; i += MAPS_PER_REQUEST) {
		stored += await rpc<number>(client, 'clickme_store_maps', { p_set_id: setId, p_maps: maps.slice(i, i + MAPS_PER_REQUEST).map(mapForDb) });
	}
	return stored;
}

/** Researchers: after storing a rebuild, drops the set's clickme maps of images it did not map. Returns how many. */
export function dropStaleClickmeMaps(client: PlatformClient, setId: string, keep: string[]): Promise<number> {
	return rpc(client, 'clickme_drop_stale_maps', { p_set_id: setId, p_keep: keep });
}
