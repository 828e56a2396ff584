/**
 * A figure's legend drawn inside its own <svg> (so a saved SVG or PNG keeps it), laid out in
 * columns that never overlap however many observers there are: each column is as wide as its
 * widest entry (swatch + label + gap), as many columns as fit the width, entries filled down each
 * column first (as matplotlib's `ncol` legends and model-vs-human's figures read). Labels longer
 * than the whole width are shortened with an ellipsis. The layout is pure (`legendLayout`); the
 * drawing (`drawLegend`) makes the SVG elements, with the markers Plot draws (d3-shape symbols of
 * the same names, src/analysis/observer-style.ts Marker).
 */
import { symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolStar, symbolTriangle, symbolWye, type SymbolType } from 'd3-shape';
import type { Marker } from '$analysis/index.js';

/** How an entry's swatch is drawn: a line (thick for a mean, thin for one person), a shaded band, or a marker alone. */
export type LegendSwatch = 'line' | 'thin-line' | 'band' | 'marker';

export interface LegendEntry {
	label: string;
	colour: string;
	marker: Marker | null;
	swatch: LegendSwatch;
}

export interface LegendOptions {
	/** The width the legend may take, px. */
	width: number;
	/** A label's width in px at `fontSize` (the browser's canvas measure, or an estimate in Node). */
	measure: (text: string) => number;
	fontSize?: number;
}

export interface PlacedEntry {
	entry: LegendEntry;
	/** The label as drawn (shortened with "…" when it is wider than the legend). */
	text: string;
	/** Top-left corner of the entry's box, px from the legend's corner. */
	x: number;
	y: number;
}

export interface LegendLayout {
	columns: number;
	rows: number;
	columnWidth: number;
	rowHeight: number;
	height: number;
	items: PlacedEntry[];
}

/** The swatch (line and marker) before each label, px. */
export const SWATCH_WIDTH = 26;
/** Between the swatch and the label, and between columns, px. */
const LABEL_GAP = 6;
const COLUMN_GAP = 16;

/** `text` shortened with "…" until measure(text) <= width (at least one character is kept). */
export function fitLabel(text: string, width: number, measure: (text: string) => number): string {
	if (measure(text) <= width) return text;
	let end = text.length - 1;
	while (end > 1 && measure(`${text.slice(0, end).trimEnd()}…`) > width) end--;
	return `${text.slice(0, end).trimEnd()}…`;
}

/**
 * Column layout: columnWidth = swatch + gap + the widest label + column gap; columns = as many as
 * fit `width` (at least 1, at most the number of entries); rows = ceil(entries / columns); entry i
 * goes to column floor(i / rows), row i mod rows. Row height = 1.5 x font size, so two rows never
 * touch. Boxes of different entries are disjoint by construction.
 */
export function legendLayout(entries: readonly LegendEntry[], options: LegendOptions): LegendLayout {
	const fontSize = options.fontSize ?? 11;
	const rowHeight = Math.ceil(fontSize * 1.5);
	const labelRoom = Math.max(20, options.width - SWATCH_WIDTH - LABEL_GAP);
	const texts = entries.map((e) => fitLabel(e.label, labelRoom, options.measure));
	const widest = Math.max(0, ...texts.map((t) => options.measure(t)));
	const columnWidth = Math.ceil(SWATCH_WIDTH + LABEL_GAP + widest + COLUMN_GAP);
	const fit = Math.max(1, Math.floor((options.width + COLUMN_GAP) / columnWidth));
	const rows = entries.length ? Math.ceil(entries.length / Math.min(fit, entries.length)) : 0;
	const columns = rows ? Math.ceil(entries.length / rows) : 0;
	const items = entries.map((entry, i) => ({ entry, text: texts[i]!, x: Math.floor(i / rows) * columnWidth, y: (i % rows) * rowHeight }));
	return { columns, rows, columnWidth, rowHeight, height: rows * rowHeight, items };
}

