/**
 * The dashboard's figures, drawn with Observable Plot from the analysis module's reports. Each
 * returns a standalone <svg> (no HTML legend: lines are labelled at their ends), so the same
 * element is shown, saved as SVG and rendered to PNG. Every observer is drawn in its own style
 * (src/analysis/observer-style.ts: label, colour, marker), the same in every figure.
 */
import { revealPercent, revealTicks } from '$stimuli/levels.js';
import * as Plot from '@observablehq/plot';
import type { AlignmentRow, DecisionReport, Metric, ObserverStyle, ParetoPoint } from '$analysis/index.js';
import { HUMAN_STYLE, paretoFront } from '$analysis/index.js';

const WIDTH = 720;

function asSvg(figure: SVGSVGElement | HTMLElement): SVGSVGElement {
	if (!(figure instanceof SVGSVGElement)) throw new Error('a dashboard figure must be a single <svg>');
	figure.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	return figure;
}

/**
 * Accuracy (or normalized accuracy) against the proportion revealed, log x as the levels are
 * log-spaced: people as a black line with their 95 % bootstrap band, each model in its colour
 * and marker. `styles` gives each model's style by its report key.
 */
export function decisionCurveFigure(report: DecisionReport, options: { normalized: boolean; humanLabel: string; styles: Readonly<Record<string, ObserverStyle>> }): SVGSVGElement {
	const key = options.normalized ? 'normalized' : 'accuracy';
	const rows: { reveal: number; value: number; observer: string }[] = [];
	const push = (label: string, curve: (number | null)[]) =>
		curve.forEach((value, l) => value !== null && rows.push({ reveal: report.levels[l]!, value, observer: label }));
	push(options.humanLabel, report.human_curve[key]);
	const modelIds = Object.keys(report.models);
	const styleOf = (id: string) => options.styles[id] ?? { label: id, colour: '#555', marker: 'square' as const };
	for (const id of modelIds) push(styleOf(id).label, report.models[id]![key]);
	const band = options.normalized
		? []
		: report.levels.flatMap((reveal, l) => {
				const low = report.human_curve.ci_low[l], high = report.human_curve.ci_high[l];
				return low === null || high === null ? [] : [{ reveal, low, high }];
			});
	const series = [{ label: options.humanLabel, ...HUMAN_STYLE }, ...modelIds.map(styleOf)];
	return asSvg(
		Plot.plot({
			width: WIDTH,
			height: 380,
			marginRight: 230,
			// reveal in percent at 1-2-5 steps (1 %, 2 %, 5 %, ...), not SI prefixes (10m, 20m)
			x: { type: 'log', label: 'Image revealed →', domain: [Math.min(...report.levels, 1), 1], ticks: revealTicks(Math.min(...report.levels, 1)), tickFormat: revealPercent, grid: true },
			y: options.normalized ? { label: '↑ Normalized accuracy', grid: true } : { label: '↑ Accuracy', domain: [0, 1], grid: true },
			color: { domain: series.map((s) => s.label), range: series.map((s) => s.colour) },
			symbol: { domain: series.map((s) => s.label), range: series.map((s) => s.marker) },
			marks: [
				Plot.ruleY([options.normalized ? 0 : 0.5], { stroke: '#999', strokeDasharray: '4,3' }),
				Plot.areaY(band, { x: 'reveal', y1: 'low', y2: 'high', fill: HUMAN_STYLE.colour, fillOpacity: 0.15 }),
				Plot.lineY(rows, { x: 'reveal', y: 'value', stroke: 'observer', z: 'observer', strokeWidth: 2 }),
				Plot.dot(rows, { x: 'reveal', y: 'value', stroke: 'observer', fill: 'observer', symbol: 'observer', r: 3 }),
				Plot.text(rows, Plot.selectLast({ x: 'reveal', y: 'value', z: 'observer', text: 'observer', fill: 'observer', dx: 8, textAnchor: 'start' }))
			]
		})
	);
}

/** One panel per model, one bar per alignment measure, in the model's colour (rows with no value are left out). */
export function alignmentFigure(rows: readonly AlignmentRow[]): SVGSVGElement {
	const models = [...new Set(rows.map((r) => r.model))];
	const colours = models.map((m) => rows.find((r) => r.model === m)!.colour);
	const measures = [...new Set(rows.map((r) => r.measure))];
	const label = (r: AlignmentRow) => r.value.toFixed(3);
	return asSvg(
		Plot.plot({
			width: WIDTH,
			height: 50 + models.length * (measures.length * 26 + 16),
			marginLeft: 140,
			marginRight: 230,
			x: { label: 'Score →', grid: true, domain: [Math.min(0, ...rows.map((r) => r.value)) - 0.1, Math.max(1, ...rows.map((r) => r.value)) + 0.15] },
			y: { label: null, domain: measures },
			fy: { label: null, domain: models, axis: 'right' },
			color: { domain: models, range: colours },
			marks: [
				Plot.barX(rows, { y: 'measure', x: 'value', fy: 'model', fill: 'model' }),
				Plot.ruleX([0]),
				Plot.text(rows.filter((r) => r.value >= 0), { y: 'measure', x: 'value', fy: 'model', text: label, dx: 4, textAnchor: 'start' }),
				Plot.text(rows.filter((r) => r.value < 0), { y: 'measure', x: () => 0, fy: 'model', text: label, dx: 4, textAnchor: 'start' }) // right of zero, clear of the axis
			]
		})
	);
}

