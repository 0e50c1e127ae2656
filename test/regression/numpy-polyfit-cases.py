"""Writes numpy-polyfit-cases.json, the reference values of polyfitBaseline.test.ts.

    python3 test/regression/numpy-polyfit-cases.py > test/regression/numpy-polyfit-cases.json

Generated with numpy 2.4.6; numpy's RankWarning is silenced (the rank-deficient cases are
deliberate).
"""
import json
import warnings

import numpy as np

warnings.simplefilter("ignore")
cases = []


def add(name, x, y, deg):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    c = np.polyfit(x, y, deg)
    mse = float(np.mean((y - np.polyval(c, x)) ** 2))
    cases.append(dict(name=name, x=x.tolist(), y=y.tolist(), degree=deg,
                      coefficients=[float(v) for v in c], mse=mse))


add("experiment 4", range(10), [10, 20, 25, 30, 40, 45, 40, 50, 60, 55], 1)
add("x far from 0 (1e6 + i)", 1e6 + np.arange(10), [10, 20, 25, 30, 40, 45, 40, 50, 60, 55], 1)
xl = np.arange(20) / 19
add("degree 7 on [0, 1]", xl, np.sin(3 * xl), 7)
xq = np.arange(-5, 6)
add("quadratic on [-5, 5]", xq, 0.5 * xq**2 - 2 * xq + 3 + 0.1 * np.cos(7 * xq), 2)
xc = 1000 + np.arange(11)
add("cubic on [1000, 1010] (badly conditioned)", xc, np.sqrt(xc), 3)
add("two points, degree 3 (rank deficient)", [1, 2], [3, 5], 3)
add("repeated x, degree 1 (rank deficient)", [2, 2, 2], [1, 2, 3], 1)
add("degree 0 (the mean)", [1, 2, 3, 4], [2, 4, 4, 10], 0)
print(json.dumps(cases))
