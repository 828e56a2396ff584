"""Writes src/neural/fixtures/pls-sklearn.json: scikit-learn's PLSRegression(scale=False) on small
random problems, the reference src/neural/pls.test.ts checks our NIPALS against (within 1e-6).

Run once (needs numpy and scikit-learn): python3 scripts/neural/pls-fixture.py
Made with scikit-learn 1.9.1, numpy 2.4.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.cross_decomposition import PLSRegression

rng = np.random.default_rng(20231201)
cases = []
for name, n, p, q, k in [("tall", 40, 6, 3, 4), ("wide", 30, 50, 5, 25), ("one-target", 25, 8, 1, 5), ("spatial", 98, 12, 4, 12)]:
    X = rng.normal(size=(n, p))
    W = rng.normal(size=(p, q))
    Y = X @ W + 0.5 * rng.normal(size=(n, q))
    Xt = rng.normal(size=(7, p))
    pls = PLSRegression(n_components=k, scale=False).fit(X, Y)
    cases.append({
        "name": name,
        "components": k,
        "X": X.tolist(),
        "Y": Y.tolist(),
        "Xtest": Xt.tolist(),
        "predicted": pls.predict(Xt).reshape(len(Xt), q).tolist(),
        "coef": pls.coef_.T.reshape(p, q).tolist(),
    })

out = pathlib.Path(__file__).resolve().parents[2] / "src" / "neural" / "fixtures" / "pls-sklearn.json"
out.write_text(json.dumps({"sklearn": sklearn.__version__, "cases": cases}))
print(f"wrote {out} (scikit-learn {sklearn.__version__})")
