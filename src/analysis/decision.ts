/**
 * Decision curves and decision alignment (Fel, Felipe et al. 2022, "Harmonizing the object
 * recognition strategies of deep neural networks with humans", psychophysics section): how
 * accurately each observer turns a given proportion of revealed features into an animal /
 * non-animal decision, and how alike people's and models' decisions are.
 */
import { seededRandom } from '../stimuli/random.js';
import { pearson } from './spearman.js';
import { finiteOrNull, mean, percentile } from './stats.js';
import type { ObserverKind, Trial } from './trials.js';

export interface DecisionOptions {
	/** A person is excluded when their accuracy on fully revealed trials is at most this. */
	exclusionThreshold?: number;
	/** Bootstrap resamples of the human curve. */
	bootstrap?: number;
	seed?: number | string;
}

export const DECISION_DEFAULTS = { exclusionThreshold: 0.5, bootstrap: 1000, seed: 1 } as const;

type Curve = (number | null)[];

export interface ExcludedHuman {
	id: string;
	reason: string;
	/** Accuracy on fully revealed trials (null: the observer had none). */
	full_reveal_accuracy: number | null;
}

export interface DecisionReport {
	levels: number[];
	humans: { included: string[]; excluded: ExcludedHuman[] };
	human_curve: { accuracy: Curve; normalized: Curve; ci_low: Curve; ci_high: Curve };
	observers: Record<string, { kind: ObserverKind; accuracy: Curve; n: number[] }>;
	models: Record<string, { accuracy: Curve; normalized: Curve; error_consistency: number | null; curve_correlation: number | null }>;
}

/** A trial is correct when the response equals the category; no answer ("none") is wrong. */
export const isCorrect = (t: Pick<Trial, 'response' | 'category'>) => t.response === t.category;

/**
 * Normalized accuracy, because speeded people are not perfect even on whole images:
 *   n(l) = (a(l) - 0.5) / (a(l_max) - 0.5),  l_max the highest level,
 * so chance maps to 0 and the observer's own full-reveal accuracy to 1. All null when a(l_max) is
 * missing or exactly chance (nothing to normalize by).
 */
export function normalizedCurve(accuracy: Curve): Curve {
	const top = accuracy.at(-1);
	if (top === null || top === undefined || top === 0.5) return accuracy.map(() => null);
	return accuracy.map((a) => (a === null ? null : (a - 0.5) / (top - 0.5)));
}

/**
 * Error consistency (Geirhos et al. 2020) over trials two observers share, given as pairs of
 * (first correct, second correct):
 *   c_obs = share of trials both got right or both got wrong,
 *   c_exp = p1 p2 + (1 - p1)(1 - p2), p the observers' accuracies on those trials,
 *   kappa = (c_obs - c_exp) / (1 - c_exp).
 * Null when there are no shared trials or c_exp = 1 (kappa undefined).
 */
export function errorConsistency(pairs: readonly (readonly [boolean, boolean])[]): { kappa: number; c_obs: number; c_exp: number } | null {
	if (pairs.length === 0) return null;
	let same = 0, right1 = 0, right2 = 0;
	for (const [a, b] of pairs) {
		if (a === b) same++;
		if (a) right1++;
		if (b) right2++;
	}
	const n = pairs.length;
	const p1 = right1 / n, p2 = right2 / n;
	const cObs = same / n;
	const cExp = p1 * p2 + (1 - p1) * (1 - p2);
	if (cExp === 1) return null;
	return { kappa: (cObs - cExp) / (1 - cExp), c_obs: cObs, c_exp: cExp };
}

/**
 * The human curve at each level: the mean over the given people of their accuracy at that level,
 * leaving out people with no trial there (null when nobody has one).
 */
function meanCurve(curves: readonly Curve[], levelCount: number): Curve {
	return Array.from({ length: levelCount }, (_, l) => {
		const values = curves.map((c) => c[l]).filter((a): a is number => a !== null && a !== undefined);
		return values.length ? mean(values) : null;
	});
}

/**
 * 95 % percentile bootstrap of the human curve: resample the included people with replacement
 * `resamples` times (seeded), recompute the mean curve each time, and take the 2.5th and 97.5th
 * percentiles (linear interpolation) of each level's values. A resample with nobody at a level
 * adds nothing to that level.
 */
