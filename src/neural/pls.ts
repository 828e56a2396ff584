/**
 * Partial least squares regression (PLS2), step for step as scikit-learn's
 * `PLSRegression(n_components, scale=False)` (sklearn/cross_decomposition/_pls.py, `_PLS.fit`,
 * algorithm "nipals", deflation "regression", mode A, tol 1e-6, max_iter 500), the regression
 * Brain-Score and the 2023 paper's code use. `pls.test.ts` checks it against a fixture computed by
 * scikit-learn (scripts/neural/pls-fixture.py) within 1e-6, and against the closed form
 * (ordinary least squares) on a full-rank problem with as many components as features.
 *
 * With X (n x p) and Y (n x q) centred by their column means (not scaled), for k = 1..K:
 *   power method for the first singular vectors of Xk' Yk: start from y = the first column of Yk
 *   that is not all ~0, then repeat (computed through Xk' Yk and Yk' Yk, see the loop)
 *     w = Xk' y / (y'y),  w /= ||w|| + eps,  t = Xk w,  c = Yk' t / (t't),  y = Yk c / (c'c + eps)
 *   until ||w - w_old||^2 < tol (or once when q = 1); flip the signs of w and c so that w's
 *   largest |entry| is positive;
 *   t = Xk w,  x-loading pk = Xk' t / (t't),  Xk+1 = Xk - t pk',
 *   y-loading dk = Yk' t / (t't),  Yk+1 = Yk - t dk'.
 * Then rotations R = W (P'W)^+ (pseudo-inverse, ml-matrix), coefficients B = R D' (p x q), and
 *   predict(X) = (X - mean_x) B + mean_y.
 * Columns of Yk that are all below 10 eps in size are set to 0 first; a Yk that is all ~0 ends
 * the loop early (scikit-learn warns "y residual is constant" and keeps the components so far).
 */
import { Matrix, pseudoInverse } from 'ml-matrix';

export interface PlsOptions {
	/** Number of components (the paper's 25); must not exceed min(n, p). */
	components: number;
	/** Convergence of the power method on ||w - w_old||^2 (scikit-learn's default 1e-6). */
	tol?: number;
	maxIter?: number;
}

export interface PlsModel {
	/** p x q coefficients for centred X. */
	coef: Matrix;
	xMean: Float64Array;
	yMean: Float64Array;
	/** Components actually fitted (fewer than asked when Y's residual became constant). */
	components: number;
}

const EPS = 2.220446049250313e-16; // np.finfo(float64).eps

/** Column means of a row-major n x m array. */
function columnMeans(data: Float64Array, n: number, m: number): Float64Array {
	const means = new Float64Array(m);
	for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) means[j]! += data[i * m + j]!;
	for (let j = 0; j < m; j++) means[j]! /= n;
	return means;
}

/** A' v for row-major A (n x m) and v (n): an m-vector. */
function transposeTimes(a: Float64Array, n: number, m: number, v: Float64Array): Float64Array {
	const out = new Float64Array(m);
	for (let i = 0; i < n; i++) {
		const vi = v[i]!;
		if (vi === 0) continue;
		const row = i * m;
		for (let j = 0; j < m; j++) out[j]! += a[row + j]! * vi;
	}
	return out;
}

/** A v for row-major A (n x m) and v (m): an n-vector. */
function times(a: Float64Array, n: number, m: number, v: Float64Array): Float64Array {
	const out = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let s = 0;
		const row = i * m;
		for (let j = 0; j < m; j++) s += a[row + j]! * v[j]!;
		out[i] = s;
	}
	return out;
}

const dot = (a: Float64Array, b: Float64Array) => {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
	return s;
};

/**
 * Fits PLS on X (n x p) and Y (n x q), both row-major; neither is modified.
 * Throws when `components` exceeds min(n, p), as scikit-learn does.
 */
