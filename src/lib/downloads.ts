/** Saving what the dashboard shows: text files, and figures as SVG, PNG or a figure-and-data bundle. */
import { pixelSize, SCREEN_DPI, withPngResolution } from './figure-export.js';

/** Offers a Blob as a download named `name`. */
export function saveBlob(name: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const link = Object.assign(document.createElement('a'), { href: url, download: name });
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const saveText = (name: string, text: string, type: string) => saveBlob(name, new Blob([text], { type }));

export const svgText = (svg: SVGSVGElement) => '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);

/**
 * Renders an <svg> to PNG bytes at `dpi` (figure-export.ts pixelSize: its CSS px width x dpi / 96),
 * on white (figures have no background), with the resolution recorded in the file (pHYs).
 */
export async function svgToPng(svg: SVGSVGElement, dpi = SCREEN_DPI): Promise<Uint8Array<ArrayBuffer>> {
	const size = pixelSize(Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width, Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height, dpi);
	const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
	try {
		const image = new Image();
		image.src = url;
		await image.decode();
		const canvas = Object.assign(document.createElement('canvas'), size);
		const context = canvas.getContext('2d');
		if (!context) throw new Error('the browser gave no canvas to draw the PNG on');
		context.fillStyle = '#fff';
		context.fillRect(0, 0, canvas.width, canvas.height);
		context.drawImage(image, 0, 0, canvas.width, canvas.height);
		const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
		return withPngResolution(new Uint8Array(await blob.arrayBuffer()), dpi);
	} finally {
		URL.revokeObjectURL(url);
	}
}
