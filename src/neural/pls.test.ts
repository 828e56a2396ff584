import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../stimuli/random.js';
import fixture from './fixtures/pls-sklearn.json' with { type: 'json' };
import { fitPls, predictPls } from './pls.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
	let d = 0;
	for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
	return d;
};

describe('PLS regression', () => {
	it.each(fixture.cases.map((c) => [c.name, c] as const))("matches scikit-learn's PLSRegression(scale=False) within 1e-6: %s", (_, c) => {
		const n = c.X.length, p = c.X[0]!.length, q = c.Y[0]!.length;
		const model = fitPls(c.X.flat(), c.Y.flat(), n, p, q, { components: c.components });
		expect(model.components).toBe(c.components);
		expect(maxDiff(model.coef.to1DArray(), c.coef.flat())).toBeLessThan(1e-6);
		expect(maxDiff(predictPls(model, c.Xtest.flat(), c.Xtest.length), c.predicted.flat())).toBeLessThan(1e-6);
	});

	it('with as many components as features on a full-rank problem, is ordinary least squares with an intercept (closed form)', () => {
		const random = seededRandom('pls-closed-form');
		const n = 30, p = 5, q = 3;
		const X = Array.from({ length: n * p }, () => random() - 0.5);
		const Y = Array.from({ length: n * q }, () => random() - 0.5);
		const model = fitPls(X, Y, n, p, q, { components: p });
		// B = (Xc'Xc)^-1 Xc'Yc with Xc, Yc centred by column
		const Xm = Matrix.from1DArray(n, p, X), Ym = Matrix.from1DArray(n, q, Y);
		const Xc = Xm.clone().subRowVector(Xm.mean('column')), Yc = Ym.clone().subRowVector(Ym.mean('column'));
		const B = solve(Xc.transpose().mmul(Xc), Xc.transpose().mmul(Yc));
		expect(maxDiff(model.coef.to1DArray(), B.to1DArray())).toBeLessThan(1e-9);
		const fitted = predictPls(model, X, n);
		const expected = Xc.mmul(B).addRowVector(Ym.mean('column')).to1DArray();
		expect(maxDiff(fitted, expected)).toBeLessThan(1e-9);
	});

	it('refuses more components than min(n, p), as scikit-learn does', () => {
		expect(() => fitPls([1, 2, 3, 4], [1, 2], 2, 2, 1, { components: 3 })).toThrow('at most min(n, p) = 2');
	});

	it('stops early when Y has nothing left to explain, keeping the components so far', () => {
		// Y is exactly linear in X's first column: one component explains it
		const X = [1, 0, 2, 1, 3, 0, 4, 1];
		const Y = [2, 4, 6, 8];
		const model = fitPls(X, Y, 4, 2, 1, { components: 2 });
		expect(model.components).toBeLessThanOrEqual(2);
		expect(maxDiff(predictPls(model, [5, 0], 1), [10])).toBeLessThan(1e-9);
	});
});
