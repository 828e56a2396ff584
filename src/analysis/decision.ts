/**
 * Decision curves and decision alignment (Fel, Felipe et al. 2022, "Harmonizing the object
 * recognition strategies of deep neural networks with humans", psychophysics section): how
 * accurately each observer turns a given proportion of revealed features into an animal /
 * non-animal decision, and how alike people's and models' decisions are.
 */
import type { ObserverKind } from '../stimuli/observer.js';
import { seededRandom } from '../stimuli/random.js';
import { isCorrect } from '../stimuli/task.js';
import { baselineIntervals, decisionIntervals, type Interval } from './bootstrap.js';
import { DECISION_METRICS, levelCurve, meanOrNull, metricById, PAIRWISE_METRICS, pairScore, scoreAll, type DecisionMetricId, type LevelAnswers, type PairwiseMetricId } from './metrics.js';
import { countTrial, emptyCounts, signalCurves, type SignalCounts } from './signal-detection.js';
import { mean, percentile } from './stats.js';
import type { Trial } from './trials.js';

/**
 * What the analysis does with a trial that has no answer (response null: the person did not
 * answer within the window):
 * - 'drop' (default): left out of every decision measure (accuracy, exclusion, curves, error
 *   consistency), as the lab's own rapid-categorization code does (serre-lab/rapid_categorization,
 *   evaluation/data_loader.py, `ignore_timeouts=True`);
 * - 'wrong': counted as a wrong answer (src/stimuli/task.ts, isCorrect).
 */
export const TIMEOUT_RULES = {
	drop: 'left out of every measure (serre-lab/rapid_categorization, ignore_timeouts=True)',
	wrong: 'counted as wrong'
} as const;
export type TimeoutRule = keyof typeof TIMEOUT_RULES;

export function isTimeoutRule(value: unknown): value is TimeoutRule {
	return typeof value === 'string' && Object.hasOwn(TIMEOUT_RULES, value);
}

export interface DecisionOptions {
	/** A person is excluded when their accuracy on fully revealed trials is at most this. */
	exclusionThreshold?: number;
	/** Bootstrap resamples of the human curve and of every alignment score's interval (bootstrap.ts). */
	bootstrap?: number;
	seed?: number | string;
	/** Trials with no answer: TIMEOUT_RULES. */
	timeouts?: TimeoutRule;
	/** The exclusion check warns about a person whose check rests on fewer fully revealed trials than this. */
	minFullRevealTrials?: number;
}

export const DECISION_DEFAULTS = { exclusionThreshold: 0.5, bootstrap: 1000, seed: 1, timeouts: 'drop', minFullRevealTrials: 10 } as const satisfies Required<DecisionOptions>;

/** Every choice a decision report was made with, as the report (and every export) records it. */
export interface DecisionReportOptions {
	timeouts: TimeoutRule;
	exclusion_threshold: number;
	bootstrap: number;
	seed: number | string;
	/** People whose exclusion check rests on fewer fully revealed trials are listed in `humans.few_full_reveal`. */
	min_full_reveal_trials: number;
}

/** The options with their defaults filled in, checked, in the report's form. */
export function decisionOptions(options: DecisionOptions = {}): DecisionReportOptions {
	const resolved = {
		timeouts: options.timeouts ?? DECISION_DEFAULTS.timeouts,
		exclusion_threshold: options.exclusionThreshold ?? DECISION_DEFAULTS.exclusionThreshold,
		bootstrap: options.bootstrap ?? DECISION_DEFAULTS.bootstrap,
		seed: options.seed ?? DECISION_DEFAULTS.seed,
		min_full_reveal_trials: options.minFullRevealTrials ?? DECISION_DEFAULTS.minFullRevealTrials
	};
	if (!Number.isInteger(resolved.min_full_reveal_trials) || resolved.min_full_reveal_trials < 0) throw new Error(`the fewest fully revealed trials for the exclusion check must be a whole number >= 0, got ${resolved.min_full_reveal_trials}`);
	if (!Number.isInteger(resolved.bootstrap) || resolved.bootstrap < 0) throw new Error(`bootstrap must be a whole number >= 0, got ${resolved.bootstrap}`);
	if (!(resolved.exclusion_threshold >= 0 && resolved.exclusion_threshold <= 1)) throw new Error(`the exclusion threshold must be in [0, 1], got ${resolved.exclusion_threshold}`);
	if (!isTimeoutRule(resolved.timeouts)) throw new Error(`timeouts must be ${Object.keys(TIMEOUT_RULES).join(' or ')}, got "${resolved.timeouts}"`);
	return resolved;
}

type Curve = (number | null)[];

export interface ExcludedHuman {
	id: string;
	reason: string;
	/** Accuracy on fully revealed trials (null: the observer had none). */
	full_reveal_accuracy: number | null;
	/** The fully revealed trials that accuracy rests on. */
	full_reveal_trials: number;
}

