/**
 * The dashboard's figures, drawn with Observable Plot from the analysis module's reports. Each
 * returns one standalone <svg> with its legend drawn inside it (figure-legend.ts: columns that
 * never overlap), so the same element is shown, saved as SVG and rendered to PNG (FigurePanel
 * frames the exports with title, n, options and date: figure-export.ts). Every observer is drawn
 * in its own style (src/analysis/observer-style.ts: label, colour, marker), the same in every figure.
 */
import { revealPercent, revealTicks } from '$stimuli/levels.js';
import * as Plot from '@observablehq/plot';
import type { DecisionReport, Marker, Metric, ObserverStyle, ParetoPoint } from '$analysis/index.js';
import { HUMAN_STYLE, METRICS, paretoFront } from '$analysis/index.js';
import { appendLegend, canvasMeasure, fitLabel, type LegendEntry } from './figure-legend.js';
import { CURVE_MEASURES, hasInterval, peoplePerLevel, personCurve, type AlignmentPoint, type CurveMeasure } from './figure-data.js';

const WIDTH = 720;

function asSvg(figure: SVGSVGElement | HTMLElement): SVGSVGElement {
	if (!(figure instanceof SVGSVGElement)) throw new Error('a dashboard figure must be a single <svg>');
	figure.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	return figure;
}

/**
 * A decision measure per level against the proportion revealed, log x as the levels are
 * log-spaced, drawn as bethgelab/model-vs-human draws its psychophysics curves: each included
 * person as a thin light line, their mean as a black line with circles and its 95 % bootstrap
 * band (where the report bootstraps the measure), each model in its colour and marker.
 * Under the reveal ticks, the people and trials at each level; the legend under the plot.
 * `styles` gives each model's style by its report key.
 */