export function fitPls(X: ArrayLike<number>, Y: ArrayLike<number>, n: number, p: number, q: number, options: PlsOptions): PlsModel {
	const { components, tol = 1e-6, maxIter = 500 } = options;
	if (X.length !== n * p) throw new Error(`PLS: X has ${X.length} values, expected ${n} x ${p}`);
	if (Y.length !== n * q) throw new Error(`PLS: Y has ${Y.length} values, expected ${n} x ${q}`);
	if (!(components >= 1 && components <= Math.min(n, p))) throw new Error(`PLS: ${components} components asked, at most min(n, p) = ${Math.min(n, p)} possible`);
	const xk = Float64Array.from(X), yk = Float64Array.from(Y);
	const xMean = columnMeans(xk, n, p), yMean = columnMeans(yk, n, q);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < p; j++) xk[i * p + j]! -= xMean[j]!;
		for (let j = 0; j < q; j++) yk[i * q + j]! -= yMean[j]!;
	}
	const W: Float64Array[] = [], P: Float64Array[] = [], D: Float64Array[] = [];
	for (let k = 0; k < components; k++) {
		// columns of Yk that are all ~0 become exactly 0
		for (let j = 0; j < q; j++) {
			let small = true;
			for (let i = 0; i < n && small; i++) if (Math.abs(yk[i * q + j]!) >= 10 * EPS) small = false;
			if (small) for (let i = 0; i < n; i++) yk[i * q + j] = 0;
		}
		// the first column of Yk with any |value| > eps starts the power method
		let start = -1;
		for (let j = 0; j < q && start < 0; j++) for (let i = 0; i < n; i++) if (Math.abs(yk[i * q + j]!) > EPS) { start = j; break; }
		if (start < 0) break; // y residual is constant
		// The power method works on M = Xk' Yk (p x q) and S = Yk' Yk (q x q), computed once per
		// component: with y = Yk c / (c'c + eps), Xk' y = M c / (c'c + eps) and
		// y'y = c' S c / (c'c + eps)^2, and Yk' t = M' w. Only t = Xk w touches the n rows per iteration.
		const M = new Float64Array(p * q), S = new Float64Array(q * q);
		for (let i = 0; i < n; i++) {
			const xr = i * p, yr = i * q;
			for (let a = 0; a < q; a++) {
				const ya = yk[yr + a]!;
				if (ya === 0) continue;
				for (let j = 0; j < p; j++) M[j * q + a]! += xk[xr + j]! * ya;
				for (let b = 0; b < q; b++) S[a * q + b]! += ya * yk[yr + b]!;
			}
		}
		let w = new Float64Array(p), c = new Float64Array(q), wOld: Float64Array | null = null;
		for (let iter = 0; iter < maxIter; iter++) {
			// w = Xk' y / (y'y)
			if (iter === 0) {
				let yy = 0;
				for (let i = 0; i < n; i++) yy += yk[i * q + start]! ** 2;
				for (let j = 0; j < p; j++) w[j] = M[j * q + start]! / yy;
			} else {
				const cc = dot(c, c) + EPS;
				let cSc = 0;
				for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) cSc += c[a]! * S[a * q + b]! * c[b]!;
				const scale = cc / cSc; // (M c / cc) / (cSc / cc^2)
				w = new Float64Array(p);
				for (let j = 0; j < p; j++) {
					let s = 0;
					for (let a = 0; a < q; a++) s += M[j * q + a]! * c[a]!;
					w[j] = s * scale;
				}
			}
			const norm = Math.sqrt(dot(w, w)) + EPS;
			for (let j = 0; j < p; j++) w[j]! /= norm;
			const t = times(xk, n, p, w);
			const tt = dot(t, t);
			// c = Yk' t / (t't) = M' w / (t't)
			c = new Float64Array(q);
			for (let j = 0; j < p; j++) {
				const wj = w[j]!;
				for (let a = 0; a < q; a++) c[a]! += M[j * q + a]! * wj;
			}
			for (let a = 0; a < q; a++) c[a]! /= tt;
			let diff = 0;
			for (let j = 0; j < p; j++) diff += (w[j]! - (wOld ? wOld[j]! : 100)) ** 2;
			if (diff < tol || q === 1) break;
			wOld = w;
		}
		// sign: the largest |w_j| positive (first index on ties, as np.argmax)
		let big = 0;
		for (let j = 1; j < p; j++) if (Math.abs(w[j]!) > Math.abs(w[big]!)) big = j;
		const sign = Math.sign(w[big]!);
		for (let j = 0; j < p; j++) w[j]! *= sign;
		for (let j = 0; j < q; j++) c[j]! *= sign;
		const t = times(xk, n, p, w);
		const tt = dot(t, t);
		const pk = transposeTimes(xk, n, p, t);
		for (let j = 0; j < p; j++) pk[j]! /= tt;
		const dk = transposeTimes(yk, n, q, t);
		for (let j = 0; j < q; j++) dk[j]! /= tt;
		for (let i = 0; i < n; i++) {
			const ti = t[i]!;
			for (let j = 0; j < p; j++) xk[i * p + j]! -= ti * pk[j]!;
			for (let j = 0; j < q; j++) yk[i * q + j]! -= ti * dk[j]!;
		}
		W.push(w);
		P.push(pk);
		D.push(dk);
	}
	const K = W.length;
	const columns = (vs: Float64Array[], rows: number) => Matrix.from1DArray(rows, vs.length, Array.from({ length: rows * vs.length }, (_, idx) => vs[idx % vs.length]![Math.floor(idx / vs.length)]!));
	let coef: Matrix;
	if (K === 0) coef = Matrix.zeros(p, q);
	else {
		const Wm = columns(W, p), Pm = columns(P, p), Dm = columns(D, q);
		const rotations = Wm.mmul(pseudoInverse(Pm.transpose().mmul(Wm)));
		coef = rotations.mmul(Dm.transpose());
	}
	return { coef, xMean, yMean, components: K };
}

/** predict(X) = (X - mean_x) B + mean_y for row-major X (m x p); returns row-major m x q. */
export function predictPls(model: PlsModel, X: ArrayLike<number>, m: number): Float64Array {
	const p = model.xMean.length, q = model.yMean.length;
	if (X.length !== m * p) throw new Error(`PLS: X has ${X.length} values, expected ${m} x ${p}`);
	const B = model.coef.to1DArray(); // row-major p x q
	const out = new Float64Array(m * q);
	const row = new Float64Array(p);
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < p; j++) row[j] = X[i * p + j]! - model.xMean[j]!;
		for (let k = 0; k < q; k++) {
			let s = model.yMean[k]!;
			for (let j = 0; j < p; j++) s += row[j]! * B[j * q + k]!;
			out[i * q + k] = s;
		}
	}
	return out;
}
