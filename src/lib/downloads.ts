/** Saving what the dashboard shows: text files, and figures as SVG or PNG. */

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

/** Renders an <svg> to a PNG at `scale` x its size, on white (figures have no background). */
export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
	const width = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
	const height = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height;
	const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
	try {
		const image = new Image();
		image.src = url;
		await image.decode();
		const canvas = Object.assign(document.createElement('canvas'), { width: Math.round(width * scale), height: Math.round(height * scale) });
		const context = canvas.getContext('2d')!;
		context.fillStyle = '#fff';
		context.fillRect(0, 0, canvas.width, canvas.height);
		context.drawImage(image, 0, 0, canvas.width, canvas.height);
		return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
	} finally {
		URL.revokeObjectURL(url);
	}
}
