/**
 * From stored rounds and strokes to the `clickme` maps of a set:
 *  1. quality: rounds on touch screens (when excludeTouch) and rounds with fewer than
 *     minStrokes strokes are excluded, each with its reason;
 *  2. each remaining player's click points per image become a count map (maps.ts clickCounts, as
 *     ClickMe's processing counts them); a round with no point inside the image is excluded;
 *  3. players whose maps disagree with the others (leave-one-out, reliability.ts) are flagged
 *     and their rounds excluded, saying so;
 *  4. images with at least minPlayers players get a map (maps.ts) and a split-half reliability
 *     made on the footing of the score it will divide (reliability.ts, `comparison`); the ceiling
 *     is the mean reliability over those images.
 */
import type { ImportanceMap } from '../stimuli/importance-map.js';
import { DEFAULT_COMPARISON, type MapComparison } from '../analysis/features.js';
import { CLICKME_DEFAULTS, type ClickmeConfig } from './config.js';
import { blurSizeFor, clickCounts, clickMap } from './maps.js';
import type { Stroke } from './paint.js';
import { flagPlayers, leaveOneOut, splitHalfReliability, type ImagePlayers, type PlayerAgreement } from './reliability.js';

export interface StoredRound {
	id: string;
	player_id: string;
	image_id: string;
	device: 'mouse' | 'touch' | 'pen';
	strokes: Stroke[];
}

export interface ImageSize {
	width: number;
	height: number;
}

export type AggregationOptions = Pick<ClickmeConfig, 'minPlayers' | 'splits' | 'seed' | 'minStrokes' | 'excludeTouch' | 'leaveOneOutSd' | 'blurSize'> & {
	/** How the feature score compares maps: the ceiling's half-maps are compared the same way. */
	comparison: MapComparison;
};

export interface ClickmeAggregate {
	maps: { image_id: string; map: ImportanceMap; n_players: number; reliability: number | null }[];
	/** Images left without a map, and why. */
	skipped: { image_id: string; players: number; reason: string }[];
	exclusions: { round_id: string; reason: string }[];
	players: PlayerAgreement[];
	/** Mean split-half reliability over the mapped images (the human ceiling), null when none. */
	ceiling: number | null;
	options: AggregationOptions;
}

export const DEFAULT_AGGREGATION: AggregationOptions = {
	minPlayers: CLICKME_DEFAULTS.minPlayers,
	splits: CLICKME_DEFAULTS.splits,
	seed: CLICKME_DEFAULTS.seed,
	minStrokes: CLICKME_DEFAULTS.minStrokes,
	excludeTouch: CLICKME_DEFAULTS.excludeTouch,
	leaveOneOutSd: CLICKME_DEFAULTS.leaveOneOutSd,
	blurSize: CLICKME_DEFAULTS.blurSize,
	comparison: DEFAULT_COMPARISON
};

/** Each image's players with their count maps (the sum of their rounds' click counts). */
function playersByImage(rounds: readonly StoredRound[], sizes: ReadonlyMap<string, ImageSize>): ImagePlayers[] {
	const images = new Map<string, ImagePlayers>();
	for (const round of rounds) {
		const size = sizes.get(round.image_id)!;
		const image = images.get(round.image_id) ?? { image_id: round.image_id, ...size, players: new Map() };
		images.set(round.image_id, image);
		const counts = image.players.get(round.player_id) ?? new Float64Array(size.width * size.height);
		const clicks = clickCounts(size.width, size.height, round.strokes);
		for (let i = 0; i < clicks.length; i++) counts[i] = counts[i]! + clicks[i]!;
		image.players.set(round.player_id, counts);
	}
	return [...images.values()].sort((a, b) => a.image_id.localeCompare(b.image_id));
}

/** The rule a minimum player count must meet, as a sentence (null when it is fine). */
export function minPlayersProblem(minPlayers: number, players: number): string | null {
	if (!Number.isInteger(minPlayers) || minPlayers < 1) return `the minimum number of players per image must be a whole number of at least 1 (got ${minPlayers})`;
	if (minPlayers > players) return `the minimum number of players per image (${minPlayers}) is more than the ${players} player${players === 1 ? '' : 's'} who painted this set, so no image would get a map`;
	return null;
}

export function aggregateClickme(rounds: readonly StoredRound[], sizes: ReadonlyMap<string, ImageSize>, options: AggregationOptions = DEFAULT_AGGREGATION, onProgress?: (done: number, total: number) => void): ClickmeAggregate {
	const exclusions: ClickmeAggregate['exclusions'] = [];
	for (const round of rounds) {
		if (!sizes.has(round.image_id)) throw new Error(`round ${round.id} is on image "${round.image_id}", which the set does not have`);
	}
	const clicksInside = (round: StoredRound) => {
		const { width, height } = sizes.get(round.image_id)!;
		return round.strokes.some((s) => s.points.some(([x, y]) => x >= 0 && x < width && y >= 0 && y < height));
	};
	const kept = rounds.filter((round) => {
		let reason: string | null = null;
		if (options.excludeTouch && round.device === 'touch') reason = 'painted on a touch screen (the study excludes touch devices)';
		else if (round.strokes.length < options.minStrokes) reason = `too few strokes (${round.strokes.length} < ${options.minStrokes})`;
		else if (!clicksInside(round)) reason = 'no click inside the image (ClickMe keeps maps with at least one click)';
		if (reason) exclusions.push({ round_id: round.id, reason });
		return reason === null;
	});
	const blur = (size: ImageSize) => blurSizeFor(size.width, size.height, options.blurSize);

	const first = playersByImage(kept, sizes);
	const players = flagPlayers(first.map((image) => leaveOneOut(image, blur(image))), options.leaveOneOutSd);
	const flagged = new Map(players.filter((p) => p.flagged).map((p) => [p.player_id, p]));
	for (const round of kept) {
		const player = flagged.get(round.player_id);
		if (player) exclusions.push({ round_id: round.id, reason: `the player's maps disagree with the others (mean leave-one-out rho ${player.rho.toFixed(3)})` });
	}

	// the count maps of the first pass, without the flagged players (no need to paint again)
	const images = first
		.map((image) => ({ ...image, players: new Map([...image.players].filter(([id]) => !flagged.has(id))) }))
		.filter((image) => image.players.size > 0);
	const maps: ClickmeAggregate['maps'] = [];
	const skipped: ClickmeAggregate['skipped'] = [];
	for (const [index, image] of images.entries()) {
		if (image.players.size < options.minPlayers) {
			skipped.push({ image_id: image.image_id, players: image.players.size, reason: `${image.players.size} of the ${options.minPlayers} players needed` });
		} else {
			maps.push({
				image_id: image.image_id,
				map: clickMap([...image.players.values()], image.width, image.height, blur(image)),
				n_players: image.players.size,
				reliability: splitHalfReliability(image, { splits: options.splits, seed: options.seed, blurSize: blur(image), comparison: options.comparison })
			});
		}
		onProgress?.(index + 1, images.length);
	}
	const reliabilities = maps.flatMap((m) => (m.reliability === null ? [] : [m.reliability]));
	const ceiling = reliabilities.length ? reliabilities.reduce((a, b) => a + b, 0) / reliabilities.length : null;
	return { maps, skipped, exclusions, players, ceiling, options };
}
