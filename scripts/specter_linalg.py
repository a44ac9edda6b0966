"""specter's extraction linear algebra in numpy/scipy, for the fixtures (make-fixtures.py) and the
peer timings (linalg-peers.py) of hotbench's normaleq and resolution kernels.

The formulas are specter's (specter/extract/ex2d.py: ex2d_patch, eigen_compose,
resolution_from_icov), re-written here from their definitions, with hotbench's documented rules for
bad input where specter has none: a masked pixel's value (ivar 0) is never read, a non-finite y or
a factorisation that fails gives x = NaN, and a non-finite iCov gives R = ivar = NaN.
"""
import sys

import numpy as np
import scipy.linalg
import scipy.sparse

HY, HX = 5, 8  # ghspots' stamp: 11 rows x 17 columns
NY, NX = 2 * HY + 1, 2 * HX + 1
PITCH, STEP, TILT = 7.6, 1.35, 0.02  # the patch geometry of kernels/normaleq/patch.ts
X0, Y0 = HX + 0.4, HY + 0.3
READ_NOISE = 3.0
MIN_WEIGHT_FRACTION = 0.01
THRESHOLD = 10.0 * sys.float_info.epsilon


# ---------------------------------------------------------------- the patch (for the fixtures)

def placement(nspec, nwave):
    """Stamp corners and sub-pixel offsets of every flux bin (fiber-major), as patch.ts places them."""
    f, i = np.divmod(np.arange(nspec * nwave), nwave)
    x = X0 + PITCH * f + TILT * i
    y = Y0 + STEP * i
    cx, cy = np.floor(x + 0.5), np.floor(y + 0.5)  # JavaScript's Math.round on positive values
    row0, col0 = (cy - HY).astype(int), (cx - HX).astype(int)
    return row0, col0, x - cx, y - cy, int(row0.max() + NY), int(col0.max() + NX)


def synthetic_patch(rng, nspec, nwave, pgh):
    """A patch like patch.ts makes (its own random spots): stamps S = pghYᵀ·G·pghX per flux bin."""
    row0, col0, dx, dy, ny, nx = placement(nspec, nwave)
    order = np.add.outer(np.arange(7), np.arange(7))
    stamps = []
    for f in range(nspec):
        s0, slope = rng.uniform(1.0, 1.15, 2), rng.uniform(-0.05, 0.05, 2)
        g0 = rng.uniform(-0.04, 0.04, (7, 7)) * 0.5 ** order
        g1 = rng.uniform(-0.02, 0.02, (7, 7)) * 0.5 ** order
        g0[0, 0], g1[0, 0] = 1.0, 0.0
        for i in range(nwave):
            j = f * nwave + i
            t = i / (nwave - 1) if nwave > 1 else 0.0
            sx, sy = s0 + slope * t
            stamps.append(pgh(HY, dy[j], sy).T @ (g0 + g1 * t) @ pgh(HX, dx[j], sx))
    return {"nspec": nspec, "nwave": nwave, "ny": ny, "nx": nx, "row0": row0, "col0": col0,
            "stamps": np.array(stamps)}


def synthetic_exposure(rng, patch, dark=(), cosmics=0.002):
    """True fluxes, model = A·flux, ivar = 1/(RN² + model), noisy pixels, cosmic-ray pixels masked."""
    nspec, nwave = patch["nspec"], patch["nwave"]
    flux = np.zeros(nspec * nwave)
    i = np.arange(nwave)
    for f in range(nspec):
        level, phase = rng.uniform(100, 1000), rng.uniform(0, 2 * np.pi)
        lines = rng.uniform([0, 500], [nwave, 5000], (2, 2))
        if f in dark:
            continue
        v = level * (1 + 0.2 * np.sin(2 * np.pi * i / 40 + phase))
        for at, height in lines:
            v += height * np.exp(-0.5 * ((i - at) / 0.8) ** 2)
        flux[f * nwave:(f + 1) * nwave] = v
    model = projection_matrix(patch) @ flux
    variance = READ_NOISE ** 2 + np.maximum(model, 0)
    ivar = 1 / variance
    pixels = model + np.sqrt(variance) * rng.standard_normal(model.size)
    hits = rng.choice(model.size, int(round(cosmics * model.size)), replace=False)
    ivar[hits], pixels[hits] = 0.0, model[hits] + 5000
    return {"pixels": pixels, "ivar": ivar}