export interface DecisionReport {
	levels: number[];
	/**
	 * `full_reveal_trials`: per person (included or not), the fully revealed trials the exclusion
	 * check rested on; `few_full_reveal`: the people whose check rested on fewer than
	 * options.min_full_reveal_trials (a warning: their inclusion is uncertain).
	 */
	humans: { included: string[]; excluded: ExcludedHuman[]; full_reveal_trials: Record<string, number>; few_full_reveal: string[] };
	/**
	 * People per level: the mean over included people of accuracy, balanced accuracy and d'
	 * (signal-detection.ts), each with its 95 % bootstrap band over people (bootstrapCurve).
	 */
	human_curve: { accuracy: Curve; normalized: Curve; ci_low: Curve; ci_high: Curve } & SignalDetectionCurves;
	/**
	 * Per observer: accuracy, balanced accuracy and d' per level (signal-detection.ts) and n, the
	 * trials counted there (under timeouts 'drop', the answered ones).
	 */
	observers: Record<string, { kind: ObserverKind; accuracy: Curve; balanced: Curve; dprime: Curve; n: number[] }>;
	/**
	 * Per model: its curves, every decision metric (metrics.ts, DECISION_METRICS) by id, and the
	 * error consistency per level (the mean over people at that level; null where nobody shares a
	 * trial with the model).
	 */
	models: Record<string, { accuracy: Curve; normalized: Curve } & Record<DecisionMetricId, number | null> & { error_consistency_by_level: Curve } & ModelExtras>;
	/**
	 * People against people: the trial-by-trial metrics over pairs of included people
	 * (humanBaseline), and `ci`, each one's 95 % bootstrap interval (bootstrap.ts, baselineIntervals).
	 */
	human_baseline: HumanBaseline & { ci: Record<PairwiseMetricId, Interval> };
	/** Trials with no answer in the input (dropped or counted wrong, as options.timeouts says). */
	no_answer_trials: number;
	/** Every choice the report was made with. */
	options: DecisionReportOptions;
}

/** Balanced accuracy and d' per level (signal-detection.ts), people's with their bootstrap band. */
export type SignalDetectionCurves = {
	balanced: Curve;
	balanced_ci_low: Curve;
	balanced_ci_high: Curve;
	dprime: Curve;
	dprime_ci_low: Curve;
	dprime_ci_high: Curve;
};

/**
 * A model's balanced accuracy and d' per level (signal-detection.ts), and `ci`: each decision
 * metric's 95 % bootstrap interval over images and people (bootstrap.ts, decisionIntervals).
 */
export type ModelExtras = {
	balanced: Curve;
	dprime: Curve;
	ci: Record<DecisionMetricId, Interval>;
};

/**
 * The human baseline: each trial-by-trial metric (metrics.ts, PAIRWISE_METRICS) over all pairs of
 * included people i < j, as model-vs-human reports humans (plot.py, get_raw_benchmark_df with
 * group_1 = group_2 = humans, j <= i skipped; format_benchmark_df: per pair the mean over
 * conditions, then the mean over pairs). Pairs that share no trial are left out; `pairs` counts
 * the others. `error_consistency_by_level`: per level, the mean kappa over the pairs sharing
 * trials there.
 */
export type HumanBaseline = Record<PairwiseMetricId, number | null> & { error_consistency_by_level: Curve; pairs: number };