/**
 * ImageNet top-1 against an alignment score, with the pareto front (Fel et al. 2022, Fig. 3):
 * each model in its colour and marker; the dashed staircase joins the models no other model beats
 * on both axes (on the score's axis in its direction: higher, or lower for a difference), and
 * those models are ringed. Error bars: each point's 95 % bootstrap interval (src/analysis/
 * bootstrap.ts) on the score's axis, and on the accuracy axis where one is known (published
 * ImageNet accuracies come without one); a point whose interval is not estimable has no bar.
 */
export function paretoFigure(points: readonly (ParetoPoint & ObserverStyle)[], metric: Pick<Metric, 'name' | 'direction'>): SVGSVGElement {
	const front = paretoFront([...points], metric.direction);
	const known = (a: number | null | undefined, b: number | null | undefined): boolean => typeof a === 'number' && typeof b === 'number';
	const yBars = points.filter((p) => known(p.ci_low, p.ci_high));
	const xBars = points.filter((p) => known(p.x_ci_low, p.x_ci_high));
	const digits = (v: number) => v.toFixed(3);
	return asSvg(
		Plot.plot({
			width: WIDTH,
			height: 380,
			marginRight: 140,
			x: { label: 'ImageNet top-1 accuracy →', grid: true, tickFormat: '.0%', domain: paddedDomain([...points.map((p) => p.x), ...xBars.flatMap((p) => [p.x_ci_low!, p.x_ci_high!])], 0.05) },
			y: { label: metric.direction === 'higher' ? `↑ ${metric.name}` : `↓ ${metric.name} (lower is better)`, grid: true, domain: paddedDomain([0, ...points.map((p) => p.y), ...yBars.flatMap((p) => [p.ci_low!, p.ci_high!])], 0.1) },
			marks: [
				Plot.line(front, { x: 'x', y: 'y', curve: 'step-after', stroke: '#999', strokeDasharray: '4,3' }),
				// 95 % intervals: vertical on the score, horizontal on top-1 where known
				Plot.ruleX(yBars, { x: 'x', y1: 'ci_low', y2: 'ci_high', stroke: 'colour', strokeWidth: 1.5, ariaDescription: 'score 95 % interval', title: (p: ParetoPoint & ObserverStyle) => `${p.label}: 95 % interval [${digits(p.ci_low!)}, ${digits(p.ci_high!)}]` }),
				Plot.ruleY(xBars, { y: 'y', x1: 'x_ci_low', x2: 'x_ci_high', stroke: 'colour', strokeWidth: 1.5, ariaDescription: 'top-1 95 % interval', title: (p: ParetoPoint & ObserverStyle) => `${p.label}: top-1 95 % interval [${digits(p.x_ci_low!)}, ${digits(p.x_ci_high!)}]` }),
				Plot.dot(front, { x: 'x', y: 'y', r: 10, stroke: '#111', strokeWidth: 1.5 }),
				Plot.dot(points, { x: 'x', y: 'y', r: 5, fill: 'colour', stroke: 'colour', symbol: 'marker' }),
				Plot.text(points, { x: 'x', y: 'y', text: 'label', dx: 8, textAnchor: 'start' })
			]
		})
	);
}

/** [min - pad, max + pad] of the values: a single point still gets a readable axis. */
const paddedDomain = (values: number[], pad: number): [number, number] => [Math.min(...values) - pad, Math.max(...values) + pad];

/**
 * A histogram in bins of `binWidth` with a reference line (the answer window, the intended
 * display time); the axis always shows the reference.
 */
export function histogramFigure(values: number[], options: { label: string; binWidth: number; reference: { at: number; label: string } }): SVGSVGElement {
	const { reference, binWidth } = options;
	return asSvg(
		Plot.plot({
			width: WIDTH / 2 - 10,
			height: 240,
			x: { label: `${options.label} →`, domain: paddedDomain([...values, reference.at], 3 * binWidth) },
			y: { label: '↑ Trials', grid: true },
			marks: [
				Plot.rectY(values, { ...Plot.binX({ y: 'count' }, { x: (v: number) => v, interval: binWidth }), fill: '#4a6fa5' }),
				Plot.ruleY([0]),
				Plot.ruleX([reference.at], { stroke: '#d62728', strokeDasharray: '4,3' }),
				Plot.text([reference.label], { x: reference.at, frameAnchor: 'top', dy: 4, dx: -4, textAnchor: 'end', fill: '#d62728', stroke: 'white', strokeWidth: 3 })
			]
		})
	);
}
