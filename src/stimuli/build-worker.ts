/// <reference lib="webworker" />
/**
 * The dashboard's set builder off the page's main thread (browser only): decodes each photo
 * (createImageBitmap, alpha over white), brings it and its map to the set's N x N (prepare.ts),
 * and builds its stimuli (build.ts), one image per 'next' request, so the page uploads each
 * image's files before the next is built. Ends with manifest.json.
 */
import { addImageToSet, manifestFile, newSetManifest } from './build.js';
import { centerBiasMap } from './importance-map.js';
import type { RgbImage } from './image.js';
import { prepareMap, preparePhoto } from './prepare.js';
import type { BuildAnswer, BuildJob } from './build-protocol.js';

let job: BuildJob | null = null;
let next = 0;
let manifest: ReturnType<typeof newSetManifest> | null = null;

async function decode(blob: Blob): Promise<RgbImage> {
	const bitmap = await createImageBitmap(blob);
	const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
	const context = canvas.getContext('2d')!;
	context.fillStyle = '#ffffff';
	context.fillRect(0, 0, bitmap.width, bitmap.height);
	context.drawImage(bitmap, 0, 0);
	const { width, height } = bitmap;
	const rgba = context.getImageData(0, 0, width, height).data;
	bitmap.close();
	const data = new Uint8Array(width * height * 3);
	for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
		data[j] = rgba[i]!;
		data[j + 1] = rgba[i + 1]!;
		data[j + 2] = rgba[i + 2]!;
	}
	return { width, height, data };
}

const answer = (message: BuildAnswer, transfer: Transferable[] = []) => self.postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<{ type: 'start'; job: BuildJob } | { type: 'next' }>) => {
	try {
		if (event.data.type === 'start') {
			job = event.data.job;
			next = 0;
			manifest = newSetManifest(job.parameters);
			return;
		}
		if (!job || !manifest) throw new Error('the set builder was asked for an image before it was started');
		if (next === job.photos.length) {
			answer({ type: 'manifest', file: manifestFile(manifest), images: manifest.images.length, stimuli: manifest.stimuli.length });
			return;
		}
		const photo = job.photos[next]!;
		const image = await decode(photo.blob);
		const map = job.maps?.[photo.id];
		const files = await addImageToSet(manifest, {
			imageId: photo.id,
			category: photo.category,
			imagenetClasses: photo.imagenetClasses,
			attribution: photo.attribution,
			image: preparePhoto(image, job.size),
			map: map ? prepareMap(map, image, job.size) : centerBiasMap(job.size, job.size)
		});
		next++;
		answer({ type: 'image', imageId: photo.id, done: next, total: job.photos.length, files }, [...new Set(files.map((f) => f.bytes.buffer as ArrayBuffer))]);
	} catch (error) {
		answer({ type: 'error', message: (error as Error).message });
	}
};
