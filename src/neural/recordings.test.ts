import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from './npy.js';
import { datasetFromMat, datasetFromNpy, parseSidecar, recordingsFromImageRf } from './recordings.js';

// the fixtures are made by scripts/neural/import-fixtures.py; their values are formulas of the indices
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const rf = (x: number, y: number, t: number, c: number, i: number) => x + 10 * y + 100 * t + 1000 * c + 10000 * i;

describe('importing recordings', () => {
	it('reads an .npy R[image, gy, gx, neuron] with its sidecar', () => {
		const d = datasetFromNpy(fixture('responses.npy'), 'responses.npy', new TextDecoder().decode(fixture('responses.json')), 'responses.json');
		expect([d.images, d.grid, d.neurons]).toEqual([2, 3, 4]);
		expect(d.data).toBeInstanceOf(Float32Array);
		for (const [i, gy, gx, n] of [[0, 0, 0, 0], [1, 2, 1, 3], [1, 0, 2, 1]] as const) expect(d.data[((i * 3 + gy) * 3 + gx) * 4 + n]).toBe(i + 0.5 * gy + 0.25 * gx + 0.125 * n);
		expect(d.imageNames).toEqual(['face-1.png', 'face-2.png']);
		expect(d.area).toBe('ML');
		expect(d.timeWindowMs).toEqual([130, 170]);
		expect(d.synthetic).toBe(false);
	});

	it('writes .npy files numpy and our reader read back', () => {
		const bytes = writeNpy([2, 3], [1, 2, 3, 4, 5, 6.5]);
		expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
		expect(parseNpy(bytes, 'x.npy')).toEqual({ shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) });
	});

	it.each([['imagerf-v5.mat'], ['imagerf-v5z.mat'], ['imagerf-v73.mat']])('reads imageRF from %s, averaging the chosen time bins and reversing the positions as the published loader', async (file) => {
		const d = await datasetFromMat(fixture(file), file, { timeBins: [1, 4], channels: [0, 2], area: 'PL', msPerBin: 10, startMs: 50 });
		expect([d.images, d.grid, d.neurons]).toEqual([2, 3, 2]);
		// mean over t = 1, 2, 3 of rf(2 - gy, 2 - gx, t, n, i) = rf(2 - gy, 2 - gx, 2, n, i)
		for (let i = 0; i < 2; i++) for (let gy = 0; gy < 3; gy++) for (let gx = 0; gx < 3; gx++) for (let n = 0; n < 2; n++)
			expect(d.data[((i * 3 + gy) * 3 + gx) * 2 + n]).toBeCloseTo(rf(2 - gy, 2 - gx, 2, n, i), 9);
		expect(d.timeWindowMs).toEqual([60, 90]);
		expect(d.neuronNames).toEqual(['channel 1', 'channel 2']);
	});

	it('refuses bad files with a sentence naming the file and the field', async () => {
		const side = new TextDecoder().decode(fixture('responses.json'));
		expect(() => parseSidecar('{"images": []}', 'r.json')).toThrow('r.json: "images" must be a non-empty list');
		expect(() => parseSidecar(side.replace('"grid": 3', '"grid": 0'), 'r.json')).toThrow('r.json: "grid" must be a positive whole number');
		expect(() => parseSidecar(side.replace('[130, 170]', '[170, 130]').replace('[\n    130,\n    170\n  ]', '[170, 130]'), 'r.json')).toThrow('"time_window_ms"');
		expect(() => datasetFromNpy(fixture('responses.npy'), 'r.npy', side.replace('"grid": 3', '"grid": 4'), 'r.json')).toThrow('r.npy: the positions are 3 x 3, r.json "grid" says 4 x 4');
		expect(() => datasetFromNpy(new Uint8Array(20), 'r.npy', side, 'r.json')).toThrow('r.npy is not a .npy file');
		expect(() => datasetFromNpy(writeNpy([2, 9, 4], new Float32Array(72)), 'r.npy', side, 'r.json')).toThrow('r.npy: shape (2, 9, 4) must be [image, gy, gx, neuron]');
		await expect(datasetFromMat(fixture('imagerf-v5.mat'), 'g.mat', { timeBins: [0, 9], area: 'ML' })).rejects.toThrow('g.mat: time bins [0, 9) are not within imageRF\'s 5 time bins');
		await expect(datasetFromMat(fixture('imagerf-v5.mat'), 'g.mat', { timeBins: [0, 2], area: 'ML', variable: 'spikes' })).rejects.toThrow('g.mat has no variable spikes (it has imageRF, UniqueNames)');
		await expect(datasetFromMat(fixture('imagerf-v73.mat'), 'g.mat', { timeBins: [0, 2], area: 'ML', variable: 'spikes' })).rejects.toThrow('g.mat has no dataset spikes (it has imageRF)');
		await expect(datasetFromMat(fixture('responses.npy'), 'g.mat', { timeBins: [0, 2], area: 'ML' })).rejects.toThrow('g.mat is not a MATLAB Level 5 MAT-file');
		expect(() => recordingsFromImageRf([3, 3, 5, 2], new Float64Array(90), { timeBins: [0, 1] }, 'g.mat')).toThrow('g.mat: imageRF has 4 dimensions (3 x 3 x 5 x 2)');
	});
});