export function bootstrapCurve(curves: readonly Curve[], levelCount: number, resamples: number, seed: number | string): { ci_low: Curve; ci_high: Curve } {
	const random = seededRandom('bootstrap-human-curve', seed);
	const samples: number[][] = Array.from({ length: levelCount }, () => []);
	if (curves.length > 0) {
		for (let b = 0; b < resamples; b++) {
			const drawn = Array.from({ length: curves.length }, () => curves[Math.floor(random() * curves.length)]!);
			meanCurve(drawn, levelCount).forEach((a, l) => {
				if (a !== null) samples[l]!.push(a);
			});
		}
	}
	return {
		ci_low: samples.map((s) => (s.length ? percentile(s, 2.5) : null)),
		ci_high: samples.map((s) => (s.length ? percentile(s, 97.5) : null))
	};
}

export function decisionReport(trials: readonly Trial[], options: DecisionOptions = {}): DecisionReport {
	const exclusionThreshold = options.exclusionThreshold ?? DECISION_DEFAULTS.exclusionThreshold;
	const bootstrap = options.bootstrap ?? DECISION_DEFAULTS.bootstrap;
	const seed = options.seed ?? DECISION_DEFAULTS.seed;
	if (!Number.isInteger(bootstrap) || bootstrap < 0) throw new Error(`bootstrap must be a whole number >= 0, got ${bootstrap}`);
	if (!(exclusionThreshold >= 0 && exclusionThreshold <= 1)) throw new Error(`the exclusion threshold must be in [0, 1], got ${exclusionThreshold}`);

	const levels = [...new Set(trials.map((t) => t.reveal))].sort((a, b) => a - b);
	const levelIndex = new Map(levels.map((l, i) => [l, i]));

	// accuracy per observer per level: correct / answered
	const byObserver = new Map<string, { kind: ObserverKind; correct: number[]; n: number[]; answers: Map<string, boolean> }>();
	for (const t of trials) {
		let o = byObserver.get(t.observer);
		if (!o) byObserver.set(t.observer, (o = { kind: t.kind, correct: levels.map(() => 0), n: levels.map(() => 0), answers: new Map() }));
		if (o.kind !== t.kind) throw new Error(`observer ${t.observer} is both ${o.kind} and ${t.kind}`);
		const l = levelIndex.get(t.reveal)!;
		o.n[l]!++;
		if (isCorrect(t)) o.correct[l]!++;
		o.answers.set(`${t.image_id}\u0000${t.reveal}`, isCorrect(t));
	}
	const accuracyOf = (o: { correct: number[]; n: number[] }): Curve => o.n.map((n, l) => (n ? o.correct[l]! / n : null));

	const observers: DecisionReport['observers'] = {};
	for (const [id, o] of byObserver) observers[id] = { kind: o.kind, accuracy: accuracyOf(o), n: o.n };

	// exclusion: accuracy on fully revealed trials at most the threshold
	const full = levelIndex.get(1);
	const included: string[] = [];
	const excluded: ExcludedHuman[] = [];
	for (const [id, o] of byObserver) {
		if (o.kind !== 'human') continue;
		const fullAccuracy = full === undefined || o.n[full] === 0 ? null : o.correct[full]! / o.n[full]!;
		if (fullAccuracy !== null && fullAccuracy <= exclusionThreshold) {
			excluded.push({ id, full_reveal_accuracy: fullAccuracy, reason: `accuracy on fully revealed images ${fullAccuracy.toFixed(3)} is at most ${exclusionThreshold}` });
		} else {
			included.push(id);
		}
	}

	const humanCurves = included.map((id) => observers[id]!.accuracy);
	const humanAccuracy = meanCurve(humanCurves, levels.length);
	const humanNormalized = normalizedCurve(humanAccuracy);
	const ci = bootstrapCurve(humanCurves, levels.length, bootstrap, seed);

	const models: DecisionReport['models'] = {};
	for (const [id, o] of byObserver) {
		if (o.kind !== 'model') continue;
		const accuracy = observers[id]!.accuracy;
		const normalized = normalizedCurve(accuracy);
		const kappas: number[] = [];
		for (const h of included) {
			const pairs: [boolean, boolean][] = [];
			for (const [key, humanRight] of byObserver.get(h)!.answers) {
				const modelRight = o.answers.get(key);
				if (modelRight !== undefined) pairs.push([humanRight, modelRight]);
			}
			const ec = errorConsistency(pairs);
			if (ec) kappas.push(ec.kappa);
		}
		const both = levels.map((_, l) => [normalized[l], humanNormalized[l]] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
		models[id] = {
			accuracy,
			normalized,
			error_consistency: kappas.length ? mean(kappas) : null,
			curve_correlation: both.length >= 2 ? finiteOrNull(pearson(both.map((p) => p[0]), both.map((p) => p[1]))) : null
		};
	}

	return { levels, humans: { included, excluded }, human_curve: { accuracy: humanAccuracy, normalized: humanNormalized, ...ci }, observers, models };
}
