/**
 * How much players agree on an image, the human ceiling for alignment scores:
 *   split-half: shuffle the image's players (seeded), split them into halves of floor(P/2) and
 *   ceil(P/2), make a map from each half (clickMap), rho = Spearman(map A, map B); repeat
 *   `splits` times; the image's reliability is the mean rho. Needs at least 2 players.
 *   leave-one-out: rho(map of one player, map of all the others), for each player of an image
 *   with at least 3 players. A player's score is the mean over their images; players more than
 *   `sd` standard deviations below the mean score of all scored players are flagged.
 * Undefined correlations (a constant half-map) are left out of the means.
 */
import { spearman } from '../analysis/spearman.js';
import { seededRandom } from '../stimuli/random.js';
import { clickMap } from './maps.js';

export interface ImagePlayers {
	image_id: string;
	width: number;
	height: number;
	/** One count map per player, by player id. */
	players: Map<string, Float64Array>;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Mean split-half Spearman rho of an image's maps (null with fewer than 2 players or no defined rho). */
export function splitHalfReliability(image: ImagePlayers, options: { splits: number; seed: number; blurDiameter: number }): number | null {
	const ids = [...image.players.keys()].sort();
	if (ids.length < 2) return null;
	const random = seededRandom(options.seed, image.image_id, 'split-half');
	const rhos: number[] = [];
	for (let s = 0; s < options.splits; s++) {
		const order = [...ids];
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[order[i], order[j]] = [order[j]!, order[i]!];
		}
		const half = Math.floor(order.length / 2);
		const mapOf = (group: string[]) => clickMap(group.map((id) => image.players.get(id)!), image.width, image.height, options.blurDiameter).data;
		const rho = spearman(mapOf(order.slice(0, half)), mapOf(order.slice(half)));
		if (Number.isFinite(rho)) rhos.push(rho);
	}
	return rhos.length ? mean(rhos) : null;
}

/** rho of each player's map against the map of the image's other players (images with 3+ players). */
export function leaveOneOut(image: ImagePlayers, blurDiameter: number): Map<string, number> {
	const result = new Map<string, number>();
	if (image.players.size < 3) return result;
	for (const [id, map] of image.players) {
		const others = [...image.players].filter(([other]) => other !== id).map(([, m]) => m);
		const rho = spearman(clickMap([map], image.width, image.height, blurDiameter).data, clickMap(others, image.width, image.height, blurDiameter).data);
		if (Number.isFinite(rho)) result.set(id, rho);
	}
	return result;
}

export interface PlayerAgreement {
	player_id: string;
	/** Mean leave-one-out rho over the player's images. */
	rho: number;
	images: number;
	flagged: boolean;
}

/** Each player's mean leave-one-out rho, flagged when more than `sd` SDs below the players' mean. */
export function flagPlayers(perImage: readonly Map<string, number>[], sd: number): PlayerAgreement[] {
	const byPlayer = new Map<string, number[]>();
	for (const image of perImage) for (const [id, rho] of image) byPlayer.set(id, [...(byPlayer.get(id) ?? []), rho]);
	const scores = [...byPlayer].map(([player_id, rhos]) => ({ player_id, rho: mean(rhos), images: rhos.length }));
	if (scores.length < 2) return scores.map((s) => ({ ...s, flagged: false }));
	const m = mean(scores.map((s) => s.rho));
	const spread = Math.sqrt(scores.reduce((a, s) => a + (s.rho - m) ** 2, 0) / (scores.length - 1));
	return scores.map((s) => ({ ...s, flagged: spread > 0 && s.rho < m - sd * spread }));
}
