import { describe, expect, it } from 'vitest';
import { fft2d, realToComplex } from './fft.js';
import { phaseScrambledNoise } from './phase-scramble.js';
import { seededRandom } from './random.js';
import type { RgbImage } from './image.js';

/** A mid-grey test image, far from 0 and 255: a shared random texture plus per-channel structure. */
function testImage(width: number, height: number): RgbImage {
	const random = seededRandom('texture');
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = 3 * (y * width + x);
			const texture = 60 * random();
			data[i] = Math.round(95 + texture + 10 * Math.sin(x / 3));
			data[i + 1] = Math.round(90 + texture + 10 * Math.cos((x + y) / 4));
			data[i + 2] = Math.round(85 + texture + 10 * Math.sin(y / 2));
		}
	}
	return { width, height, data };
}

function channelSpectrum(image: RgbImage, c: number): Float64Array {
	const values = Float64Array.from({ length: image.width * image.height }, (_, i) => image.data[3 * i + c]!);
	return fft2d(realToComplex(values, image.width, image.height)).data;
}

describe('phase-scrambled noise', () => {
	const image = testImage(32, 24); // 24 is not a power of two: Bluestein on the columns
	const noise = phaseScrambledNoise(image, 'seed-1');

	it('keeps each channel\'s amplitude spectrum (up to rounding to integers)', () => {
		for (let c = 0; c < 3; c++) {
			const before = channelSpectrum(image, c), after = channelSpectrum(noise, c);
			let worst = 0;
			for (let i = 0; i < before.length / 2; i++) {
				const a = Math.hypot(before[2 * i]!, before[2 * i + 1]!);
				const b = Math.hypot(after[2 * i]!, after[2 * i + 1]!);
				worst = Math.max(worst, Math.abs(a - b));
			}
			// rounding moves each pixel by at most 0.5, so any coefficient by at most 0.5 N
			expect(worst).toBeLessThan(0.5 * 32 * 24);
			expect(worst / Math.hypot(before[0]!, before[1]!)).toBeLessThan(0.01);
			// the mean (DC) is kept: phase 0 at the origin
			expect(Math.abs(after[0]! - before[0]!)).toBeLessThan(0.5 * 32 * 24);
		}
	});

	it('replaces the phase with one field shared by the channels', () => {
		const spectra = [0, 1, 2].map((c) => channelSpectrum(noise, c));
		const original = channelSpectrum(image, 0);
		let shared = 0, kept = 0, strong = 0;
		for (let i = 1; i < spectra[0]!.length / 2; i++) {
			const amplitudes = spectra.map((s) => Math.hypot(s[2 * i]!, s[2 * i + 1]!));
			// rounding to integers perturbs a coefficient by about sqrt(N / 12) = 8 (RMS): above 800 the
			// phase moves by about 0.01 rad, so 0.05 rad is a safe tolerance
			if (Math.min(...amplitudes) < 800) continue;
			strong++;
			const phases = spectra.map((s) => Math.atan2(s[2 * i + 1]!, s[2 * i]!));
			const diff = (a: number, b: number) => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));
			if (diff(phases[0]!, phases[1]!) < 0.05 && diff(phases[0]!, phases[2]!) < 0.05) shared++;
			if (diff(phases[0]!, Math.atan2(original[2 * i + 1]!, original[2 * i]!)) < 0.05) kept++;
		}
		expect(strong).toBeGreaterThan(4);
		expect(shared).toBe(strong);
		expect(kept).toBeLessThan(strong / 2);
	});

	it('is seeded: the same seed gives the same bytes, another seed other noise', () => {
		expect(phaseScrambledNoise(image, 'seed-1').data).toEqual(noise.data);
		expect(phaseScrambledNoise(image, 'seed-2').data).not.toEqual(noise.data);
	});

	it('clips to 0..255 and keeps the size', () => {
		const random = seededRandom('contrast');
		const harsh: RgbImage = { width: 16, height: 16, data: Uint8Array.from({ length: 768 }, () => (random() < 0.5 ? 0 : 255)) };
		const out = phaseScrambledNoise(harsh, 1);
		expect(out.width).toBe(16);
		expect(out.data.length).toBe(768);
		expect(out.data.some((v) => v === 0 || v === 255)).toBe(true);
	});
});