export function decisionCurveFigure(report: DecisionReport, options: { measure: CurveMeasure; humanLabel: string; styles: Readonly<Record<string, ObserverStyle>> }): SVGSVGElement {
	const measure = CURVE_MEASURES[options.measure];
	type Point = { reveal: number; value: number; observer: string };
	const curve = (observer: string, values: readonly (number | null)[]): Point[] =>
		values.flatMap((value, l) => (value === null || value === undefined ? [] : [{ reveal: report.levels[l]!, value, observer }]));
	const people = report.humans.included.flatMap((id) => curve(id, personCurve(report, id, options.measure)));
	const mean = curve(options.humanLabel, report.human_curve[options.measure]);
	const modelIds = Object.keys(report.models);
	const styleOf = (id: string): ObserverStyle => options.styles[id] ?? { label: id, colour: '#555', marker: 'square' };
	const models = modelIds.flatMap((id) => curve(styleOf(id).label, report.models[id]![options.measure]));
	const band = measure.band
		? report.levels.flatMap((reveal, l) => {
				const low = report.human_curve[measure.band![0]][l], high = report.human_curve[measure.band![1]][l];
				return low === null || high === null || low === undefined || high === undefined ? [] : [{ reveal, low, high }];
			})
		: [];
	const counts = peoplePerLevel(report);
	const series = [{ label: options.humanLabel, ...HUMAN_STYLE }, ...modelIds.map(styleOf)];
	const minReveal = Math.min(...report.levels, 1);
	const margin = { left: 96, right: 20, bottom: 62 };
	const svg = asSvg(
		Plot.plot({
			width: WIDTH,
			height: 400,
			marginLeft: margin.left,
			marginRight: margin.right,
			marginBottom: margin.bottom,
			// reveal in percent at 1-2-5 steps (1 %, 2 %, 5 %, ...), not SI prefixes (10m, 20m)
			x: { type: 'log', label: 'Image revealed (% of pixels, log scale) →', domain: [minReveal, 1], ticks: revealTicks(minReveal), tickFormat: revealPercent, grid: true },
			y: { label: measure.axis, ...(measure.domain ? { domain: measure.domain } : {}), grid: true },
			color: { domain: series.map((s) => s.label), range: series.map((s) => s.colour) },
			symbol: { domain: series.map((s) => s.label), range: series.map((s) => s.marker) },
			marks: [
				Plot.ruleY([measure.chance], { stroke: '#999', strokeDasharray: '4,3' }),
				Plot.areaY(band, { x: 'reveal', y1: 'low', y2: 'high', fill: HUMAN_STYLE.colour, fillOpacity: 0.15, className: 'people-band' }),
				Plot.lineY(people, { x: 'reveal', y: 'value', z: 'observer', stroke: HUMAN_STYLE.colour, strokeOpacity: 0.3, strokeWidth: 0.8, className: 'person-curve' }),
				Plot.lineY(mean, { x: 'reveal', y: 'value', stroke: 'observer', strokeWidth: 2.5, className: 'people-mean' }),
				Plot.lineY(models, { x: 'reveal', y: 'value', stroke: 'observer', z: 'observer', strokeWidth: 1.8, className: 'model-curve' }),
				Plot.dot([...mean, ...models], { x: 'reveal', y: 'value', stroke: 'observer', fill: 'observer', symbol: 'observer', r: 3.5 }),
				// per-level n under the reveal ticks: people / trials
				Plot.text(counts, { x: 'reveal', text: (c: (typeof counts)[number]) => `${c.people} / ${c.trials}`, frameAnchor: 'bottom', dy: 30, fill: '#555', className: 'level-n' }),
				Plot.text(['people / trials'], { frameAnchor: 'bottom-left', dx: 4 - margin.left, dy: 30, textAnchor: 'start', fill: '#555' })
			]
		})
	);
	const n = report.humans.included.length;
	const legend: LegendEntry[] = [
		{ label: `${options.humanLabel}: mean of ${n}`, colour: HUMAN_STYLE.colour, marker: HUMAN_STYLE.marker, swatch: 'line' },
		...(band.length ? [{ label: '95 % bootstrap interval of the mean', colour: HUMAN_STYLE.colour, marker: null, swatch: 'band' as const }] : []),
		{ label: `Each of the ${n} (thin)`, colour: HUMAN_STYLE.colour, marker: null, swatch: 'thin-line' },
		...modelIds.map((id) => ({ ...styleOf(id), swatch: 'line' as const }))
	];
	return appendLegend(svg, legend, { left: margin.left, width: WIDTH - margin.left - margin.right });
}

/** One alignment measure's axis: what it reads in (units), and its reference values (chance, ceiling). */
interface MeasureAxis {
	axis: string;
	references: { at: number; label: string }[];
}

/**
 * The headline measures' axes, by metric id (src/analysis/metrics.ts). A measure not listed here
 * gets its name as the axis and no reference line.
 */
const MEASURE_AXES: Record<string, MeasureAxis> = {
	error_consistency: { axis: "Error consistency: Cohen's kappa (unitless, -1 to 1) →", references: [{ at: 0, label: 'chance' }, { at: 1, label: 'same errors' }] },
	curve_correlation: { axis: 'Decision-curve correlation: Pearson r (unitless, -1 to 1) →', references: [{ at: 0, label: 'unrelated' }, { at: 1, label: 'same shape' }] },
	alignment: { axis: "Feature alignment: Spearman's rho / human ceiling (unitless) →", references: [{ at: 0, label: 'unrelated' }, { at: 1, label: 'human ceiling' }] }
};

/**
 * One panel per alignment measure, each with its own axis (label and units) and its reference
 * lines (chance, ceiling, and `references` such as people against each other): a dot per model
 * in its colour and marker, with its 95 % interval as an error bar when the row has one, the
 * value printed at the right. The same models in the same order in every panel.
 * `markers`: each model's marker by its label (observer-style.ts).
 */
