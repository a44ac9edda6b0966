#!/usr/bin/env python3
"""The numpy/scipy peers of hotbench's normaleq and resolution kernels, timed on hotbench's own
inputs (written by scripts/linalg-peers.ts: run `npm run linalg:peers`, not this file directly).

One thread: OpenBLAS, MKL and OpenMP are limited to one before numpy loads, as hotbench's kernels
are single-threaded. Each peer is called --repeats times after one untimed call; the median is
printed. The static part (specter's sparse projection matrix A) is built once, outside the timing,
as hotbench's static inputs are prepared once.

Peers (scripts/specter_linalg.py has the formulas):
  normaleq   specter ex2d_patch: sparse iCov = AᵀWA + regularisation, y; then scipy.linalg.cho_factor
             + cho_solve on the dense iCov (hotbench's output is the dense iCov)
             and, apart, the same with specter's own solver (scipy.sparse.linalg.spsolve)
  resolution specter resolution_from_icov(iCov, decorr): scipy.linalg.eigh (LAPACK dsyevr),
             eigen_compose, per fiber eigh of its Cov block
  bare       scipy.linalg.eigh(iCov) alone and cho_factor + cho_solve alone: the LAPACK floor
"""
import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.linalg  # noqa: E402
import scipy.sparse.linalg  # noqa: E402

import specter_linalg  # noqa: E402


def load(header_path):
    header_path = pathlib.Path(header_path)
    header = json.loads(header_path.read_text())
    stem = header_path.with_suffix("")
    arrays = {name: np.fromfile(f"{stem}.{name}.bin", dtype="<i4" if kind == "int32" else "<f8")
              for name, kind in header["arrays"].items()}
    return header, arrays


def median_ms(call, repeats):
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("headers", nargs="+")
    args = parser.parse_args()
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, one thread "
          f"(OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}); median of {args.repeats} calls, ms")
    for header_path in args.headers:
        header, a = load(header_path)
        nspec, nwave = header["nspec"], header["nwave"]
        n = nspec * nwave
        patch = {"nspec": nspec, "nwave": nwave, "ny": header["ny"], "nx": header["nx"],
                 "row0": a["row0"], "col0": a["col0"], "stamps": a["stamps"].reshape(n, 187)}
        A = specter_linalg.projection_matrix(patch)
        icov = a["icov"].reshape(n, n)

        def normaleq_cholesky():
            h, y = specter_linalg.normal_equations(A, a["ivar"], a["pixels"])
            return h, specter_linalg.cholesky_solve(h, y)

        def normaleq_spsolve():
            h, y = specter_linalg.normal_equations(A, a["ivar"], a["pixels"])
            return scipy.sparse.linalg.spsolve(scipy.sparse.csc_matrix(h), y)

        def resolution():
            return specter_linalg.resolution_from_icov(icov, nspec, nwave)

        figures = {
            "normaleq: specter's iCov, y + cho_factor/cho_solve": median_ms(normaleq_cholesky, args.repeats),
            "normaleq: specter's iCov, y + spsolve (ex2d_patch)": median_ms(normaleq_spsolve, args.repeats),
            "resolution: specter resolution_from_icov (eigh)": median_ms(resolution, args.repeats),
            "bare: scipy.linalg.eigh(iCov)": median_ms(lambda: scipy.linalg.eigh(icov), args.repeats),
            "bare: cho_factor + cho_solve(iCov)": median_ms(lambda: scipy.linalg.cho_solve(scipy.linalg.cho_factor(icov), np.ones(n)), args.repeats),
        }
        print(f"\n{header['size']} (nspec {nspec}, nwave {nwave}, nflux {n}; seed {header['seed']})")
        for name, ms in figures.items():
            print(f"  {name:<52} {ms:10.3f}")
        if "x" in a:
            _, x = normaleq_cholesky()
            R, ivar = resolution()
            r = specter_linalg.resolution_blocks(R, nspec, nwave).ravel()
            print(f"  check against the TypeScript references: max |dx|/max|x| {np.max(np.abs(x - a['x'])) / np.max(np.abs(a['x'])):.2e}, "
                  f"max |dR| {np.max(np.abs(r - a['r'])):.2e}, max |divar|/ivar {np.max(np.abs(ivar - a['rivar']) / a['rivar']):.2e}")


if __name__ == "__main__":
    main()
