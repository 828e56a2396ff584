import { describe, expect, it } from 'vitest';
import { fft2d, ifft2d, realToComplex } from './fft.js';
import { seededRandom } from './random.js';

/** The DFT straight from its definition, O(N^2): the independent reference. */
function naiveDft2d(values: Float64Array, width: number, height: number): Float64Array {
	const out = new Float64Array(2 * width * height);
	for (let v = 0; v < height; v++) {
		for (let u = 0; u < width; u++) {
			let re = 0, im = 0;
			for (let y = 0; y < height; y++) {
				for (let x = 0; x < width; x++) {
					const angle = -2 * Math.PI * ((u * x) / width + (v * y) / height);
					re += values[y * width + x]! * Math.cos(angle);
					im += values[y * width + x]! * Math.sin(angle);
				}
			}
			out[2 * (v * width + u)] = re;
			out[2 * (v * width + u) + 1] = im;
		}
	}
	return out;
}

describe('2-D FFT', () => {
	for (const [width, height] of [[8, 4], [6, 5], [7, 3], [1, 4]] as const) {
		it(`matches the DFT definition on ${width} x ${height} (${[width, height].every((n) => (n & (n - 1)) === 0) ? 'radix-2' : 'Bluestein'})`, () => {
			const random = seededRandom('fft-test', width, height);
			const values = Float64Array.from({ length: width * height }, () => random() * 255);
			const fast = fft2d(realToComplex(values, width, height)).data;
			const reference = naiveDft2d(values, width, height);
			for (let i = 0; i < fast.length; i++) expect(fast[i]).toBeCloseTo(reference[i]!, 6);
			const back = ifft2d({ width, height, data: fast }).data;
			for (let i = 0; i < values.length; i++) {
				expect(back[2 * i]).toBeCloseTo(values[i]!, 8);
				expect(back[2 * i + 1]).toBeCloseTo(0, 8);
			}
		});
	}
});
