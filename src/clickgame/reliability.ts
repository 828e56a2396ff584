/**
 * How much players agree on an image.
 *
 * Split-half reliability, the human ceiling that feature alignment divides by (Fel et al. 2022,
 * section 3: "the mean split-half correlation across 1000 random splits of the participant pool"):
 *   for each of `splits` random splits (seeded) of the image's players into halves of floor(P/2)
 *   and ceil(P/2) (human_clickme_data_processing's ceiling_floor_estimate.py: rand_perm[:n//2] and
 *   rand_perm[n//2:]), make each half's map as the score's human map is made - clickMap (maps.ts)
 *   and then `humanAsCompared` (src/analysis/features.ts: Harmonization's preprocessing at the
 *   comparison resolution, 224 px by default) - and take rho = Spearman(half A, half B). The
 *   image's reliability is the mean rho; the ceiling is the mean over images.
 * Every step up to the Spearman is linear in the count maps (mean, circle blurs, resizes, the
 * Gaussian) except the final scaling to 0..1, which a rank correlation ignores. So each player's
 * count map is taken through the pipeline once, and a half's map is the sum of its players':
 * the same ranks as running the pipeline on the half, without repeating it 2000 times; and a split
 * drawn again (few players have few distinct splits) reuses its rho. (The stored
 * map is a 16-bit PNG of the same map; its rounding is below 1/65535 of the maximum.)
 *
 * Leave-one-out: rho(map of one player, map of all the others) at the stimulus' resolution, for
 * each player of an image with at least 3 players. A player's score is the mean over their images;
 * players more than `sd` standard deviations below the mean score of all scored players are flagged.
 * Undefined correlations (a constant half-map) are left out of the means.
 */
import { comparisonId, humanAsCompared, type MapComparison } from '../analysis/features.js';
import { spearman } from '../analysis/spearman.js';
import { seededRandom } from '../stimuli/random.js';
import { clickMap, clickmeBlur } from './maps.js';

export interface ImagePlayers {
	image_id: string;
	width: number;
	height: number;
	/** One count map per player, by player id. */
	players: Map<string, Float64Array>;
}

export interface SplitHalfOptions {
	splits: number;
	seed: number;
	/** The circle kernel's size for this image (maps.ts, blurSizeFor). */
	blurSize: number;
	/** How the score this ceiling divides compares maps (features.ts). */
	comparison: MapComparison;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** A player's count map taken through the map pipeline and the comparison (all linear). */
function playerAsCompared(counts: Float64Array, image: ImagePlayers, options: SplitHalfOptions): Float64Array {
	const blurred = clickmeBlur(counts, image.width, image.height, options.blurSize);
	return Float64Array.from(humanAsCompared({ width: image.width, height: image.height, data: blurred }, options.comparison).data);
}

/** Mean split-half Spearman rho of an image's maps (null with fewer than 2 players or no defined rho). */
export function splitHalfReliability(image: ImagePlayers, options: SplitHalfOptions): number | null {
	const ids = [...image.players.keys()].sort();
	if (ids.length < 2) return null;
	const compared = new Map(ids.map((id) => [id, playerAsCompared(image.players.get(id)!, image, options)]));
	const length = compared.get(ids[0]!)!.length;
	const sumOf = (group: string[]) => {
		const sum = new Float64Array(length);
		for (const id of group) {
			const map = compared.get(id)!;
			for (let i = 0; i < length; i++) sum[i] = sum[i]! + map[i]!;
		}
		return sum;
	};
	const random = seededRandom(options.seed, image.image_id, 'split-half');
	// few players have few distinct splits (2 players: one); rho(A, B) = rho(B, A), so each is computed once
	const rhoOfSplit = new Map<string, number>();
	const rhos: number[] = [];
	for (let s = 0; s < options.splits; s++) {
		const order = [...ids];
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[order[i], order[j]] = [order[j]!, order[i]!];
		}
		const half = Math.floor(order.length / 2);
		const a = order.slice(0, half), b = order.slice(half);
		const keys = [JSON.stringify(a.sort()), JSON.stringify(b.sort())].sort();
		const key = keys.join('|');
		let rho = rhoOfSplit.get(key);
		if (rho === undefined) rhoOfSplit.set(key, (rho = spearman(sumOf(a), sumOf(b))));
		if (Number.isFinite(rho)) rhos.push(rho);
	}
	return rhos.length ? mean(rhos) : null;
}

/** What a stored map records about its reliability. */
export const reliabilityParams = (options: Pick<SplitHalfOptions, 'splits' | 'seed' | 'comparison'>) => ({
	reliability_method: 'mean Spearman rho between the maps of two random halves of the players, each made as the score compares human maps',
	reliability_splits: options.splits,
	reliability_seed: options.seed,
	reliability_comparison: comparisonId(options.comparison)
});

/** rho of each player's map against the map of the image's other players (images with 3+ players). */
export function leaveOneOut(image: ImagePlayers, blurSize: number): Map<string, number> {
	const result = new Map<string, number>();
	if (image.players.size < 3) return result;
	for (const [id, map] of image.players) {
		const others = [...image.players].filter(([other]) => other !== id).map(([, m]) => m);
		const rho = spearman(clickMap([map], image.width, image.height, blurSize).data, clickMap(others, image.width, image.height, blurSize).data);
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
