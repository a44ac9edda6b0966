"""legval's Python peers: the shapes DESI's numpy code had, and what numba made of them (KERNELS.md §1).

Each prepare(static, params) returns run(per_call) -> out of nseries x nx values, row-major.
"""

import numpy as np
from numpy.polynomial import legendre

import hotbench_external


def numpy_scalar(static, params):
    """DESI's original shape: one numpy legval call per scalar x per series, fresh arrays per call."""
    x = static['x']
    nseries, nx, deg = params['nseries'], params['nx'], params['deg']

    def run(per_call):
        c = per_call['coefficients'].reshape(nseries, deg + 1)
        out = np.empty((nseries, nx))
        for s in range(nseries):
            for i in range(nx):
                out[s, i] = legendre.legval(x[i], c[s])
        return out
    return run


def numpy_series(static, params):
    """One vectorised numpy legval call per series over the whole grid."""
    x = static['x']
    nseries, nx, deg = params['nseries'], params['nx'], params['deg']

    def run(per_call):
        c = per_call['coefficients'].reshape(nseries, deg + 1)
        out = np.empty((nseries, nx))
        for s in range(nseries):
            out[s] = legendre.legval(x, c[s])
        return out
    return run


def numpy_legvander(static, params):
    """The Vandermonde matrix of the grid once (legvander, in prepare), then one matrix product per call."""
    nseries, deg = params['nseries'], params['deg']
    vt = np.ascontiguousarray(legendre.legvander(static['x'], deg).T)

    def run(per_call):
        return per_call['coefficients'].reshape(nseries, deg + 1) @ vt
    return run


def numba_clenshaw(static, params):
    """numba-compiled Clenshaw, series by series (the JIT legval of DESI), compiled in prepare."""
    from legval_numba import legval_clenshaw
    x = static['x']
    nseries, deg = params['nseries'], params['deg']
    # Compiled (or loaded from numba's cache) here, so that no compile lands in a timed call.
    legval_clenshaw(x[:1].copy(), np.zeros((1, deg + 1)))

    def run(per_call):
        return legval_clenshaw(x, per_call['coefficients'].reshape(nseries, deg + 1))
    return run


VARIANTS = {
    'numpy-scalar': numpy_scalar,
    'numpy-series': numpy_series,
    'numpy': numpy_legvander,
    'numba': numba_clenshaw,
}

if __name__ == '__main__':
    hotbench_external.main(VARIANTS, modules=('numpy', 'numba'))
