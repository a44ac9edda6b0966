"""numba's Lloyd iteration, in a module of its own so that importing the other peers never loads numba."""

import numba
import numpy as np


@numba.njit(cache=True)
def lloyd(x, c):
    n, d = x.shape
    k = c.shape[0]
    labels = np.empty(n, dtype=np.int32)
    sums = np.zeros((k, d))
    counts = np.zeros(k)
    inertia = 0.0
    for i in range(n):
        best = np.inf
        label = 0
        for q in range(k):
            s = 0.0
            for j in range(d):
                t = x[i, j] - c[q, j]
                s += t * t
            if s < best:
                best = s
                label = q
        labels[i] = label
        counts[label] += 1
        for j in range(d):
            sums[label, j] += x[i, j]
        inertia += best
    for q in range(k):
        for j in range(d):
            sums[q, j] = c[q, j] if counts[q] == 0 else sums[q, j] / counts[q]
    return labels, sums, inertia
