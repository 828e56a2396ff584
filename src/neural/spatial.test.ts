import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stimuli/random.js';
import { poolToGrid, spatialShape } from './pool.js';
import { bootstrapInterval, scoreAllLayers } from './report.js';
import { chosenLayerVariant, imageScore, meanCeiling, meanSd, median, neuronCeilings, scoreLayer, type Recordings } from './spatial.js';

/** One image, a 2 x 2 grid (4 positions), 4 neurons; columns are neurons. */
function tinyRecordings(): Recordings {
	const maps = [
		[1, 2, 3, 4], // n0
		[1, 2, 4, 3], // n1: r(n0, n1) = 4 / 5 = 0.8 (centred -1.5 -.5 .5 1.5 and -1.5 -.5 1.5 .5)
		[4, 3, 2, 1], // n2: r = -1 with n0, -0.8 with n1
		[2, 2, 2, 2] // n3: constant, no correlation
	];
	const data = new Float64Array(16);
	for (let i = 0; i < 4; i++) for (let n = 0; n < 4; n++) data[i * 4 + n] = maps[n]![i]!;
	return { images: 1, grid: 2, neurons: 4, data };
}

describe('the ceiling, the median and the mean (worked by hand)', () => {
	it("a neuron's ceiling on an image is its largest correlation with another neuron's map there", () => {
		for (const kind of ['pearson', 'spearman'] as const) {
			const [c] = neuronCeilings(tinyRecordings(), kind);
			expect(c![0]).toBeCloseTo(0.8, 12); // max(0.8, -1)
			expect(c![1]).toBeCloseTo(0.8, 12); // max(0.8, -0.8)
			expect(c![2]).toBeCloseTo(-0.8, 12); // max(-1, -0.8): not positive, left out
			expect(c![3]).toBeNaN(); // constant map
		}
		expect(meanCeiling(neuronCeilings(tinyRecordings()))).toBeCloseTo(0.8, 12);
	});

	it('an image scores the median over neurons with a positive ceiling of r / ceiling', () => {
		const rec = tinyRecordings();
		const [c] = neuronCeilings(rec, 'pearson');
		// predictions: n0 <- [1 2 4 3] (r 0.8, ratio 1); n1 <- [1 3 2 4] (centred -1.5 .5 -.5 1.5 against
		// -1.5 -.5 1.5 .5: 2.25 - .25 - .75 + .75 = 2, r = 2 / 5 = 0.4, ratio 0.5); n2, n3 left out
		const cols = [[1, 2, 4, 3], [1, 3, 2, 4], [9, 9, 9, 1], [0, 1, 0, 1]];
		const predicted = new Float64Array(16);
		for (let i = 0; i < 4; i++) for (let n = 0; n < 4; n++) predicted[i * 4 + n] = cols[n]![i]!;
		expect(imageScore(rec, 0, predicted, c!, 'pearson')).toBeCloseTo((1 + 0.5) / 2, 12);
		// no neuron with a positive ceiling: no score
		expect(imageScore(rec, 0, predicted, new Float64Array([-1, 0, Number.NaN, -0.2]), 'pearson')).toBeNull();
	});

	it('median, mean and population SD over images (missing images left out)', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(meanSd([0.75, 0.25, null])).toEqual({ mean: 0.5, sd: 0.25, n: 2 });
	});

	it('the appendix variant scores each image under the layer half the other images chose', () => {
		// layer a is better on images 0-2, b on image 3; with 4 images each half is 1 image
		const layers = { a: { per_image: [0.9, 0.8, 0.7, 0.1] }, b: { per_image: [0.2, 0.3, 0.1, 0.95] } };
		const v = chosenLayerVariant(layers, 4);
		for (const [t, p] of v.per_image.entries()) expect(p.score).toBe(layers[p.layer as 'a' | 'b'].per_image[t]);
		// image 3 never chooses by itself: whatever single image chose, it was one of 0-2, so a
		expect(v.per_image[3]).toEqual({ layer: 'a', score: 0.1 });
	});

	it('bootstraps a 95 % interval over held-out images that holds the mean, and collapses for equal scores', () => {
		const [a, b] = bootstrapInterval([0.4, 0.4, 0.4])!;
		expect(a).toBeCloseTo(0.4, 12);
		expect(b).toBeCloseTo(0.4, 12);
		const [lo, hi] = bootstrapInterval([0.1, 0.5, 0.3, 0.7, 0.2, 0.6])!;
		expect(lo).toBeLessThan(0.4);
		expect(hi).toBeGreaterThan(0.4);
		expect(lo).toBeGreaterThanOrEqual(0.1);
		expect(bootstrapInterval([null])).toBeNull();
	});
});

