#!/usr/bin/env python3
"""Generates the reference fixtures the tests check hotbench's kernels against.

Run once (python3 with numpy, scipy and mpmath) and commit the output; tests never run Python:

    python3 scripts/make-fixtures.py

Every fixture carries its own inputs, so the TypeScript side needs no random generator in common
with numpy. Floats are written by Python's repr (shortest round-trip form), which JavaScript parses
to the same double; NaN is written as the string "NaN".
"""
import json
import math
import pathlib

import numpy as np
from numpy.polynomial import legendre
import mpmath
import scipy
from scipy import special

import specter_linalg

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures"

scipy_version = scipy.__version__


def floats(values):
    return ["NaN" if math.isnan(v) else float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def legval_case(name, x, coefficients):
    x = np.asarray(x, dtype=np.float64)
    coefficients = np.atleast_2d(np.asarray(coefficients, dtype=np.float64))
    nseries, ncoef = coefficients.shape
    # numpy's own legval, one series at a time, vectorised over x: the independent reference.
    expected = np.stack([legendre.legval(x, coefficients[s]) for s in range(nseries)])
    return {
        "name": name,
        "params": {"nseries": int(nseries), "nx": int(x.size), "deg": int(ncoef - 1)},
        "x": floats(x),
        "coefficients": floats(coefficients),
        "expected": floats(expected),
    }


def legval_fixtures(rng):
    grid = lambda n: np.linspace(-1.0, 1.0, n)
    decaying = lambda nseries, deg: rng.uniform(-1, 1, (nseries, deg + 1)) / np.arange(1, deg + 2)
    with_nan = decaying(3, 3)
    with_nan[1, 2] = np.nan
    return [
        legval_case("random deg 3", rng.uniform(-1, 1, 41), decaying(6, 3)),
        legval_case("grid deg 3 (desi shape)", grid(2326)[::97], decaying(5, 3)),
        legval_case("deg 0", grid(9), decaying(3, 0)),
        legval_case("deg 1", grid(9), decaying(3, 1)),
        legval_case("deg 2", grid(9), decaying(3, 2)),
        legval_case("deg 9 (desi-trace)", grid(33), decaying(4, 9)),
        legval_case("deg 24", grid(65), decaying(3, 24)),
        legval_case("x = -1, 0, +1", [-1.0, -0.5, 0.0, 0.5, 1.0], decaying(4, 3)),
        legval_case("unit coefficients deg 12", grid(25), np.ones((1, 13))),
        legval_case("NaN coefficient", grid(9), with_nan),
        legval_case("NaN x", [-1.0, np.nan, 0.25, 1.0], decaying(2, 3)),
    ]


def erfc_fixtures():
    """scipy.special.erfc across the whole line: near 0, Cody's interval limits, both tails, underflow."""
    x = np.concatenate([
        [0.0, -0.0, 1e-300, 1e-20, 1.1e-16, 1e-8, -1e-8, 1e-3],
        np.linspace(-6.0, 6.0, 241),
        np.nextafter(0.46875, [-1.0, 2.0]), [0.46875, -0.46875, 4.0, -4.0], np.nextafter(4.0, [0.0, 8.0]),
        np.linspace(6.0, 26.5, 83),
        [26.5, 26.54, 26.543, 26.55, 26.6, 27.0, 27.3, 30.0, 1e3, 1e10],
        -np.linspace(6.0, 30.0, 25), [-1e3],
        np.random.default_rng(5).uniform(-27.0, 27.0, 200),
    ])
    # scipy's erfc is itself off by up to about 5e-14 relative in the far tail (x near 20-25): the
    # exact values (mpmath, 40 digits, rounded once) are stored beside it so the test can tell.
    mpmath.mp.dps = 40
    exact = [float(mpmath.erfc(mpmath.mpf(float(v)))) for v in x]
    return {"x": floats(x), "expected": floats(special.erfc(x)), "exact": floats(exact)}


def pgh(h, d, s):
    """The pixel integrals of one axis, KERNELS.md §2, with scipy's erfc and eval_hermitenorm."""
    edges = np.arange(2 * h + 2) - h - 0.5
    u = (edges - d) / s
    cdf = special.erfc(-u / np.sqrt(2.0)) / 2
    pdf = np.exp(-u * u / 2) / np.sqrt(2 * np.pi)
    rows = [cdf[1:] - cdf[:-1]]
    for m in range(1, 7):
        g = special.eval_hermitenorm(m - 1, u) * pdf
        rows.append(g[:-1] - g[1:])
    return np.array(rows)


def ghspots_case(name, dx, dy, sx, sy, g):
    dx, dy, sx, sy = (np.asarray(v, dtype=np.float64) for v in (dx, dy, sx, sy))
    g = np.asarray(g, dtype=np.float64).reshape(dx.size, 7, 7)
    # S = pghYᵀ · G · pghX per spot, as numpy matrix products: an independent order of summation.
    out = np.stack([pgh(5, dy[k], sy[k]).T @ g[k] @ pgh(8, dx[k], sx[k]) for k in range(dx.size)])
    return {
        "name": name,
        "params": {"nspots": int(dx.size)},
        "dx": floats(dx), "dy": floats(dy), "sx": floats(sx), "sy": floats(sy), "g": floats(g),
        "expected": floats(out),
    }


def ghspots_fixtures(rng):
    def coefficients(n, only_g00=False):
        g = rng.uniform(-0.1, 0.1, (n, 7, 7))
        if only_g00:
            g[:] = 0
        g[:, 0, 0] = 1
        return g
    n = 12
    below_half = np.nextafter(0.5, 0.0)
    return [
        ghspots_case("random desi-like", rng.uniform(-0.5, 0.5, n), rng.uniform(-0.5, 0.5, n),
                     rng.uniform(1.0, 1.2, n), rng.uniform(1.0, 1.2, n), coefficients(n)),
        ghspots_case("offsets -0.5 and just below 0.5", [-0.5, below_half, -0.5], [below_half, -0.5, -0.5],
                     [1.1, 1.0, 1.2], [1.1, 1.2, 1.0], coefficients(3)),
        ghspots_case("tiny widths 0.3", [0.2, -0.5], [-0.3, below_half], [0.3, 0.3], [0.3, 1.1], coefficients(2)),
        ghspots_case("large widths 3.0", [0.2, below_half], [-0.3, -0.5], [3.0, 3.0], [3.0, 0.3], coefficients(2)),
        ghspots_case("only G00", [0.0, 0.3], [0.0, -0.2], [1.0, 1.1], [1.0, 1.05], coefficients(2, only_g00=True)),
    ]


def kmeans_case(name, x, centroids):
    x = np.asarray(x, dtype=np.float64)
    centroids = np.asarray(centroids, dtype=np.float64)
    n, d = x.shape
    k = centroids.shape[0]
    # One Lloyd iteration with numpy: every distance by broadcasting, argmin (the first minimum on
    # a tie), the means of the clusters (an empty cluster keeps its centroid), the inertia.
    distances = ((x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    labels = distances.argmin(axis=1)
    new = np.array([x[labels == c].mean(axis=0) if np.any(labels == c) else centroids[c] for c in range(k)])
    return {
        "name": name,
        "params": {"n": int(n), "d": int(d), "k": int(k)},
        "x": floats(x),
        "centroids": floats(centroids),
        "expected": {
            "labels": [int(v) for v in labels],
            "centroids": floats(new),
            "inertia": float(distances[np.arange(n), labels].sum()),
        },
    }


def clustered(rng, n, d, k):
    centres = rng.uniform(-10, 10, (k, d))
    x = centres[rng.integers(0, k, n)] + rng.uniform(-2, 2, (n, d))
    return x, x[rng.choice(n, k, replace=False)]


def kmeans_fixtures(rng):
    x, c = clustered(rng, 50, 3, 4)
    x20, c20 = clustered(rng, 40, 20, 10)
    far_x, far_c = clustered(rng, 30, 3, 4)
    far_c[2] = [1e3, -1e3, 1e3]
    dup_x, _ = clustered(rng, 8, 4, 3)
    dup_x = np.concatenate([dup_x, dup_x, dup_x[:3]])
    grid = np.array([[a, b] for a in range(-1, 4) for b in range(-1, 4)], dtype=np.float64)
    k1_x, k1_c = clustered(rng, 15, 3, 1)
    d1_x, d1_c = clustered(rng, 20, 1, 3)
    tw_x, tw_c = clustered(rng, 12, 2, 3)
    tw_c[1] = tw_c[0]
    return [
        kmeans_case("random n=50 d=3 k=4", x, c),
        kmeans_case("intel shape d=20 k=10", x20, c20),
        kmeans_case("empty cluster (far centroid)", far_x, far_c),
        kmeans_case("duplicate points, centroids on points", dup_x, dup_x[[0, 3, 5]]),
        kmeans_case("exact ties on an integer grid", grid, [[0, 0], [2, 0], [0, 2], [2, 2]]),
        kmeans_case("k = 1", k1_x, k1_c),
        kmeans_case("d = 1", d1_x, d1_c),
        kmeans_case("duplicate centroids", tw_x, tw_c),
    ]


def normaleq_case(name, patch, exposure):
    A = specter_linalg.projection_matrix(patch)
    icov, y = specter_linalg.normal_equations(A, exposure["ivar"], exposure["pixels"])
    return {
        "name": name,
        "params": {"nspec": patch["nspec"], "nwave": patch["nwave"]},
        "ny": patch["ny"], "nx": patch["nx"],
        "row0": [int(v) for v in patch["row0"]], "col0": [int(v) for v in patch["col0"]],
        "stamps": floats(patch["stamps"]),
        "pixels": floats(exposure["pixels"]), "ivar": floats(exposure["ivar"]),
        "expected": {"icov": floats(icov), "x": floats(specter_linalg.cholesky_solve(icov, y))},
    }


def stamp_pixels(patch, j):
    r, c = np.divmod(np.arange(187), 17)
    return (patch["row0"][j] + r) * patch["nx"] + patch["col0"][j] + c


def linalg_patches(rng):
    """(name, patch, exposure) of the normaleq fixtures: a plain patch and every edge the kernel names."""
    def patch(nspec, nwave, **exposure_options):
        p = specter_linalg.synthetic_patch(rng, nspec, nwave, pgh)
        return p, specter_linalg.synthetic_exposure(rng, p, **exposure_options)

    cases = [("random patch 2 x 8", *patch(2, 8))]
    p, e = patch(2, 12)
    e["ivar"][stamp_pixels(p, 5)] = 0.0
    cases.append(("masked flux bin (whole stamp at ivar 0: regularised)", p, e))
    p, e = patch(3, 8)
    for j in range(8, 16):  # fiber 1's core: the columns within 2 of its centre
        centre = p["col0"][j] + 8
        for r in range(p["row0"][j], p["row0"][j] + 11):
            e["ivar"][r * p["nx"] + np.arange(int(np.ceil(centre - 2)), int(centre + 2) + 1)] = 0.0
    cases.append(("dead fiber (core columns masked: ill-conditioned)", p, e))
    cases.append(("fiber with no light", *patch(3, 6, dark=(1,))))
    p, e = patch(2, 6)
    masked = [3, 40, 41, 100, e["pixels"].size - 1]
    e["ivar"][masked], e["pixels"][masked] = 0.0, np.nan
    cases.append(("masked pixels holding NaN (never read)", p, e))
    p, e = patch(2, 6, cosmics=0.0)
    e["pixels"][stamp_pixels(p, 4)[93]] = np.nan
    cases.append(("NaN pixel with weight (x all NaN)", p, e))
    p, e = patch(2, 6)
    core = stamp_pixels(p, 8)[4 * 17:7 * 17]
    e["ivar"][core] *= -50
    cases.append(("negative ivar (not positive definite: x all NaN)", p, e))
    cases.append(("one fiber, one wavelength", *patch(1, 1)))
    return cases


def resolution_case(name, nspec, nwave, icov):
    R, ivar = specter_linalg.resolution_from_icov(icov, nspec, nwave)
    return {
        "name": name,
        "params": {"nspec": nspec, "nwave": nwave},
        "icov": floats(icov),
        "expected": {"r": floats(specter_linalg.resolution_blocks(R, nspec, nwave)), "ivar": floats(ivar)},
    }


def resolution_fixtures(rng, patches):
    def icov_of(patch, exposure):
        A = specter_linalg.projection_matrix(patch)
        return specter_linalg.normal_equations(A, exposure["ivar"], exposure["pixels"])[0]

    cases = []
    for name, p, e in patches:
        icov = icov_of(p, e)
        if np.all(np.isfinite(icov)) and np.all(np.linalg.eigvalsh(icov) > 0):
            cases.append(resolution_case(name, p["nspec"], p["nwave"], icov))
    p = specter_linalg.synthetic_patch(rng, 3, 20, pgh)
    cases.append(resolution_case("larger: 3 fibers x 20 wavelengths", 3, 20,
                                 icov_of(p, specter_linalg.synthetic_exposure(rng, p))))
    base = icov_of(*patches[0][1:])
    n = base.shape[0]
    skew = base.copy()
    i, j = np.tril_indices(n, -1)
    skew[i, j] *= 1 + 1e-3 * np.sin(i + 3 * j)
    cases.append(resolution_case("not symmetric (symmetrised first)", 2, 8, skew))
    decoupled = base.copy()
    decoupled[3, :] = decoupled[:, 3] = 0.0
    decoupled[3, 3] = -1e-3
    cases.append(resolution_case("not positive definite, decoupled (a negative eigenvalue replaced)", 2, 8, decoupled))
    shifted = base - 0.3 * np.mean(np.diag(base)) * np.eye(n)
    cases.append(resolution_case("indefinite (several negative eigenvalues replaced)", 2, 8, shifted))
    nan = base.copy()
    nan[0, 7] = np.nan
    cases.append(resolution_case("NaN entry (all NaN)", 2, 8, nan))
    return cases


def write(name, cases):
    path = OUT / f"{name}.json"
    fixtures = {"generator": "scripts/make-fixtures.py", "numpy": np.__version__, "cases": cases}
    path.write_text(json.dumps(fixtures, indent=1) + "\n")
    print(f"wrote {path} ({len(cases)} cases, numpy {np.__version__})")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    write("legval", legval_fixtures(np.random.default_rng(20261121)))
    write("kmeans", kmeans_fixtures(np.random.default_rng(20261122)))

    versions = {"generator": "scripts/make-fixtures.py", "numpy": np.__version__, "scipy": scipy_version, "mpmath": mpmath.__version__}
    path = OUT / "erfc.json"
    erfc = {**versions, **erfc_fixtures()}
    path.write_text(json.dumps(erfc, indent=1) + "\n")
    print(f"wrote {path} ({len(erfc['x'])} points, scipy {scipy_version})")

    path = OUT / "ghspots.json"
    ghspots = {**versions, "cases": ghspots_fixtures(np.random.default_rng(20261122))}
    path.write_text(json.dumps(ghspots, indent=1) + "\n")
    print(f"wrote {path} ({len(ghspots['cases'])} cases)")

    # The extraction's linear algebra: patches made here (spots from pgh above), iCov and y by
    # specter's sparse formulas, x by scipy.linalg.cho_solve, R and ivar by specter's
    # resolution_from_icov with scipy.linalg.eigh (scripts/specter_linalg.py).
    rng = np.random.default_rng(20261130)
    patches = linalg_patches(rng)
    for name, cases in (("normaleq", [normaleq_case(*c) for c in patches]), ("resolution", resolution_fixtures(rng, patches))):
        path = OUT / f"{name}.json"
        path.write_text(json.dumps({**versions, "cases": cases}) + "\n")
        print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
