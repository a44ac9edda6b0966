"""numba's ghspots, in a module of its own so that importing the numpy peer never loads numba."""

import math

import numba
import numpy as np

HY, HX, DEG = 5, 8, 6
NG = DEG + 1
NY, NX = 2 * HY + 1, 2 * HX + 1
SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


@numba.njit(cache=True)
def pgh_axis(h, d, s, out):
    n = 2 * h + 1
    u0 = (-h - 0.5 - d) / s
    cdf0 = 0.5 * math.erfc(-u0 * SQRT1_2)
    pdf0 = math.exp(-0.5 * u0 * u0) * INV_SQRT_2PI
    for p in range(n):
        u1 = (p + 1 - h - 0.5 - d) / s
        cdf1 = 0.5 * math.erfc(-u1 * SQRT1_2)
        pdf1 = math.exp(-0.5 * u1 * u1) * INV_SQRT_2PI
        out[0, p] = cdf1 - cdf0
        a0, b0 = 1.0, u0
        a1, b1 = 1.0, u1
        out[1, p] = a0 * pdf0 - a1 * pdf1
        for m in range(2, NG):
            # He(m-1) at both edges: b holds He(k) with k = m - 1 after the step below.
            out[m, p] = b0 * pdf0 - b1 * pdf1
            k = m - 1
            a0, b0 = b0, u0 * b0 - k * a0
            a1, b1 = b1, u1 * b1 - k * a1
        u0, cdf0, pdf0 = u1, cdf1, pdf1


@numba.njit(cache=True)
def ghspots(dx, dy, sx, sy, g):
    nspots = dx.shape[0]
    out = np.empty((nspots, NY, NX))
    py = np.empty((NG, NY))
    px = np.empty((NG, NX))
    t = np.empty((NG, NX))
    for s in range(nspots):
        pgh_axis(HY, dy[s], sy[s], py)
        pgh_axis(HX, dx[s], sx[s], px)
        base = s * NG * NG
        for i in range(NG):
            for x in range(NX):
                acc = 0.0
                for j in range(NG):
                    acc += g[base + i * NG + j] * px[j, x]
                t[i, x] = acc
        for y in range(NY):
            for x in range(NX):
                acc = 0.0
                for i in range(NG):
                    acc += py[i, y] * t[i, x]
                out[s, y, x] = acc
    return out
