/**
 * Phase-scrambled noise made from an image, the background of every masked stimulus:
 *   1. F_c = DFT2(image channel c), for c in R, G, B;
 *   2. phi = the phase of DFT2(white noise), one random phase field shared by the channels
 *      (a real image's phase is odd-symmetric, so the result stays real), with phi(0, 0) = 0
 *      so that each channel keeps its mean brightness;
 *   3. noise_c = Re(IDFT2(|F_c| exp(i phi))), rounded and clipped to 0..255.
 * Each channel keeps its amplitude spectrum (before clipping); the shared phase keeps the colours
 * coherent. Seeded: the same image and seed give the same noise.
 */
import { fft2d, ifft2d, realToComplex } from './fft.js';
import { checkRgbImage, type RgbImage } from './image.js';
import { seededRandom } from './random.js';

/** The random phase field: angle of the DFT of uniform white noise, DC phase set to 0. */
export function randomPhaseField(width: number, height: number, random: () => number): Float64Array {
	const noise = new Float64Array(width * height);
	for (let i = 0; i < noise.length; i++) noise[i] = random();
	const spectrum = fft2d(realToComplex(noise, width, height)).data;
	const phase = new Float64Array(width * height);
	for (let i = 0; i < phase.length; i++) phase[i] = Math.atan2(spectrum[2 * i + 1]!, spectrum[2 * i]!);
	phase[0] = 0;
	return phase;
}

export function phaseScrambledNoise(image: RgbImage, seed: string | number): RgbImage {
	checkRgbImage(image);
	const { width, height } = image;
	const n = width * height;
	const phase = randomPhaseField(width, height, seededRandom('phase-scramble', seed));
	const out = new Uint8Array(n * 3);
	const channel = new Float64Array(n);
	for (let c = 0; c < 3; c++) {
		for (let i = 0; i < n; i++) channel[i] = image.data[3 * i + c]!;
		const spectrum = fft2d(realToComplex(channel, width, height)).data;
		for (let i = 0; i < n; i++) {
			const amplitude = Math.hypot(spectrum[2 * i]!, spectrum[2 * i + 1]!);
			spectrum[2 * i] = amplitude * Math.cos(phase[i]!);
			spectrum[2 * i + 1] = amplitude * Math.sin(phase[i]!);
		}
		const values = ifft2d({ width, height, data: spectrum }).data;
		for (let i = 0; i < n; i++) out[3 * i + c] = Math.min(255, Math.max(0, Math.round(values[2 * i]!)));
	}
	return { width, height, data: out };
}
