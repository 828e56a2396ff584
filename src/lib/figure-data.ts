/**
 * The data behind each dashboard figure, as rows (the CSV of a figure-and-data bundle) and as the
 * counts a figure states (n per level). Pure: no DOM, so the same rows are tested in Node.
 */
import Papa from 'papaparse';
import { normalizedCurve, paretoFront, type AlignmentRow, type DecisionReport, type Direction, type ObserverStyle, type ParetoPoint } from '$analysis/index.js';
import { revealPercent } from '$stimuli/levels.js';

/** People and trials at one reveal level. */
export interface LevelCount {
	reveal: number;
	/** Included people with at least one counted trial at this level. */
	people: number;
	/** Their counted trials there (under timeouts 'drop', the answered ones). */
	trials: number;
}

/** Per level: the included people who have trials there and how many trials they have (report.observers[id].n). */
export function peoplePerLevel(report: DecisionReport): LevelCount[] {
	return report.levels.map((reveal, l) => {
		const counts = report.humans.included.map((id) => report.observers[id]?.n[l] ?? 0);
		return { reveal, people: counts.filter((n) => n > 0).length, trials: counts.reduce((a, b) => a + b, 0) };
	});
}

/** "1 %: 4 people, 36 trials; 2 %: ..." */
export const levelCountsText = (counts: readonly LevelCount[]) => counts.map((c) => `${revealPercent(c.reveal)}: ${c.people} people, ${c.trials} trials`).join('; ');

export type CsvValue = string | number | boolean | null;
export type CsvRow = Record<string, CsvValue>;

/** The decision measures a decision-curve figure can show, each read per level from the report (decision.ts). */
export type CurveMeasure = 'accuracy' | 'normalized' | 'balanced' | 'dprime';

/**
 * Each measure's axis (with its units), its chance line, its fixed domain where it has one, and
 * the report's band of people's mean (none for normalized accuracy: the report does not bootstrap it).
 */
export const CURVE_MEASURES: Record<CurveMeasure, { name: string; axis: string; chance: number; domain?: [number, number]; band?: ['ci_low' | 'balanced_ci_low' | 'dprime_ci_low', 'ci_high' | 'balanced_ci_high' | 'dprime_ci_high'] }> = {
	accuracy: { name: 'Accuracy', axis: '↑ Accuracy (proportion correct)', chance: 0.5, domain: [0, 1], band: ['ci_low', 'ci_high'] },
	normalized: { name: 'Normalized accuracy (chance 0, own full-reveal accuracy 1)', axis: '↑ Normalized accuracy (chance 0, own full-reveal 1)', chance: 0 },
	balanced: { name: 'Balanced accuracy ((hit rate + correct-rejection rate) / 2)', axis: '↑ Balanced accuracy ((hits + correct rejections) / 2, proportion)', chance: 0.5, domain: [0, 1], band: ['balanced_ci_low', 'balanced_ci_high'] },
	dprime: { name: "d' (z(hits) - z(false alarms), log-linear correction)", axis: "↑ d' (z(hit rate) − z(false-alarm rate), unitless)", chance: 0, band: ['dprime_ci_low', 'dprime_ci_high'] }
};

/** One included person's curve of a measure (normalized from their own accuracy, as the report normalizes). */
export function personCurve(report: DecisionReport, id: string, measure: CurveMeasure): (number | null)[] {
	const o = report.observers[id]!;
	return measure === 'normalized' ? normalizedCurve(o.accuracy, report.levels) : o[measure];
}

/** One row per drawn point of the decision-curve figure. */
export interface CurveRow extends CsvRow {
	/** person: one included person's curve (thin line); people_mean: their mean (with the band); model. */
	series: 'person' | 'people_mean' | 'model';
	observer: string;
	label: string;
	reveal: number;
	reveal_percent: string;
	accuracy: number | null;
	normalized: number | null;
	/** Trials counted at this level (for the mean: over the included people). */
	trials: number;
	/** Balanced accuracy and d' at this level (signal-detection.ts). */
	balanced: number | null;
	dprime: number | null;
	/** For the mean only: the 95 % bootstrap interval of the accuracy (null otherwise). */
	ci_low: number | null;
	ci_high: number | null;
}

