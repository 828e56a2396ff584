import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stimuli/random.js';
import { writeNpy } from './npy.js';
import { scoreAllLayers } from './report.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/neural/cli.ts', ...args], { cwd: path.resolve(import.meta.dirname, '..', '..') });

describe('npm run neural -- score', () => {
	it('writes the report the pure modules compute, in the issue\'s shape, and names a mismatched file', async () => {
		const random = seededRandom('cli');
		const [T, G, N, C] = [4, 5, 6, 7];
		const R = Float32Array.from({ length: T * G * G * N }, () => random());
		// layer a: a noisy view of the responses (neuron k % N in channel k), b: noise
		const layer = Float32Array.from({ length: T * G * G * C }, (_, i) => R[Math.floor(i / C) * N + ((i % C) % N)]! + 0.3 * random());
		const noise = Float32Array.from({ length: T * G * G * C }, () => random());
		const top = mkdtempSync(path.join(tmpdir(), 'neural-cli-'));
		const dir = path.join(top, 'features');
		mkdirSync(dir);
		writeFileSync(path.join(top, 'R.npy'), writeNpy([T, G, G, N], R));
		writeFileSync(path.join(dir, 'a.npy'), writeNpy([T, G, G, C], layer));
		writeFileSync(path.join(dir, 'b.npy'), writeNpy([T, G, G, C], noise));
		const out = path.join(top, 'out.json');
		await cli('score', '--responses', path.join(top, 'R.npy'), '--features', dir, '--out', out, '--correlation', 'pearson', '--components', '3');
		const report = JSON.parse(readFileSync(out, 'utf8'));
		const layers = { a: layer, b: noise } as Record<string, Float32Array>;
		const expected = await scoreAllLayers({ images: T, grid: G, neurons: N, data: R }, ['a', 'b'], (name) => ({ images: T, grid: G, channels: C, data: layers[name]! }), { correlation: 'pearson', components: 3 });
		expect(report.best_layer).toBe('a');
		expect(report).toEqual(JSON.parse(JSON.stringify(expected)));
		expect(Object.keys(report)).toEqual(['correlation', 'ceiling', 'layers', 'best_layer', 'best_score', 'appendix', 'components']);
		expect(Object.keys(report.layers.a)).toEqual(['score', 'sd', 'per_image']);
		writeFileSync(path.join(dir, 'c.npy'), writeNpy([T, G + 1, G + 1, C], new Float32Array(T * (G + 1) * (G + 1) * C)));
		await expect(cli('score', '--responses', path.join(top, 'R.npy'), '--features', dir, '--out', out)).rejects.toThrow(`c.npy: shape (4, 6, 6, 7) must be [4, 5, 5, channel] to match`);
	});
});

describe('npm run neural -- brainscore', () => {
	it('scores each layer against a NetCDF assembly with the standard variant', async () => {
		const top = mkdtempSync(path.join(tmpdir(), 'neural-bs-'));
		const dir = path.join(top, 'features');
		mkdirSync(dir);
		// the fixture assembly: 3 images, 4 neuroids, data = 100 image + 10 repetition + n
		writeFileSync(path.join(dir, 'a.npy'), writeNpy([3, 2], [0, 1, 1, 0, 2, 2]));
		const out = path.join(top, 'bs.json');
		await cli('brainscore', '--assembly', 'src/neural/fixtures/assembly.nc', '--features', dir, '--out', out, '--components', '1');
		const report = JSON.parse(readFileSync(out, 'utf8'));
		expect(report.variant).toBe('brain-score');
		expect(report.best_layer).toBe('a');
		expect(Object.keys(report.layers.a)).toEqual(['raw', 'raw_sd', 'ceiled', 'per_split']);
		expect(report.layers.a.per_split).toHaveLength(10);
		expect(report.feature_grid).toBe(1);
		// the same assembly as NetCDF 4 (HDF5, h5wasm), its first time bin: the same numbers
		const out4 = path.join(top, 'bs4.json');
		await cli('brainscore', '--assembly', 'src/neural/fixtures/assembly-nc4.nc', '--time-bin', '0', '--features', dir, '--out', out4, '--components', '1');
		expect(JSON.parse(readFileSync(out4, 'utf8'))).toEqual(report);
		await expect(cli('brainscore', '--assembly', 'src/neural/fixtures/responses.npy', '--features', dir, '--out', out)).rejects.toThrow('is not a NetCDF file');
	});
});
