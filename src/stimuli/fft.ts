/**
 * 2-D discrete Fourier transforms of any size, built on fft.js (radix-4, power-of-two lengths).
 * Lengths that are not powers of two use Bluestein's algorithm, which rewrites a length-n DFT as
 * a convolution computed with power-of-two FFTs:
 *   X_k = w_k * sum_j (x_j w_j) conj(w_{k-j}),  w_j = exp(-i pi j^2 / n).
 * Complex data are interleaved [re0, im0, re1, im1, ...]; the inverse includes the 1/N factor.
 */
import FFT from 'fft.js';

const isPowerOfTwo = (n: number) => n >= 2 && (n & (n - 1)) === 0;

interface Transform1D {
	forward(data: Float64Array): Float64Array;
	inverse(data: Float64Array): Float64Array;
}

function radix2(n: number): Transform1D {
	const fft = new FFT(n);
	const out = fft.createComplexArray();
	return {
		forward(data) {
			fft.transform(out, Array.from(data));
			return Float64Array.from(out);
		},
		inverse(data) {
			fft.inverseTransform(out, Array.from(data));
			return Float64Array.from(out);
		}
	};
}

function bluestein(n: number): Transform1D {
	let m = 2;
	while (m < 2 * n - 1) m *= 2;
	const fft = new FFT(m);
	// chirp w_j = exp(-i pi j^2 / n); j^2 mod 2n keeps the angle accurate for large j
	const chirpRe = new Float64Array(n);
	const chirpIm = new Float64Array(n);
	for (let j = 0; j < n; j++) {
		const angle = (Math.PI * ((j * j) % (2 * n))) / n;
		chirpRe[j] = Math.cos(angle);
		chirpIm[j] = -Math.sin(angle);
	}
	// FFT of the conjugate chirp, wrapped around for negative indices
	const b = new Array<number>(2 * m).fill(0);
	for (let j = 0; j < n; j++) {
		b[2 * j] = chirpRe[j]!;
		b[2 * j + 1] = -chirpIm[j]!;
		if (j > 0) {
			b[2 * (m - j)] = chirpRe[j]!;
			b[2 * (m - j) + 1] = -chirpIm[j]!;
		}
	}
	const bHat = fft.createComplexArray();
	fft.transform(bHat, b);
	const aHat = fft.createComplexArray();
	const conv = fft.createComplexArray();

	const forward = (data: Float64Array) => {
		const a = new Array<number>(2 * m).fill(0);
		for (let j = 0; j < n; j++) {
			const re = data[2 * j]!, im = data[2 * j + 1]!;
			a[2 * j] = re * chirpRe[j]! - im * chirpIm[j]!;
			a[2 * j + 1] = re * chirpIm[j]! + im * chirpRe[j]!;
		}
		fft.transform(aHat, a);
		for (let k = 0; k < m; k++) {
			const ar = aHat[2 * k]!, ai = aHat[2 * k + 1]!, br = bHat[2 * k]!, bi = bHat[2 * k + 1]!;
			a[2 * k] = ar * br - ai * bi;
			a[2 * k + 1] = ar * bi + ai * br;
		}
		fft.inverseTransform(conv, a);
		const out = new Float64Array(2 * n);
		for (let k = 0; k < n; k++) {
			const re = conv[2 * k]!, im = conv[2 * k + 1]!;
			out[2 * k] = re * chirpRe[k]! - im * chirpIm[k]!;
			out[2 * k + 1] = re * chirpIm[k]! + im * chirpRe[k]!;
		}
		return out;
	};
	return {
		forward,
		// inverse DFT = conj(DFT(conj(x))) / n
		inverse(data) {
			const conj = Float64Array.from(data, (v, i) => (i % 2 ? -v : v));
			const out = forward(conj);
			for (let i = 0; i < out.length; i++) out[i] = (i % 2 ? -out[i]! : out[i]!) / n;
			return out;
		}
	};
}

function transform1D(n: number): Transform1D {
	if (n === 1) return { forward: (d) => Float64Array.from(d), inverse: (d) => Float64Array.from(d) };
	return isPowerOfTwo(n) ? radix2(n) : bluestein(n);
}

/** Interleaved complex height x width array, row-major. */
export interface ComplexImage {
	width: number;
	height: number;
	data: Float64Array;
}

function transform2D(input: ComplexImage, direction: 'forward' | 'inverse'): ComplexImage {
	const { width, height } = input;
	const data = Float64Array.from(input.data);
	const rows = transform1D(width)[direction];
	const columns = transform1D(height)[direction];
	for (let y = 0; y < height; y++) {
		data.set(rows(data.subarray(2 * y * width, 2 * (y + 1) * width)), 2 * y * width);
	}
	const column = new Float64Array(2 * height);
	for (let x = 0; x < width; x++) {
		for (let y = 0; y < height; y++) {
			column[2 * y] = data[2 * (y * width + x)]!;
			column[2 * y + 1] = data[2 * (y * width + x) + 1]!;
		}
		const out = columns(column);
		for (let y = 0; y < height; y++) {
			data[2 * (y * width + x)] = out[2 * y]!;
			data[2 * (y * width + x) + 1] = out[2 * y + 1]!;
		}
	}
	return { width, height, data };
}

/** Forward 2-D DFT: F(u, v) = sum_{x,y} f(x, y) exp(-2 pi i (u x / W + v y / H)). */
export const fft2d = (input: ComplexImage) => transform2D(input, 'forward');
/** Inverse 2-D DFT, with the 1 / (W H) factor. */
export const ifft2d = (input: ComplexImage) => transform2D(input, 'inverse');

/** A real height x width image as interleaved complex data. */
export function realToComplex(values: ArrayLike<number>, width: number, height: number): ComplexImage {
	const data = new Float64Array(2 * width * height);
	for (let i = 0; i < width * height; i++) data[2 * i] = values[i]!;
	return { width, height, data };
}
