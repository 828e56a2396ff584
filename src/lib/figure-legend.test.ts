import { describe, expect, it } from 'vitest';
import { fitLabel, legendLayout, markerPath, SWATCH_WIDTH, type LegendEntry } from './figure-legend.js';

/** A fixed-width stand-in for the browser's text measure: 6 px per character. */
const measure = (text: string) => text.length * 6;
const entry = (label: string): LegendEntry => ({ label, colour: '#d62728', marker: 'square', swatch: 'line' });

describe('legendLayout', () => {
	it('puts as many columns as fit, filled down each column first', () => {
		// widest label 10 chars = 60 px: column = 26 + 6 + 60 + 16 = 108 px; (330 + 16) / 108 -> 3 columns
		const entries = ['People: mean', 'a', 'b', 'c', 'd', 'e', 'f'].map((l) => entry(l.slice(0, 10).padEnd(10, 'x')));
		const layout = legendLayout(entries, { width: 330, measure, fontSize: 10 });
		expect(layout.columnWidth).toBe(108);
		expect(layout.columns).toBe(3);
		expect(layout.rows).toBe(3); // ceil(7 / 3)
		expect(layout.rowHeight).toBe(15);
		expect(layout.height).toBe(45);
		expect(layout.items.map((i) => [i.x, i.y])).toEqual([[0, 0], [0, 15], [0, 30], [108, 0], [108, 15], [108, 30], [216, 0]]);
	});

	it('never lets two entries overlap, with a dozen models and people', () => {
		const labels = ['People: mean of 24', '95 % bootstrap interval of the mean', 'Each of the 24 (thin)', ...Array.from({ length: 12 }, (_, i) => `Model number ${i} with a long name (test run)`)];
		const layout = legendLayout(labels.map(entry), { width: 600, measure, fontSize: 11 });
		const boxes = layout.items.map((i) => ({ x0: i.x, x1: i.x + SWATCH_WIDTH + 6 + measure(i.text), y0: i.y, y1: i.y + 11 }));
		for (let a = 0; a < boxes.length; a++)
			for (let b = a + 1; b < boxes.length; b++) {
				const [p, q] = [boxes[a]!, boxes[b]!];
				expect(p.x1 <= q.x0 || q.x1 <= p.x0 || p.y1 <= q.y0 || q.y1 <= p.y0, `${labels[a]} / ${labels[b]}`).toBe(true);
			}
		for (const box of boxes) expect(box.x1).toBeLessThanOrEqual(600);
	});

	it('shortens a label wider than the legend and keeps one column', () => {
		const layout = legendLayout([entry('x'.repeat(200))], { width: 300, measure });
		expect(layout.columns).toBe(1);
		expect(layout.items[0]!.text.endsWith('…')).toBe(true);
		expect(measure(layout.items[0]!.text)).toBeLessThanOrEqual(300 - SWATCH_WIDTH - 6);
	});

	it('is empty without entries', () => {
		expect(legendLayout([], { width: 300, measure })).toMatchObject({ columns: 0, rows: 0, height: 0, items: [] });
	});
});

describe('fitLabel', () => {
	it('keeps a label that fits and cuts one that does not', () => {
		expect(fitLabel('ResNet-50', 100, measure)).toBe('ResNet-50');
		expect(fitLabel('ResNet-50 (test run)', 60, measure)).toBe('ResNet-50…'); // 10 characters = 60 px
	});
});

describe('markerPath', () => {
	it("draws d3's symbols at the dot's area: a square of side sqrt(pi) r", () => {
		// d3 symbolSquare of size s: a square of side sqrt(s) centred on 0, here sqrt(pi * 2^2) = 3.545
		const side = Math.sqrt(Math.PI * 4);
		expect(markerPath('square', 2)).toBe(`M${(-side / 2).toFixed(3)},${(-side / 2).toFixed(3)}h${side.toFixed(3)}v${side.toFixed(3)}h${(-side).toFixed(3)}Z`);
		expect(markerPath('circle', 2)).toMatch(/A2,2/); // an arc of radius 2
	});
});
