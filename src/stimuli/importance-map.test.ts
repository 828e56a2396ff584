import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { centerBiasMap, checkMapSource, mapFromJson, mapFromPng, mapToJson, mapToPng } from './importance-map.js';

describe('importance maps', () => {
	it('round-trip through JSON exactly', () => {
		const map = { width: 3, height: 2, data: Float64Array.from([0, 0.5, 1, 2.25, 0, 3]) };
		expect(mapFromJson(mapToJson(map))).toEqual(map);
	});

	it('round-trip through a 16-bit PNG scaled to the maximum, keeping the rank order', () => {
		const map = { width: 3, height: 2, data: Float64Array.from([0, 0.5, 1, 2.25, 0, 3]) };
		const back = mapFromPng(mapToPng(map));
		expect(back.width).toBe(3);
		expect(Array.from(back.data)).toEqual([0, 10923, 21845, 49151, 0, 65535]); // round(v / 3 * 65535)
		expect(mapFromPng(mapToPng(map, 8)).data[5]).toBe(255);
	});

	it('refuse bad maps with the problem named', () => {
		expect(() => mapFromJson('{"width": 2, "height": 1, "data": [1, -0.5]}')).toThrow('value at x=1, y=0 is negative (-0.5)');
		expect(() => mapFromJson('{"width": 2, "height": 2, "data": [1, 2, 3]}')).toThrow('has 3 values, expected width x height = 4');
		expect(() => mapFromJson('{"width": 1, "height": 1, "data": ["a"]}')).toThrow('must hold only numbers');
		expect(() => mapFromJson('nope')).toThrow('not valid JSON');
		const colour = encode({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]), channels: 3, depth: 8 });
		expect(() => mapFromPng(colour)).toThrow('must be grayscale (1 channel), got 3 channels');
		expect(() => mapFromPng(new Uint8Array([1, 2, 3]))).toThrow('not a readable PNG');
		expect(() => checkMapSource('human')).toThrow('clickme, center-bias, uploaded or model:<id>');
		expect(checkMapSource('model:darknet-tiny')).toBe('model:darknet-tiny');
	});

	it('center bias peaks at the centre and falls off with distance (Gaussian, sigma = 0.25 x side)', () => {
		const map = centerBiasMap(9, 9);
		expect(map.data[4 * 9 + 4]).toBe(1);
		expect(map.data[0]).toBeCloseTo(Math.exp(-(16 + 16) / (2 * 2.25 * 2.25)), 12);
		expect(map.data[4 * 9 + 3]).toBe(map.data[4 * 9 + 5]);
	});
});
