/**
 * ClickMe parameters in one place. Sizes are given for a 256 px image and scale with the image
 * (a 512 px photo gets a 22 px brush), as in the Harmonization paper's ClickMe maps.
 */
export const CLICKME_DEFAULTS = {
	/** Brush radius, px at 256 px. */
	brushRadius: 11,
	/**
	 * Size of ClickMe's flat circle kernel, applied twice to each image's map, px at 256 px
	 * (blur_size in human_clickme_data_processing's configs; maps.ts blurSizeFor scales it by the
	 * image's short side and makes it odd).
	 */
	blurSize: 21,
	/** Time limit of a game round, ms: the round ends with no points. */
	timeLimitMs: 20_000,
	/** The network in the loop (an id of the model registry). */
	modelId: 'mobilenet-v1-0.25',
	/** The network succeeds when a target class is among its top k guesses. */
	topK: 5,
	/** At most one guess every this many ms while painting. */
	guessIntervalMs: 250,
	/** Grey shown to the network where nothing is painted (0..255). */
	unpaintedGrey: 128,
	/** Players an image needs before its map is made. */
	minPlayers: 5,
	/** Random split-half repetitions for the reliability (Fel et al. 2022: 1000), and their seed. */
	splits: 1000,
	seed: 1,
	/** Rounds with fewer strokes are excluded. */
	minStrokes: 1,
	/** Exclude rounds painted on touch screens. */
	excludeTouch: false,
	/** A player is flagged when their mean leave-one-out rho is this many SD below the players' mean. */
	leaveOneOutSd: 2,
	/** Rounds per game. */
	roundsPerGame: 10
} as const;

type Widen<T> = T extends number ? number : T extends boolean ? boolean : T extends string ? string : T;
export type ClickmeConfig = { [K in keyof typeof CLICKME_DEFAULTS]: Widen<(typeof CLICKME_DEFAULTS)[K]> };

/** A length given at 256 px, for an image `width` px wide. */
export const scaledToImage = (lengthAt256: number, width: number) => (lengthAt256 * width) / 256;