export function alignmentFigure(rows: readonly AlignmentPoint[], options: { markers: Readonly<Record<string, Marker>>; references?: Readonly<Record<string, { at: number; label: string }[]>> }): SVGSVGElement {
	const models = [...new Set(rows.map((r) => r.model))];
	const measures = [...new Set(rows.map((r) => r.measure))];
	// room for the model names (Plot's 10 px font), at most half the width; longer names end in "…"
	const measure = canvasMeasure(10);
	const marginLeft = Math.ceil(Math.min(WIDTH / 2, Math.max(80, ...models.map(measure)) + 14));
	const modelLabel = (label: string) => fitLabel(label, marginLeft - 14, measure);
	const panels = measures.map((measure) => {
		const metric = METRICS.find((m) => m.label === measure);
		const axis = (metric && MEASURE_AXES[metric.id]) ?? { axis: `${measure} →`, references: [] };
		const references = [...axis.references, ...((metric && options.references?.[metric.id]) ?? [])];
		const data = rows.filter((r) => r.measure === measure).map((r) => ({ ...r, marker: options.markers[r.model] ?? 'square' }));
		const values = [...data.flatMap((r) => (hasInterval(r) ? [r.value, r.ci_low, r.ci_high] : [r.value])), ...references.map((r) => r.at)];
		const low = Math.min(...values), high = Math.max(...values);
		const pad = Math.max(0.05, (high - low) * 0.06);
		const panel = asSvg(
			Plot.plot({
				width: WIDTH,
				height: 72 + models.length * 20,
				marginTop: 22,
				marginLeft,
				marginRight: 70,
				marginBottom: 40,
				x: { label: axis.axis, domain: [low - pad, high + pad], grid: true },
				y: { label: null, domain: models, tickFormat: modelLabel },
				marks: [
					Plot.ruleX(references, { x: 'at', stroke: '#888', strokeDasharray: '4,3' }),
					Plot.text(references, { x: 'at', text: 'label', frameAnchor: 'top', dy: -12, fill: '#555' }),
					Plot.ruleY(data.filter(hasInterval), { y: 'model', x1: 'ci_low', x2: 'ci_high', stroke: 'colour', strokeWidth: 1.5, className: 'interval' }),
					Plot.tickX(data.filter(hasInterval), { y: 'model', x: 'ci_low', stroke: 'colour', insetTop: 5, insetBottom: 5 }),
					Plot.tickX(data.filter(hasInterval), { y: 'model', x: 'ci_high', stroke: 'colour', insetTop: 5, insetBottom: 5 }),
					Plot.dot(data, { y: 'model', x: 'value', fill: 'colour', stroke: 'colour', symbol: 'marker', r: 4.5 }),
					Plot.text(data, { y: 'model', text: (r: AlignmentPoint) => r.value.toFixed(3), frameAnchor: 'right', dx: 8, textAnchor: 'start' })
				]
			})
		);
		return { panel, measure: metric?.id ?? measure };
	});
	return stackPanels(panels);
}

/**
 * Panels (Plot <svg>s) one under another in one <svg>: each becomes a <g data-measure> holding
 * its attributes (Plot's class, font and fill) and children, moved down by the panels above.
 */
function stackPanels(panels: { panel: SVGSVGElement; measure: string }[]): SVGSVGElement {
	const root = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
	let top = 0;
	for (const { panel, measure } of panels) {
		const group = document.createElementNS('http://www.w3.org/2000/svg', 'g');
		for (const attribute of ['class', 'fill', 'font-family', 'font-size', 'text-anchor']) {
			const value = panel.getAttribute(attribute);
			if (value !== null) group.setAttribute(attribute, value);
		}
		group.setAttribute('transform', `translate(0,${top})`);
		group.setAttribute('data-measure', measure);
		group.append(...panel.childNodes);
		root.append(group);
		top += Number(panel.getAttribute('height'));
	}
	root.setAttribute('width', String(WIDTH));
	root.setAttribute('height', String(top));
	root.setAttribute('viewBox', `0 0 ${WIDTH} ${top}`);
	return asSvg(root);
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
