import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAssembly } from './assembly.js';
import { writeNpy } from './npy.js';
import { presentationFromNpy } from './presentation.js';

// made by scripts/neural/import-fixtures.py (NetCDF 3) and scripts/neural/netcdf4-fixtures.py
// (NetCDF 4 through xarray + h5netcdf); their values are formulas of the indices, recomputed here
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('Brain-Score assemblies', () => {
	it('reads a NetCDF 3 assembly into repetitions x images x neuroids, with image ids and object labels', async () => {
		const a = await readAssembly(fixture('assembly.nc'), 'assembly.nc', { area: 'IT', timeWindowMs: [70, 170] });
		expect(a.kind).toBe('presentation');
		expect(a.version).toBe(3);
		if (a.kind !== 'presentation') return;
		const d = a.dataset;
		expect([d.repetitions, d.images, d.neuroids]).toEqual([2, 3, 4]);
		expect(d.imageNames).toEqual(['img-a', 'img-b', 'img-c']);
		expect(d.labels).toEqual(['face', 'face', 'car']);
		expect([d.area, d.timeWindowMs]).toEqual(['IT', [70, 170]]);
		for (let r = 0; r < 2; r++) for (let i = 0; i < 3; i++) for (let n = 0; n < 4; n++) expect(d.data[(r * 3 + i) * 4 + n]).toBe(100 * i + 10 * r + n);
	});

	it('reads a NetCDF 4 (HDF5) assembly with h5wasm: the chosen time bin, coordinates on presentation, neuroid and time_bin', async () => {
		for (const bin of [0, 1]) {
			const a = await readAssembly(fixture('assembly-nc4.nc'), 'assembly-nc4.nc', { timeBin: bin });
			expect([a.kind, a.version]).toEqual(['presentation', 4]);
			if (a.kind !== 'presentation') return;
			const d = a.dataset;
			expect([d.repetitions, d.images, d.neuroids]).toEqual([2, 3, 4]);
			expect(d.imageNames).toEqual(['img-a', 'img-b', 'img-c']);
			expect(d.labels).toEqual(['face', 'face', 'car']);
			expect(d.neuronNames).toEqual(['n1', 'n2', 'n3', 'n4']);
			expect(d.area).toBe('IT');
			expect(d.timeWindowMs).toEqual([[70, 170], [170, 270]][bin]);
			for (let r = 0; r < 2; r++) for (let i = 0; i < 3; i++) for (let n = 0; n < 4; n++) expect(d.data[(r * 3 + i) * 4 + n]).toBe(100 * i + 10 * r + n + 0.5 * bin);
		}
	});

	it('reads a NetCDF 4 assembly with position_y and position_x as a spatial dataset', async () => {
		const a = await readAssembly(fixture('assembly-spatial-nc4.nc'), 'assembly-spatial-nc4.nc', { area: 'PL', timeWindowMs: [130, 170] });
		expect(a.kind).toBe('spatial');
		if (a.kind !== 'spatial') return;
		const d = a.dataset;
		expect([d.images, d.grid, d.neurons]).toEqual([2, 3, 3]);
		expect(d.imageNames).toEqual(['img-a', 'img-b']);
		expect([d.area, d.timeWindowMs]).toEqual(['PL', [130, 170]]);
		for (let i = 0; i < 2; i++) for (let gy = 0; gy < 3; gy++) for (let gx = 0; gx < 3; gx++) for (let n = 0; n < 3; n++)
			expect(d.data[((i * 3 + gy) * 3 + gx) * 3 + n]).toBe(1000 * i + 100 * gy + 10 * gx + n);
	});

	it('refuses bad assemblies with a sentence naming the file and the field', async () => {
		await expect(readAssembly(fixture('assembly-nc4.nc'), 'a.nc')).rejects.toThrow('a.nc: time_bin has 2 bins; choose one (0 to 1)');
		await expect(readAssembly(fixture('assembly-nc4.nc'), 'a.nc', { timeBin: 2 })).rejects.toThrow('a.nc: time_bin has 2 bins; choose one (0 to 1)');
		await expect(readAssembly(fixture('assembly-nc4-noid.nc'), 'a.nc', { timeBin: 0 })).rejects.toThrow('a.nc has no image_id on the presentation dimension');
		await expect(readAssembly(fixture('assembly-nc4-ragged.nc'), 'a.nc', { timeBin: 0 })).rejects.toThrow('a.nc: image img-c has 1 presentations, others 2; every image needs the same number of repetitions');
		await expect(readAssembly(fixture('imagerf-v73.mat'), 'a.nc')).rejects.toThrow('a.nc is an HDF5 file without NetCDF dimensions');
		await expect(readAssembly(fixture('responses.npy'), 'a.nc')).rejects.toThrow('a.nc is not a NetCDF file');
	});
});

describe('presentation x neuroid .npy with its sidecar', () => {
	const side = JSON.stringify({ images: ['a.png', 'b.png', 'c.png'], area: 'IT', time_window_ms: [70, 170], labels: ['x', 'x', 'y'] });
	const values = Array.from({ length: 2 * 3 * 4 }, (_, k) => k);

	it('reads [repetition, image, neuroid] and [image, neuroid] (one repetition)', () => {
		const d = presentationFromNpy(writeNpy([2, 3, 4], values), 'r.npy', side, 'r.json');
		expect([d.repetitions, d.images, d.neuroids]).toEqual([2, 3, 4]);
		expect(d.labels).toEqual(['x', 'x', 'y']);
		expect(Array.from(d.data)).toEqual(values);
		const one = presentationFromNpy(writeNpy([3, 4], values.slice(0, 12)), 'r.npy', side, 'r.json');
		expect([one.repetitions, one.images, one.neuroids]).toEqual([1, 3, 4]);
	});

	it('refuses a mismatch in a sentence naming the file and the field', () => {
		expect(() => presentationFromNpy(writeNpy([2, 4, 4], new Float32Array(32)), 'r.npy', side, 'r.json')).toThrow('r.npy: 4 images in the array, 3 in r.json "images"');
		expect(() => presentationFromNpy(writeNpy([2, 3, 4], values), 'r.npy', side.replace('"y"]', '"y", "z"]'), 'r.json')).toThrow('r.json: "labels" must name one category per image (3)');
		expect(() => presentationFromNpy(writeNpy([2, 3, 1, 1], new Float32Array(6)), 'r.npy', side, 'r.json')).toThrow('r.npy: shape (2, 3, 1, 1) must be [image, neuroid] or [repetition, image, neuroid]');
	});
});