# ---------------------------------------------------------------- specter's formulas

def projection_matrix(patch):
    """A (npix x nflux, sparse), column j the stamp of flux bin j at its pixel offset: psf.projection_matrix."""
    nx = patch["nx"]
    rows, cols, values = [], [], []
    r, c = np.divmod(np.arange(NY * NX), NX)
    for j, stamp in enumerate(patch["stamps"]):
        rows.append((patch["row0"][j] + r) * nx + patch["col0"][j] + c)
        cols.append(np.full(NY * NX, j))
        values.append(np.asarray(stamp).ravel())
    npix = patch["ny"] * nx
    return scipy.sparse.csc_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                                   shape=(npix, len(patch["stamps"])))


def normal_equations(A, ivar, pixels):
    """ex2d_patch's iCov and y: fluxweight = (W·A) column sums, bins below 1% of the largest get
    the rows (minweight - fluxweight)·e_jᵀ appended to A with weight 1 and pixel value 0."""
    npix, nflux = A.shape
    W = scipy.sparse.spdiags(ivar, 0, npix, npix)
    fluxweight = np.asarray(W.dot(A).sum(axis=0)).ravel()
    minweight = MIN_WEIGHT_FRACTION * np.max(fluxweight)
    ibad = fluxweight < minweight
    idiag = np.zeros(nflux)
    idiag[ibad] = minweight - fluxweight[ibad]
    I = scipy.sparse.identity(nflux, format="csr")
    I.setdiag(idiag)
    # hotbench's rule: a masked pixel's value is never read (specter would multiply NaN by 0).
    pix = np.concatenate((np.where(ivar == 0, 0.0, pixels), np.zeros(nflux)))
    Ax = scipy.sparse.vstack((A, I))
    Wx = scipy.sparse.spdiags(np.concatenate((ivar, np.ones(nflux))), 0, npix + nflux, npix + nflux)
    icov = Ax.T.dot(Wx.dot(Ax)).toarray()
    y = Ax.T.dot(Wx.dot(pix))
    return icov, y


def cholesky_solve(icov, y):
    """x with iCov·x = y by scipy.linalg.cho_factor/cho_solve; NaN everywhere when that is not possible."""
    if not np.all(np.isfinite(y)):
        return np.full(y.size, np.nan)
    try:
        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(icov, lower=True), y)
    except np.linalg.LinAlgError:
        return np.full(y.size, np.nan)


def eigen_compose(w, v, invert=False, sqr=False):
    """specter's eigen_compose: v·diag(f(w))·vᵀ, eigenvalues too small to invert replaced."""
    maxval = np.max(w)
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN or 1/0 where replaced anyway
        if sqr:
            minval = np.sqrt(maxval) * THRESHOLD
            root = np.sqrt(w)
            scaled = np.where(root > minval, 1.0 / root if invert else root, 1.0 / minval if invert else minval)
        else:
            minval = maxval * THRESHOLD
            scaled = np.where(w > minval, 1.0 / w if invert else w, 1.0 / minval if invert else minval)
    return (v * scaled) @ v.T


def resolution_from_icov(icov, nspec, nwave, eigh=scipy.linalg.eigh):
    """resolution_from_icov(icov, decorr=[nwave]*nspec), ex2d_patch's default: R (full, block
    diagonal) and ivar."""
    icov = 0.5 * (icov + icov.T)
    if not np.all(np.isfinite(icov)):
        n = nspec * nwave
        return np.full((n, n), np.nan), np.full(n, np.nan)
    w, v = eigh(icov)
    inverse = eigen_compose(w, v, invert=True)
    sqrt_icov = np.zeros_like(icov)
    for b in range(nspec):
        s = slice(b * nwave, (b + 1) * nwave)
        bw, bv = eigh(inverse[s, s])
        sqrt_icov[s, s] = eigen_compose(bw, bv, invert=True, sqr=True)
    norm = np.sum(sqrt_icov, axis=1)
    return sqrt_icov / norm[:, None], norm ** 2


def resolution_blocks(R, nspec, nwave):
    """R's diagonal blocks, as hotbench's resolution kernel returns them."""
    return np.stack([R[b * nwave:(b + 1) * nwave, b * nwave:(b + 1) * nwave] for b in range(nspec)])
