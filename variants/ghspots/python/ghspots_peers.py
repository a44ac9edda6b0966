"""ghspots' Python peers (KERNELS.md §2): pixel-integrated Gauss-Hermite spots, vectorised over all
spots with numpy and scipy, and numba's per-spot loops (DESI's JIT spot construction).

Each prepare(static, params) returns run(per_call) -> nspots x 11 x 17 values, row-major.
"""

import numpy as np
from scipy.special import erfc

import hotbench_external

HY, HX, DEG = 5, 8, 6
NG = DEG + 1
NY, NX = 2 * HY + 1, 2 * HX + 1
SQRT1_2 = np.sqrt(0.5)
INV_SQRT_2PI = 1 / np.sqrt(2 * np.pi)


def pgh(h, d, s):
    """pgh[spot, m, p] for every spot at once: Φ differences, then Hermite times φ at the pixel edges."""
    n = 2 * h + 1
    edges = np.arange(n + 1) - h - 0.5
    u = (edges[None, :] - d[:, None]) / s[:, None]
    cdf = 0.5 * erfc(-u * SQRT1_2)
    pdf = np.exp(-0.5 * u * u) * INV_SQRT_2PI
    out = np.empty((d.shape[0], NG, n))
    out[:, 0, :] = cdf[:, 1:] - cdf[:, :-1]
    he_previous, he = None, np.ones_like(u)
    for m in range(1, NG):
        f = he * pdf
        out[:, m, :] = f[:, :-1] - f[:, 1:]
        k = m - 1
        he_previous, he = he, u * he - (k * he_previous if k > 0 else 0)
    return out


def numpy_vectorised(static, params):
    """numpy and scipy.special.erfc over all spots at once; one axis contracted first (batched matmul)."""
    nspots = params['nspots']

    def run(per_call):
        py = pgh(HY, per_call['dy'], per_call['sy'])
        px = pgh(HX, per_call['dx'], per_call['sx'])
        g = per_call['g'].reshape(nspots, NG, NG)
        return py.transpose(0, 2, 1) @ (g @ px)
    return run


def numba_spots(static, params):
    """numba-compiled loops per spot: pgh once per axis, then the contraction (compiled in prepare)."""
    from ghspots_numba import ghspots
    one = np.zeros(1)
    ghspots(one, one, one + 1, one + 1, np.zeros(NG * NG))

    def run(per_call):
        return ghspots(per_call['dx'], per_call['dy'], per_call['sx'], per_call['sy'], per_call['g'])
    return run


VARIANTS = {
    'numpy': numpy_vectorised,
    'numba': numba_spots,
}

if __name__ == '__main__':
    hotbench_external.main(VARIANTS, modules=('numpy', 'scipy', 'numba'))
