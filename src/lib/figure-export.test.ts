import { decode, encode } from 'fast-png';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bundleFiles, exportDate, figureBundle, footerLines, pixelSize, PRINT_DPI, withPngResolution, wrapText } from './figure-export.js';

describe('pixelSize', () => {
	it('is the CSS px size x dpi / 96', () => {
		// a 720 x 400 px figure is 7.5 x 4.1667 in: 2250 x 1250 px at 300 dpi
		expect(pixelSize(720, 400, 300)).toEqual({ width: 2250, height: 1250 });
		expect(pixelSize(720, 400, 96)).toEqual({ width: 720, height: 400 });
		expect(pixelSize(100, 33, 300)).toEqual({ width: 313, height: 103 }); // 312.5 and 103.125, rounded
	});
	it('refuses sizes and resolutions that are not positive', () => {
		expect(() => pixelSize(0, 10, 300)).toThrow("a figure's size must be positive, got 0 x 10 px");
		expect(() => pixelSize(10, 10, 0)).toThrow('a resolution must be positive, got 0 dpi');
	});
});

describe('withPngResolution', () => {
	const png = encode({ width: 3, height: 2, data: new Uint8Array(3 * 2 * 4).fill(200), channels: 4 });
	it('records the resolution in a pHYs chunk that a PNG decoder reads', () => {
		const marked = withPngResolution(png, 300);
		const decoded = decode(marked);
		// 300 dpi = 300 / 0.0254 = 11811.02 -> 11811 pixels per metre, unit 1 (metre)
		expect(decoded.resolution).toEqual({ x: 11811, y: 11811, unit: 1 });
		expect(decoded.width).toBe(3);
		expect([...decoded.data]).toEqual([...decode(png).data]);
	});
	it('replaces an earlier resolution instead of adding a second one', () => {
		const twice = withPngResolution(withPngResolution(png, 72), 300);
		expect(decode(twice).resolution).toEqual({ x: 11811, y: 11811, unit: 1 });
		expect(Buffer.from(twice).toString('latin1').split('pHYs')).toHaveLength(2);
	});
	it('refuses bytes that are not a PNG', () => {
		expect(() => withPngResolution(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 300)).toThrow('not a PNG file');
	});
});

describe('the footer and the bundle', () => {
	const date = new Date('2026-11-30T01:52:10Z');
	const frame = { title: 'Accuracy by proportion revealed', facts: { n: ['4 included (1 excluded), 12 models'], options: { timeouts: 'drop', exclusion_threshold: 0.5, normalized: false } }, date };

	it('states n, the options and the date', () => {
		expect(exportDate(date)).toBe('2026-11-30 01:52 UTC');
		expect(footerLines(frame.facts, date)).toEqual([
			'n: 4 included (1 excluded), 12 models',
			'Options: timeouts = drop; exclusion threshold = 0.5; normalized = false',
			'Made 2026-11-30 01:52 UTC with see-like-people'
		]);
	});

	it('wraps words to the width', () => {
		const measure = (text: string) => text.length * 5;
		expect(wrapText('one two three four', 40, measure)).toEqual(['one two', 'three', 'four']); // 'one two' = 35 px
		expect(wrapText('abcdefghijkl', 30, measure)).toEqual(['abcde…']);
	});

	it('zips the SVG, the print PNG, the CSV and the options', () => {
		const png = encode({ width: 1, height: 1, data: new Uint8Array([0, 0, 0, 255]), channels: 4 });
		const files = unzipSync(figureBundle('study-curves', { svg: '<svg/>', png, csv: 'a,b\n1,2\n', frame }));
		const names = bundleFiles('study-curves');
		expect(Object.keys(files).sort()).toEqual([names.csv, names.options, names.png, names.svg].sort());
		expect(names.png).toBe(`study-curves-${PRINT_DPI}dpi.png`);
		expect(strFromU8(files[names.csv]!)).toBe('a,b\n1,2\n');
		expect([...files[names.png]!]).toEqual([...png]);
		expect(JSON.parse(strFromU8(files[names.options]!))).toEqual({
			title: frame.title,
			made: '2026-11-30T01:52:10.000Z',
			n: frame.facts.n,
			options: frame.facts.options,
			files: names
		});
		// a figure with no data behind it: no CSV, and the options say so
		const bare = unzipSync(figureBundle('x', { svg: '<svg/>', png, frame }));
		expect(Object.keys(bare).sort()).toEqual(['x-300dpi.png', 'x-options.json', 'x.svg']);
		expect(JSON.parse(strFromU8(bare['x-options.json']!)).files.csv).toBeNull();
	});
});
