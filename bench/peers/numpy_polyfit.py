"""The numpy peer of bench/regression.ts: numpy.polyfit on the same points (x = i / n,
y = 3x + 1 + sin(i)), best of 5. Prints one JSON line: ms per fit.

    python3 bench/peers/numpy_polyfit.py <n> <degree>
"""
import json
import sys
import time

import numpy as np


def main():
    n, degree = int(sys.argv[1]), int(sys.argv[2])
    i = np.arange(n)
    x = i / n
    y = 3 * x + 1 + np.sin(i)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        np.polyfit(x, y, degree)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"ms": best * 1000, "numpy": np.__version__}))


main()
