/**
 * What an exported figure carries so it can go into a paper as it is: a header with the title, and
 * a footer with n, the options that produced it and the date, drawn in the SVG itself (so the PNG
 * rendered from it has them too); print sizes for PNGs; and the figure-and-data bundle (.zip: the
 * SVG, the 300 dpi PNG, the CSV of the data behind the figure and the options as JSON).
 *
 * Sizes: an SVG's width and height are CSS px, and 1 CSS px = 1/96 inch (CSS Values and Units
 * Level 3, "absolute lengths"), so a figure W px wide is W / 96 inches wide, and at D dots per
 * inch its PNG is round(W * D / 96) pixels wide.
 */
import { strToU8, zipSync } from 'fflate';
import { canvasMeasure, fitLabel } from './figure-legend.js';
import { optionsText, type CsvValue } from './figure-data.js';

/** CSS px per inch. */
export const CSS_DPI = 96;
/** The PNG resolutions offered: the screen's (1 PNG pixel per CSS px) and print (300 dpi, journals' minimum for figures with text). */
export const SCREEN_DPI = CSS_DPI;
export const PRINT_DPI = 300;

/** Pixel size of a PNG of a figure `width` x `height` CSS px at `dpi`: round(size * dpi / 96). */
export function pixelSize(width: number, height: number, dpi: number): { width: number; height: number } {
	if (!(width > 0 && height > 0)) throw new Error(`a figure's size must be positive, got ${width} x ${height} px`);
	if (!(dpi > 0)) throw new Error(`a resolution must be positive, got ${dpi} dpi`);
	return { width: Math.round((width * dpi) / CSS_DPI), height: Math.round((height * dpi) / CSS_DPI) };
}

/** What a figure states besides its axes: n and the options it was made with. */
export interface FigureFacts {
	/** Lines saying n (people, trials, models, images...). */
	n?: string[];
	/** Every choice that produced the figure (analysis options, toggles, the study). */
	options?: Readonly<Record<string, CsvValue>>;
}

export interface FrameText {
	title: string;
	facts: FigureFacts;
	date: Date;
}

/** "2026-11-30 01:52 UTC": the date (and time) an export was made. */
export const exportDate = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The footer's lines before wrapping: n, options, date. */
export function footerLines(facts: FigureFacts, date: Date): string[] {
	return [
		...(facts.n ?? []).map((line) => `n: ${line}`),
		...(facts.options && Object.keys(facts.options).length ? [`Options: ${optionsText(facts.options)}`] : []),
		`Made ${exportDate(date)} with see-like-people`
	];
}

/** Greedy word wrap: lines of at most `width` px (a single word wider than that is shortened with "…"). */
export function wrapText(text: string, width: number, measure: (text: string) => number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const candidate = line ? `${line} ${word}` : word;
		if (measure(candidate) <= width) line = candidate;
		else {
			if (line) lines.push(line);
			line = measure(word) <= width ? word : fitLabel(word, width, measure);
		}
	}
	if (line) lines.push(line);
	return lines;
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The figure as it is exported: a new <svg> with the title on top, the figure (a copy, nested
 * as an <svg>) and the footer (n, options, date) under it, each header/footer line a <text>
 * with data-frame="title" or "footer".
 */
