// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { decisionReport, type Trial } from '$analysis/index.js';
import { alignmentFigure, decisionCurveFigure } from './figures.js';

const row = (model: string, measure: string, value: number, ci?: [number, number]) => ({ model, colour: '#d62728', measure, value, ci_low: ci?.[0] ?? null, ci_high: ci?.[1] ?? null });

describe('alignmentFigure', () => {
	it('draws one panel per measure, each with its own axis, and error bars only where a row has its interval', () => {
		const rows = [
			row('A', 'Error consistency', 0.2, [0.1, 0.3]),
			row('B', 'Error consistency', 0.4),
			row('A', 'Curve correlation', 0.8, [0.6, 0.9]),
			row('B', 'Curve correlation', 0.5, [0.2, 0.7]),
			row('A', 'Feature alignment', 0.6)
		];
		const svg = alignmentFigure(rows, { markers: { A: 'square', B: 'triangle' }, references: { error_consistency: [{ at: 0.3, label: 'People, pairs' }] } });
		const panels = [...svg.querySelectorAll('g[data-measure]')];
		expect(panels.map((p) => p.getAttribute('data-measure'))).toEqual(['error_consistency', 'curve_correlation', 'alignment']);
		expect(panels.map((p) => p.querySelectorAll('g[aria-label="x-axis label"]').length)).toEqual([1, 1, 1]);
		expect(panels.map((p) => p.querySelector('g[aria-label="x-axis label"]')!.textContent)).toEqual([
			"Error consistency: Cohen's kappa (unitless, -1 to 1) →",
			'Decision-curve correlation: Pearson r (unitless, -1 to 1) →',
			"Feature alignment: Spearman's rho / human ceiling (unitless) →"
		]);
		// intervals: one on kappa (A), two on the curve correlation, none on feature alignment
		expect(panels.map((p) => p.querySelectorAll('g.interval line').length)).toEqual([1, 2, 0]);
		expect(panels[0]!.textContent).toContain('People, pairs');
		expect(panels[2]!.textContent).toContain('human ceiling');
		expect(svg.textContent).not.toContain('Score');
	});
});

describe('decisionCurveFigure', () => {
	const trials: Trial[] = ['a', 'b', 'c'].flatMap((p, i) =>
		[0.1, 1].flatMap((reveal) => ['i1', 'i2'].map((image, k) => {
			// i1 an animal, i2 not: fully revealed answered right, at 10 % by a pattern, so balanced accuracy and d' exist
			const category = k === 0 ? ('animal' as const) : ('non_animal' as const);
			return { observer: `human:${p}`, kind: 'human' as const, image_id: image, category, reveal, response: reveal === 1 ? category : (i + k) % 2 ? ('animal' as const) : ('non_animal' as const), rt_ms: 400 };
		}))
	);
	const report = decisionReport(trials, { bootstrap: 20 });
	it('draws a thin line per person, the mean with its band, n per level and a legend inside the SVG', () => {
		const svg = decisionCurveFigure(report, { measure: 'accuracy', humanLabel: 'People', styles: {} });
		expect(svg.querySelectorAll('g.person-curve path')).toHaveLength(3);
		expect(svg.querySelectorAll('g.people-mean path')).toHaveLength(1);
		expect(svg.querySelectorAll('g.people-band path')).toHaveLength(1);
		expect([...svg.querySelectorAll('g.level-n text')].map((t) => t.textContent)).toEqual(['3 / 6', '3 / 6']);
		expect([...svg.querySelectorAll('[data-legend-entry]')].map((e) => e.getAttribute('data-legend-entry'))).toEqual(['People: mean of 3', '95 % bootstrap interval of the mean', 'Each of the 3 (thin)']);
		// the legend lies below the plot, and the svg grew to hold it
		expect(Number(svg.getAttribute('height'))).toBeGreaterThan(400);
	});
	it('has no band on the normalized curves (the report bootstraps accuracy)', () => {
		const svg = decisionCurveFigure(report, { measure: 'normalized', humanLabel: 'People', styles: {} });
		expect(svg.querySelectorAll('g.people-band path')).toHaveLength(0);
		expect(svg.querySelectorAll('[data-legend-entry]')).toHaveLength(2);
	});
	it("draws balanced accuracy and d' per person with people's band, on their own axis", () => {
		for (const measure of ['balanced', 'dprime'] as const) {
			const svg = decisionCurveFigure(report, { measure, humanLabel: 'People', styles: {} });
			expect(svg.querySelectorAll('g.person-curve path')).toHaveLength(3);
			expect(svg.querySelectorAll('g.people-band path')).toHaveLength(1);
			expect(svg.textContent).toContain(measure === 'balanced' ? 'Balanced accuracy' : "d' (z(hit rate)");
		}
	});
});
