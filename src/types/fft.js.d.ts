// fft.js (indutny) ships no types: the subset of its API we use.
declare module 'fft.js' {
	export default class FFT {
		constructor(size: number);
		readonly size: number;
		createComplexArray(): number[];
		transform(out: number[], data: number[]): void;
		inverseTransform(out: number[], data: number[]): void;
	}
}