export function humanBaseline(people: readonly LevelAnswers[], levelCount: number): HumanBaseline {
	const pairs: [LevelAnswers, LevelAnswers][] = [];
	for (let i = 0; i < people.length; i++) for (let j = i + 1; j < people.length; j++) pairs.push([people[i]!, people[j]!]);
	const kappa = metricById('error_consistency').perLevel;
	const sharing = pairs.filter(([a, b]) => pairScore(kappa, a, b) !== null);
	const metrics = Object.fromEntries(PAIRWISE_METRICS.map((m) => [m.id, meanOrNull(sharing.map(([a, b]) => pairScore(m.perLevel, a, b)))])) as Record<PairwiseMetricId, number | null>;
	const byPair = sharing.map(([a, b]) => levelCurve(kappa, a, [b]));
	const byLevel = Array.from({ length: levelCount }, (_, l) => meanOrNull(byPair.map((curve) => curve[l] ?? null)));
	return { ...metrics, error_consistency_by_level: byLevel, pairs: sharing.length };
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
	const resolved = decisionOptions(options);
	const { exclusion_threshold: exclusionThreshold, bootstrap, seed } = resolved;

	// the levels of every trial, so the report's levels are the file's whatever the timeout rule
	const levels = [...new Set(trials.map((t) => t.reveal))].sort((a, b) => a - b);
	const levelIndex = new Map(levels.map((l, i) => [l, i]));
	const noAnswer = trials.filter((t) => t.response === null).length;
	const counted = resolved.timeouts === 'drop' ? trials.filter((t) => t.response !== null) : trials;

	// accuracy per observer per level: correct / counted trials
	const byObserver = new Map<string, { kind: ObserverKind; correct: number[]; n: number[]; answers: Map<string, boolean>[]; signal: SignalCounts[] }>();
	for (const t of trials) {
		const o = byObserver.get(t.observer);
		if (!o) byObserver.set(t.observer, { kind: t.kind, correct: levels.map(() => 0), n: levels.map(() => 0), answers: levels.map(() => new Map()), signal: levels.map(emptyCounts) });
		else if (o.kind !== t.kind) throw new Error(`observer ${t.observer} is both ${o.kind} and ${t.kind}`);
	}
	for (const t of counted) {
		const o = byObserver.get(t.observer)!;
		const l = levelIndex.get(t.reveal)!;
		const correct = isCorrect(t.response, t.category);
		o.n[l]!++;
		if (correct) o.correct[l]!++;
		o.answers[l]!.set(t.image_id, correct);
		countTrial(o.signal[l]!, t.category, t.response);
	}
	const accuracyOf = (o: { correct: number[]; n: number[] }): Curve => o.n.map((n, l) => (n ? o.correct[l]! / n : null));

	const observers: DecisionReport['observers'] = {};
	for (const [id, o] of byObserver) observers[id] = { kind: o.kind, accuracy: accuracyOf(o), ...signalCurves(o.signal), n: o.n };

	// exclusion: accuracy on fully revealed trials at most the threshold
	const full = fullRevealIndex(levels);
	const included: string[] = [];
	const excluded: ExcludedHuman[] = [];
	const fullRevealTrials: Record<string, number> = {};
	for (const [id, o] of byObserver) {
		if (o.kind !== 'human') continue;
		const fullTrials = (fullRevealTrials[id] = full === null ? 0 : o.n[full]!);
		const fullAccuracy = fullTrials === 0 ? null : o.correct[full!]! / fullTrials;
		if (fullAccuracy !== null && fullAccuracy <= exclusionThreshold) {
			excluded.push({ id, full_reveal_accuracy: fullAccuracy, full_reveal_trials: fullTrials, reason: `accuracy on fully revealed images ${fullAccuracy.toFixed(3)} is at most ${exclusionThreshold} (${fullTrials} fully revealed trial${fullTrials === 1 ? '' : 's'})` });
		} else {
			included.push(id);
		}
	}

	const humanCurves = included.map((id) => observers[id]!.accuracy);
	const humanAccuracy = meanCurve(humanCurves, levels.length);
	const humanNormalized = normalizedCurve(humanAccuracy, levels);
	const ci = bootstrapCurve(humanCurves, levels.length, bootstrap, seed);
	// balanced accuracy and d' per level: people's mean with its band, as the accuracy's
	const humanSignal = included.map((id) => observers[id]!);
	const balanced = humanSignal.map((c) => c.balanced), dprime = humanSignal.map((c) => c.dprime);
	const balancedBand = bootstrapCurve(balanced, levels.length, bootstrap, seed), dprimeBand = bootstrapCurve(dprime, levels.length, bootstrap, seed);
	const signalDetection: SignalDetectionCurves = {
		balanced: meanCurve(balanced, levels.length), balanced_ci_low: balancedBand.ci_low, balanced_ci_high: balancedBand.ci_high,
		dprime: meanCurve(dprime, levels.length), dprime_ci_low: dprimeBand.ci_low, dprime_ci_high: dprimeBand.ci_high
	};

	const models: DecisionReport['models'] = {};
	const humanAnswers = included.map((h) => byObserver.get(h)!.answers);
	for (const [id, o] of byObserver) {
		if (o.kind !== 'model') continue;
		const accuracy = observers[id]!.accuracy;
		const normalized = normalizedCurve(accuracy, levels);
		const metrics = scoreAll(DECISION_METRICS, { model: o.answers, humans: humanAnswers, modelNormalized: normalized, humanNormalized });
		models[id] = {
			accuracy, normalized, ...metrics, error_consistency_by_level: levelCurve(metricById('error_consistency').perLevel, o.answers, humanAnswers),
			...signalCurves(o.signal),
			ci: decisionIntervals(o.answers, humanAnswers, levels, { resamples: bootstrap, seed, modelKey: id })
		};
	}

	return {
		levels,
		humans: { included, excluded, full_reveal_trials: fullRevealTrials, few_full_reveal: Object.keys(fullRevealTrials).filter((id) => fullRevealTrials[id]! < resolved.min_full_reveal_trials) },
		human_curve: { accuracy: humanAccuracy, normalized: humanNormalized, ...ci, ...signalDetection },
		observers,
		models,
		human_baseline: { ...humanBaseline(humanAnswers, levels.length), ci: baselineIntervals(humanAnswers, { resamples: bootstrap, seed }) },
		no_answer_trials: noAnswer,
		options: resolved
	};
}
