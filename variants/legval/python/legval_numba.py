"""numba's Clenshaw for legval, in a module of its own so that importing the numpy peers never loads numba."""

import numba
import numpy as np


@numba.njit(cache=True)
def legval_clenshaw(x, c):
    nseries, ncoef = c.shape
    nx = x.shape[0]
    out = np.empty((nseries, nx))
    for s in range(nseries):
        for i in range(nx):
            xi = x[i]
            if ncoef == 1:
                out[s, i] = c[s, 0]
                continue
            c0 = c[s, ncoef - 2]
            c1 = c[s, ncoef - 1]
            for n in range(ncoef - 1, 1, -1):
                previous = c0
                c0 = c[s, n - 2] - c1 * (n - 1) / n
                c1 = previous + c1 * xi * (2 * n - 1) / n
            out[s, i] = c0 + c1 * xi
    return out