/** Every curve of the decision-curve figure, level by level: each included person, their mean, each model. */
export function decisionCurveRows(report: DecisionReport, options: { humanLabel: string; styles: Readonly<Record<string, ObserverStyle>> }): CurveRow[] {
	const rows: CurveRow[] = [];
	const counts = peoplePerLevel(report);
	type Curves = { normalized: (number | null)[]; balanced: (number | null)[]; dprime: (number | null)[] };
	const point = (series: CurveRow['series'], observer: string, label: string, l: number, accuracy: number | null, curves: Curves, trials: number, ci: [number | null, number | null] = [null, null]): CurveRow => ({
		series, observer, label, reveal: report.levels[l]!, reveal_percent: revealPercent(report.levels[l]!), accuracy, normalized: curves.normalized[l] ?? null, trials, ci_low: ci[0], ci_high: ci[1], balanced: curves.balanced[l] ?? null, dprime: curves.dprime[l] ?? null
	});
	for (const id of report.humans.included) {
		const o = report.observers[id]!;
		const curves = { normalized: personCurve(report, id, 'normalized'), balanced: o.balanced, dprime: o.dprime };
		o.accuracy.forEach((a, l) => a !== null && rows.push(point('person', id, id, l, a, curves, o.n[l]!)));
	}
	const curve = report.human_curve;
	curve.accuracy.forEach((a, l) => a !== null && rows.push(point('people_mean', 'people', options.humanLabel, l, a, curve, counts[l]!.trials, [curve.ci_low[l] ?? null, curve.ci_high[l] ?? null])));
	for (const [id, model] of Object.entries(report.models)) {
		const n = report.observers[id]?.n ?? [];
		model.accuracy.forEach((a, l) => a !== null && rows.push(point('model', id, options.styles[id]?.label ?? id, l, a, model, n[l] ?? 0)));
	}
	return rows;
}

/** An alignment row with its 95 % interval (`ci_low` / `ci_high` null: no interval; study-summary.ts). */
export type AlignmentPoint = AlignmentRow;

export const hasInterval = (r: AlignmentPoint): r is AlignmentPoint & { ci_low: number; ci_high: number } => typeof r.ci_low === 'number' && typeof r.ci_high === 'number';

/** The alignment figure's data: one row per model and measure, with the interval (empty when none). */
export const alignmentCsvRows = (rows: readonly AlignmentPoint[]): CsvRow[] =>
	rows.map((r) => ({ model: r.model, measure: r.measure, value: r.value, ci_low: r.ci_low, ci_high: r.ci_high, colour: r.colour }));

/** A number as a CSV shows it: 6 significant digits, no binary noise (0.30000000000000004 -> 0.3). */
const cell = (value: CsvValue) => (typeof value === 'number' && Number.isFinite(value) ? +value.toPrecision(6) : value);

/** Rows as CSV, columns in the first row's key order (plus any later key), one header line. */
export function rowsToCsv(rows: readonly CsvRow[]): string {
	const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
	return Papa.unparse({ fields, data: rows.map((r) => fields.map((f) => cell(r[f] ?? null))) }, { newline: '\n' }) + '\n';
}

/** Options as one line: "timeouts = drop; exclusion threshold = 0.5". Keys with underscores read as words. */
export const optionsText = (options: Readonly<Record<string, CsvValue>>) =>
	Object.entries(options)
		.map(([key, value]) => `${key.replaceAll('_', ' ')} = ${value === null ? 'none' : String(value)}`)
		.join('; ');

/** The pareto figure's data: one row per model, its ImageNet top-1, its score with the interval, and whether it is on the front. */
export const paretoCsvRows = (points: readonly (ParetoPoint & ObserverStyle)[], metric: { id: string; direction: Direction }): CsvRow[] => {
	const front = new Set(paretoFront(points, metric.direction).map((p) => p.id));
	return points.map((p) => ({ model: p.id, label: p.label, imagenet_top1: p.x, metric: metric.id, score: p.y, ci_low: p.ci_low ?? null, ci_high: p.ci_high ?? null, on_front: front.has(p.id) }));
};

/** A histogram's data: the values drawn, one per row, under the figure's axis name. */
export const valueCsvRows = (name: string, values: readonly number[]): CsvRow[] => values.map((value) => ({ [name]: value }));
