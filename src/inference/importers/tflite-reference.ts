/**
 * The independent reference for the TFLite importer's real round trip: Arm NN (Debian's
 * python3-pyarmnn, CpuRef backend) runs each Coral .tflite file quantized, as it is, on the demo
 * photos; `scripts/tflite-reference/build-fixture.ts` stores its top 5 per photo in
 * `fixtures/tflite-armnn-top5.json`, and tflite.test.ts compares the imported float models with
 * it. Arm NN takes about 3.5 s of CPU per 224 px photo here, so it runs once, not in every test.
 *
 * Both sides get the same raw uint8 inputs: the photo resized as the platform resizes
 * (`resizeToInput`: TF 2's half-pixel bilinear), rounded and clipped to 0..255, as a TFLite
 * runtime must be fed. The resize runs on the CPU backend, so the bytes are the same on every
 * machine; the fixture keeps their sha256 and the test checks it.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../../stimuli/image.js';
import { resizeToInput } from '../preprocess.js';

export const ARMNN_FIXTURE = 'src/inference/importers/fixtures/tflite-armnn-top5.json';
export const CORAL_DIR = 'coral-tflite';

export interface ArmnnFixture {
	description: string;
	armnn_version: string;
	backend: string;
	photos: string[];
	models: Record<string, { file_sha256: string; input_size: number; inputs_sha256: string; top5: [number, number][][] }>;
}

/** The photos as raw uint8 model inputs [N, size, size, 3], concatenated (resized on the CPU backend, then rounded and clipped). */
export async function uint8Inputs(images: readonly RgbImage[], size: number): Promise<Uint8Array> {
	const previous = tf.getBackend();
	await tf.setBackend('cpu');
	try {
		const out = new Uint8Array(images.length * size * size * 3);
		images.forEach((image, i) => {
			const values = tf.tidy(() => resizeToInput(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat(), size).round().clipByValue(0, 255).dataSync());
			out.set(values, i * size * size * 3);
		});
		return out;
	} finally {
		if (previous && previous !== 'cpu') await tf.setBackend(previous);
	}
}

export function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}