describe('grid pooling (worked by hand)', () => {
	it('block-means a map larger than the grid with floor(i size / G) edges', () => {
		// 5 x 5 map, value 10 y + x in channel 0 and 1 in channel 1; G = 2: rows and columns 0-1 | 2-4
		const map = new Float64Array(50);
		for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) [map[(y * 5 + x) * 2], map[(y * 5 + x) * 2 + 1]] = [10 * y + x, 1];
		// cell (0,0): mean y 0.5, x 0.5 -> 5.5; (0,1): x 2..4 -> 5 + 3; (1,0): y 2..4 -> 30 + .5; (1,1): 33
		expect([...poolToGrid(map, 5, 5, 2, 2)]).toEqual([5.5, 1, 8, 1, 30.5, 1, 33, 1]);
	});

	it('resizes a map smaller than the grid bilinearly with half-pixel centres', () => {
		// 2 x 2 map [[0 1] [2 3]] (2y + x) to 4 x 4: sample points -0.25 .25 .75 1.25 (edges clamped)
		// give x profile 0 .25 .75 1 and y profile 0 .5 1.5 2
		const out = [...poolToGrid([0, 1, 2, 3], 2, 2, 1, 4)];
		const px = [0, 0.25, 0.75, 1], py = [0, 0.5, 1.5, 2];
		expect(out).toEqual(py.flatMap((y) => px.map((x) => y + x)));
	});

	it('knows a dense layer has no positions', () => {
		expect(spatialShape([7, 7, 256])).toEqual([7, 7, 256]);
		expect(spatialShape([1000])).toBeNull();
	});
});

/** T images on a G x G grid: responses = Z W + noise, Z a random latent map. */
function synthetic(seed: string, T = 6, G = 6, N = 8, C = 6) {
	const random = seededRandom(seed);
	const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
	const rows = T * G * G;
	const Z = Float64Array.from({ length: rows * C }, gauss);
	const W = Float64Array.from({ length: C * N }, gauss);
	const R = new Float64Array(rows * N);
	for (let i = 0; i < rows; i++) for (let n = 0; n < N; n++) {
		let s = 0.5 * gauss();
		for (let c = 0; c < C; c++) s += Z[i * C + c]! * W[c * N + n]!;
		R[i * N + n] = s;
	}
	const rec: Recordings = { images: T, grid: G, neurons: N, data: R };
	// a noisy linear view of the responses: 10 channels = R M + noise
	const M = Float64Array.from({ length: N * 10 }, gauss);
	const view = new Float64Array(rows * 10);
	for (let i = 0; i < rows; i++) for (let k = 0; k < 10; k++) {
		let s = 0.5 * gauss();
		for (let n = 0; n < N; n++) s += R[i * N + n]! * M[n * 10 + k]!;
		view[i * 10 + k] = s;
	}
	const noise = Float64Array.from({ length: rows * 10 }, gauss);
	return { rec, view: { images: T, grid: G, channels: 10, data: view }, noise: { images: T, grid: G, channels: 10, data: noise } };
}

describe('the spatial fit', () => {
	it('a layer that is a noisy linear view of the responses scores well; pure noise scores about 0', async () => {
		const { rec, view, noise } = synthetic('noisy-linear');
		for (const correlation of ['spearman', 'pearson'] as const) {
			const report = await scoreAllLayers(rec, ['view', 'noise'], (l) => (l === 'view' ? view : noise), { correlation });
			expect(report.layers.view!.score).toBeGreaterThan(0.6);
			expect(Math.abs(report.layers.noise!.score!)).toBeLessThan(0.15);
			expect(report.best_layer).toBe('view');
			expect(report.best_score).toBe(report.layers.view!.score);
			expect(report.layers.view!.per_image).toHaveLength(6);
			expect(report.ceiling.mean).toBeGreaterThan(0);
			expect(report.appendix.per_image.every((p) => p.layer === 'view')).toBe(true);
			expect(report.correlation).toBe(correlation);
		}
	});

	it('uses fewer components when a layer has fewer channels, and refuses mismatched grids', () => {
		const { rec, view } = synthetic('few-channels');
		const ceilings = neuronCeilings(rec);
		expect(scoreLayer(rec, view, ceilings).components).toBe(10);
		expect(() => scoreLayer(rec, { ...view, grid: 5 }, ceilings)).toThrow('5 x 5 grid, the recordings on 6 x 6');
	});
});
