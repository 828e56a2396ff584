/**
 * The neural-predictivity figure (the 2023 paper's Fig. 3): each model's best-layer score against
 * its ImageNet top-1 accuracy, with a 95 % bootstrap interval (src/neural/report.ts
 * `bootstrapInterval`: over held-out images for the spatial fit, over the 10 splits for the
 * Brain-Score variant) as a vertical rule; each model in its colour and marker
 * (src/analysis/observer-style.ts), the style of src/lib/figures.ts. `options.score` names the
 * y axis's score.
 */
import * as Plot from '@observablehq/plot';
import type { ObserverStyle } from '../../analysis/observer-style.js';
import type { BrainScoreReport } from '../../neural/brainscore.js';

export interface PredictivityPoint extends ObserverStyle {
	model: string;
	top1: number;
	score: number;
	low: number;
	high: number;
}

const pad = (values: number[], by: number): [number, number] => [Math.min(...values) - by, Math.max(...values) + by];

export function predictivityFigure(points: readonly PredictivityPoint[], options: { score: string; synthetic: boolean }): SVGSVGElement {
	const figure = Plot.plot({
		width: 720,
		height: 380,
		marginRight: 160,
		x: { label: 'ImageNet top-1 accuracy →', grid: true, tickFormat: '.0%', domain: pad(points.map((p) => p.top1), 0.05) },
		y: { label: `↑ Neural predictivity (${options.score}, best layer)${options.synthetic ? ' — synthetic data' : ''}`, grid: true, domain: pad([0, ...points.flatMap((p) => [p.low, p.high])], 0.05) },
		marks: [
			Plot.ruleY([0], { stroke: '#999' }),
			Plot.ruleX(points, { x: 'top1', y1: 'low', y2: 'high', stroke: 'colour', strokeWidth: 2 }),
			Plot.dot(points, { x: 'top1', y: 'score', r: 5, fill: 'colour', stroke: 'colour', symbol: 'marker' }),
			Plot.text(points, { x: 'top1', y: 'score', text: 'label', dx: 8, textAnchor: 'start' })
		]
	});
	if (!(figure instanceof SVGSVGElement)) throw new Error('the figure must be a single <svg>');
	figure.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	return figure;
}

const csvCell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** The layer table as CSV: model, layer, score, sd, best (1 for the model's best layer). */
export function layersCsv(reports: Readonly<Record<string, { layers: Record<string, { score: number | null; sd: number | null }>; best_layer: string | null }>>): string {
	const lines = ['model,layer,score,sd,best'];
	for (const [model, r] of Object.entries(reports))
		for (const [layer, s] of Object.entries(r.layers)) lines.push([model, layer, s.score ?? '', s.sd ?? '', layer === r.best_layer ? 1 : 0].map(csvCell).join(','));
	return lines.join('\n') + '\n';
}

/** The Brain-Score variant's layer table as CSV: model, layer, raw, raw_sd, ceiled, ceiling, best. */
export function brainScoreCsv(reports: Readonly<Record<string, BrainScoreReport>>): string {
	const lines = ['model,layer,raw,raw_sd,ceiled,ceiling,best'];
	for (const [model, r] of Object.entries(reports))
		for (const [layer, s] of Object.entries(r.layers)) lines.push([model, layer, s.raw ?? '', s.raw_sd ?? '', s.ceiled ?? '', r.ceiling ?? '', layer === r.best_layer ? 1 : 0].map(csvCell).join(','));
	return lines.join('\n') + '\n';
}
