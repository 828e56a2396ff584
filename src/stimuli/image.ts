/** An 8-bit RGB image, row-major, 3 interleaved channels. */
export interface RgbImage {
	width: number;
	height: number;
	data: Uint8Array;
}

export function checkRgbImage(image: RgbImage, what = 'image'): void {
	if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width < 1 || image.height < 1) {
		throw new Error(`${what} must have positive integer width and height (got ${image.width} x ${image.height})`);
	}
	if (image.data.length !== image.width * image.height * 3) {
		throw new Error(`${what} must hold width x height x 3 bytes (${image.width * image.height * 3}), got ${image.data.length}`);
	}
}