export function framedSvg(figure: SVGSVGElement, frame: FrameText): SVGSVGElement {
	const width = Number(figure.getAttribute('width')) || figure.getBoundingClientRect().width;
	const height = Number(figure.getAttribute('height')) || figure.getBoundingClientRect().height;
	const pad = 10, titleSize = 15, footSize = 10, footLine = 13;
	const measure = canvasMeasure(footSize);
	const footer = footerLines(frame.facts, frame.date).flatMap((line) => wrapText(line, width - 2 * pad, measure));
	const top = pad + titleSize + 8;
	const total = Math.ceil(top + height + 6 + footer.length * footLine + pad);
	const root = document.createElementNS(SVG, 'svg');
	for (const [key, value] of Object.entries({ xmlns: SVG, width, height: total, viewBox: `0 0 ${width} ${total}`, 'font-family': 'system-ui, sans-serif' })) root.setAttribute(key, String(value));
	const text = (content: string, y: number, size: number, kind: string, weight = 'normal') => {
		const element = document.createElementNS(SVG, 'text');
		for (const [key, value] of Object.entries({ x: pad, y, 'font-size': size, 'font-weight': weight, fill: '#222', 'data-frame': kind })) element.setAttribute(key, String(value));
		element.textContent = content;
		return element;
	};
	const background = document.createElementNS(SVG, 'rect');
	for (const [key, value] of Object.entries({ width: '100%', height: '100%', fill: 'white' })) background.setAttribute(key, value);
	root.append(background, text(frame.title, pad + titleSize, titleSize, 'title', '600'));
	const copy = figure.cloneNode(true) as SVGSVGElement;
	copy.setAttribute('x', '0');
	copy.setAttribute('y', String(top));
	root.append(copy);
	footer.forEach((line, i) => root.append(text(line, top + height + 6 + (i + 1) * footLine - 3, footSize, 'footer')));
	return root;
}

/** CRC-32 (ISO-HDLC, the PNG chunk checksum: polynomial 0xEDB88320 reflected, PNG spec section 5.5). */
function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) {
		crc ^= byte;
		for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
	}
	return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The PNG with its resolution recorded (a pHYs chunk right after IHDR, any earlier pHYs
 * dropped): pixels per metre = round(dpi / 0.0254), unit 1 (metre), PNG spec section 11.3.5.3.
 * Word processors and LaTeX read it to size the image at its print width.
 */
export function withPngResolution(png: Uint8Array, dpi: number): Uint8Array<ArrayBuffer> {
	const signature = png.subarray(0, 8);
	if (![0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => signature[i] === b)) throw new Error('not a PNG file (its signature is missing)');
	const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
	const chunks: Uint8Array[] = [signature];
	const ppm = Math.round(dpi / 0.0254);
	const phys = new Uint8Array(4 + 4 + 9 + 4);
	const physView = new DataView(phys.buffer);
	physView.setUint32(0, 9);
	phys.set(strToU8('pHYs'), 4);
	physView.setUint32(8, ppm);
	physView.setUint32(12, ppm);
	phys[16] = 1;
	physView.setUint32(17, crc32(phys.subarray(4, 17)));
	for (let at = 8; at < png.length; ) {
		const length = view.getUint32(at);
		const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
		const end = at + 12 + length;
		if (end > png.length) throw new Error(`the PNG's ${type} chunk runs past the end of the file`);
		if (type !== 'pHYs') chunks.push(png.subarray(at, end));
		if (type === 'IHDR') chunks.push(phys);
		at = end;
	}
	const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
	let offset = 0;
	for (const c of chunks) {
		out.set(c, offset);
		offset += c.length;
	}
	return out;
}

/** The bundle's file names for a figure named `name`. */
export const bundleFiles = (name: string) => ({ svg: `${name}.svg`, png: `${name}-${PRINT_DPI}dpi.png`, csv: `${name}.csv`, options: `${name}-options.json` });

/**
 * The figure-and-data bundle: a .zip with the framed SVG, the print PNG, the CSV of the data
 * behind the figure (when the figure has one) and a JSON of the title, date, n and options.
 */
export function figureBundle(name: string, files: { svg: string; png: Uint8Array; csv?: string | null; frame: FrameText }): Uint8Array<ArrayBuffer> {
	const names = bundleFiles(name);
	const about = { title: files.frame.title, made: files.frame.date.toISOString(), n: files.frame.facts.n ?? [], options: files.frame.facts.options ?? {}, files: { ...names, csv: files.csv ? names.csv : null } };
	return zipSync({
		[names.svg]: strToU8(files.svg),
		[names.png]: [files.png, { level: 0 }], // already deflated
		...(files.csv ? { [names.csv]: strToU8(files.csv) } : {}),
		[names.options]: strToU8(JSON.stringify(about, null, 2) + '\n')
	});
}
