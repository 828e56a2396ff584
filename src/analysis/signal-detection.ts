/**
 * Decision measures beyond accuracy (issue #17 item 6): balanced accuracy and d' per reveal
 * level. Accuracy alone rewards an observer that answers "animal" to everything when most images
 * are animals; these two do not.
 *
 * The task is animal vs non-animal (src/stimuli/task.ts), read as a yes/no detection task with
 * "animal" as the signal (SIGNAL_CATEGORY):
 *   hit               = "animal" on an animal image;      H = hits / animal trials (TPR)
 *   correct rejection = "non_animal" on a non-animal image; TNR = correct rejections / non-animal trials
 *   false alarm rate  F = 1 - TNR (the non-animal trials not correctly rejected)
 * A trial with no answer is left out under timeouts 'drop' (decision.ts) and, under 'wrong', is
 * a miss on an animal image and a non-rejection (counted with the false alarms) on a non-animal one,
 * so both measures agree with the accuracy's rule (src/stimuli/task.ts isCorrect).
 *
 *   balanced accuracy = (TPR + TNR) / 2                       (Brodersen et al. 2010, "The balanced
 *                       accuracy and its posterior distribution", ICPR; scikit-learn's
 *                       balanced_accuracy_score for two classes)
 *   d' = z(H') - z(F')                                        (Green & Swets 1966; Macmillan &
 *                       Creelman 2005, "Detection Theory: A User's Guide", ch. 1)
 * z is the standard normal quantile (normalQuantile). H = 1 or F = 0 would give an infinite d',
 * so both rates take the log-linear correction of Hautus (1995, "Corrections for extreme
 * proportions and their biasing effects on estimated values of d'", Behavior Research Methods,
 * Instruments & Computers 27, 46-51), applied to every cell, extreme or not:
 *   H' = (hits + 0.5) / (animal trials + 1),   F' = (false alarms + 0.5) / (non-animal trials + 1).
 * Both measures are null at a level without trials of both kinds (no rate to compute).
 */
import type { Category } from '../stimuli/task.js';
import { isCorrect } from '../stimuli/task.js';

/** The category read as the signal: "animal" (hits are "animal" answers on animal images). */
export const SIGNAL_CATEGORY: Category = 'animal';

/** The log-linear correction (Hautus 1995): add this to each count and twice it to each total. */
export const LOG_LINEAR_CORRECTION = 0.5;

/** One observer's answers at one level, as a detection table. */
export interface SignalCounts {
	/** Trials of signal (animal) images and those answered "animal". */
	signal: number;
	hits: number;
	/** Trials of non-animal images and those answered "non_animal". */
	noise: number;
	correct_rejections: number;
}

export const emptyCounts = (): SignalCounts => ({ signal: 0, hits: 0, noise: 0, correct_rejections: 0 });

/** Adds one trial (its category and answer, null for none) to the counts. */
export function countTrial(counts: SignalCounts, category: Category, response: Category | null): void {
	const right = isCorrect(response, category);
	if (category === SIGNAL_CATEGORY) {
		counts.signal++;
		if (right) counts.hits++;
	} else {
		counts.noise++;
		if (right) counts.correct_rejections++;
	}
}

/** (TPR + TNR) / 2; null without trials of both kinds. */
export function balancedAccuracy(c: SignalCounts): number | null {
	if (c.signal === 0 || c.noise === 0) return null;
	return (c.hits / c.signal + c.correct_rejections / c.noise) / 2;
}

/** z(H') - z(F') with the log-linear correction; null without trials of both kinds. */
export function dPrime(c: SignalCounts): number | null {
	if (c.signal === 0 || c.noise === 0) return null;
	const k = LOG_LINEAR_CORRECTION;
	const hitRate = (c.hits + k) / (c.signal + 2 * k);
	const falseAlarmRate = (c.noise - c.correct_rejections + k) / (c.noise + 2 * k);
	return normalQuantile(hitRate) - normalQuantile(falseAlarmRate);
}

/** Both measures per level of one observer. */
export function signalCurves(levels: readonly SignalCounts[]): { balanced: (number | null)[]; dprime: (number | null)[] } {
	return { balanced: levels.map(balancedAccuracy), dprime: levels.map(dPrime) };
}

const poly = (coefficients: readonly number[], x: number) => coefficients.reduceRight((sum, c) => sum * x + c, 0);

/**
 * The standard normal quantile z(p) (probit, scipy.stats.norm.ppf), by Wichura's algorithm AS 241
 * (PPND16, Applied Statistics 37, 1988, 477-484), accurate to about 1e-16: a rational function of
 * r = 0.180625 - q^2 for |q| = |p - 0.5| <= 0.425, else of r = sqrt(-ln(min(p, 1 - p))) in two
 * ranges (r <= 5, r > 5). -Infinity at 0, Infinity at 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
	if (!(p >= 0 && p <= 1)) return Number.NaN;
	if (p === 0) return -Infinity;
	if (p === 1) return Infinity;
	const q = p - 0.5;
	if (Math.abs(q) <= 0.425) {
		const r = 0.180625 - q * q;
		return (q * poly(A, r)) / poly(B, r);
	}
	let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
	let value: number;
	if (r <= 5) {
		r -= 1.6;
		value = poly(C, r) / poly(D, r);
	} else {
		r -= 5;
		value = poly(E, r) / poly(F, r);
	}
	return q < 0 ? -value : value;
}

// AS 241's coefficients, lowest power first (the denominators' constant term is 1)
const A = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const B = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const C = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const D = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const E = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const F = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];
