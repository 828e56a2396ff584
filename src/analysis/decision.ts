/**
 * Decision curves and decision alignment (Fel, Felipe et al. 2022, "Harmonizing the object
 * recognition strategies of deep neural networks with humans", psychophysics section): how
 * accurately each observer turns a given proportion of revealed features into an animal /
 * non-animal decision, and how alike people's and models' decisions are.
 */
import type { ObserverKind } from '../stimuli/observer.js';
import { seededRandom } from '../stimuli/random.js';
import { isCorrect } from '../stimuli/task.js';
import { DECISION_METRICS, scoreAll, type DecisionMetricId } from './metrics.js';
import { mean, percentile } from './stats.js';
import type { Trial } from './trials.js';

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
	/** Per model: its curves and every decision metric (metrics.ts, DECISION_METRICS) by id. */
	models: Record<string, { accuracy: Curve; normalized: Curve } & Record<DecisionMetricId, number | null>>;
}

/**
 * The fully revealed level, in one place: the Harmonization study's full-reveal level is reveal =
 * 1 (the whole image; src/stimuli/levels.ts ends its levels there). The exclusion check reads
 * people's accuracy there, and normalized accuracy divides by the observer's accuracy there.
 */
export const FULL_REVEAL = 1;

/** The index of the fully revealed level among sorted levels, or null when no trial had it. */
export function fullRevealIndex(levels: readonly number[]): number | null {
	const index = levels.indexOf(FULL_REVEAL);
	return index < 0 ? null : index;
}

/**
 * Normalized accuracy, because speeded people are not perfect even on whole images:
 *   n(l) = (a(l) - 0.5) / (a(full) - 0.5),  full the fully revealed level (FULL_REVEAL),
 * so chance maps to 0 and the observer's own full-reveal accuracy to 1. All null when a(full) is
 * missing or exactly chance (nothing to normalize by).
 */
export function normalizedCurve(accuracy: Curve, levels: readonly number[]): Curve {
	const full = fullRevealIndex(levels);
	const top = full === null ? null : accuracy[full];
	if (top === null || top === undefined || top === 0.5) return accuracy.map(() => null);
	return accuracy.map((a) => (a === null ? null : (a - 0.5) / (top - 0.5)));
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
		const correct = isCorrect(t.response, t.category);
		o.n[l]!++;
		if (correct) o.correct[l]!++;
		o.answers.set(`${t.image_id}\u0000${t.reveal}`, correct);
	}
	const accuracyOf = (o: { correct: number[]; n: number[] }): Curve => o.n.map((n, l) => (n ? o.correct[l]! / n : null));

	const observers: DecisionReport['observers'] = {};
	for (const [id, o] of byObserver) observers[id] = { kind: o.kind, accuracy: accuracyOf(o), n: o.n };

	// exclusion: accuracy on fully revealed trials at most the threshold
	const full = fullRevealIndex(levels);
	const included: string[] = [];
	const excluded: ExcludedHuman[] = [];
	for (const [id, o] of byObserver) {
		if (o.kind !== 'human') continue;
		const fullAccuracy = full === null || o.n[full] === 0 ? null : o.correct[full]! / o.n[full]!;
		if (fullAccuracy !== null && fullAccuracy <= exclusionThreshold) {
			excluded.push({ id, full_reveal_accuracy: fullAccuracy, reason: `accuracy on fully revealed images ${fullAccuracy.toFixed(3)} is at most ${exclusionThreshold}` });
		} else {
			included.push(id);
		}
	}

	const humanCurves = included.map((id) => observers[id]!.accuracy);
	const humanAccuracy = meanCurve(humanCurves, levels.length);
	const humanNormalized = normalizedCurve(humanAccuracy, levels);
	const ci = bootstrapCurve(humanCurves, levels.length, bootstrap, seed);

	const models: DecisionReport['models'] = {};
	const humanAnswers = included.map((h) => byObserver.get(h)!.answers);
	for (const [id, o] of byObserver) {
		if (o.kind !== 'model') continue;
		const accuracy = observers[id]!.accuracy;
		const normalized = normalizedCurve(accuracy, levels);
		const metrics = scoreAll(DECISION_METRICS, { model: o.answers, humans: humanAnswers, modelNormalized: normalized, humanNormalized });
		models[id] = { accuracy, normalized, ...metrics };
	}

	return { levels, humans: { included, excluded }, human_curve: { accuracy: humanAccuracy, normalized: humanNormalized, ...ci }, observers, models };
}