const SYMBOLS: Record<Marker, SymbolType> = {
	circle: symbolCircle,
	square: symbolSquare,
	triangle: symbolTriangle,
	diamond: symbolDiamond,
	star: symbolStar,
	cross: symbolCross,
	wye: symbolWye
};

/** The SVG path of a marker of radius r, as Plot's dot draws it (area pi r^2). */
export const markerPath = (marker: Marker, r: number) => symbol(SYMBOLS[marker], Math.PI * r * r)() ?? '';

const SVG = 'http://www.w3.org/2000/svg';

/** A canvas measure of text in Plot's font (system-ui, sans-serif) at `fontSize`, with a little slack. */
export function canvasMeasure(fontSize = 11): (text: string) => number {
	const context = document.createElement('canvas').getContext('2d');
	if (!context) return (text) => text.length * fontSize * 0.62; // no canvas: a generous estimate
	context.font = `${fontSize}px system-ui, sans-serif`;
	return (text) => context.measureText(text).width * 1.05 + 1;
}

/** The legend as an SVG group (<g data-legend>), each entry a <g data-legend-entry> holding its swatch and label. */
export function drawLegend(layout: LegendLayout, fontSize = 11): SVGGElement {
	const make = <K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>) => {
		const element = document.createElementNS(SVG, tag);
		for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
		return element;
	};
	const legend = make('g', { 'data-legend': '', 'aria-label': 'legend', 'font-size': fontSize, 'font-family': 'system-ui, sans-serif' });
	const middle = layout.rowHeight / 2;
	for (const { entry, text, x, y } of layout.items) {
		const item = make('g', { transform: `translate(${x},${y})`, 'data-legend-entry': entry.label });
		if (entry.swatch === 'band') item.append(make('rect', { x: 1, y: middle - 5, width: SWATCH_WIDTH - 2, height: 10, fill: entry.colour, 'fill-opacity': 0.15 }));
		if (entry.swatch === 'line' || entry.swatch === 'thin-line')
			item.append(make('line', { x1: 1, x2: SWATCH_WIDTH - 1, y1: middle, y2: middle, stroke: entry.colour, 'stroke-width': entry.swatch === 'line' ? 2 : 0.8, 'stroke-opacity': entry.swatch === 'line' ? 1 : 0.45 }));
		if (entry.marker) item.append(make('path', { d: markerPath(entry.marker, 3.5), transform: `translate(${SWATCH_WIDTH / 2},${middle})`, fill: entry.colour, stroke: entry.colour }));
		const label = make('text', { x: SWATCH_WIDTH + LABEL_GAP, y: middle, dy: '0.32em', 'text-anchor': 'start', fill: '#222' });
		label.textContent = text;
		if (text !== entry.label) label.append(Object.assign(make('title', {}), { textContent: entry.label }));
		item.append(label);
		legend.append(item);
	}
	return legend;
}

/**
 * Puts a legend under a Plot figure: the <svg> grows by the legend's height (plus `gap`) and the
 * legend is drawn from `left` px, `width` px wide. Returns the same <svg>.
 */
export function appendLegend(svg: SVGSVGElement, entries: readonly LegendEntry[], options: { left: number; width: number; gap?: number; fontSize?: number }): SVGSVGElement {
	const fontSize = options.fontSize ?? 11;
	const layout = legendLayout(entries, { width: options.width, measure: canvasMeasure(fontSize), fontSize });
	const width = Number(svg.getAttribute('width'));
	const height = Number(svg.getAttribute('height'));
	const top = height + (options.gap ?? 6);
	const legend = drawLegend(layout, fontSize);
	legend.setAttribute('transform', `translate(${options.left},${top})`);
	svg.append(legend);
	const total = top + layout.height + 6;
	svg.setAttribute('height', String(total));
	svg.setAttribute('viewBox', `0 0 ${width} ${total}`);
	return svg;
}
