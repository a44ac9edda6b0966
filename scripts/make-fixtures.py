#!/usr/bin/env python3
"""Generates the reference fixtures the tests check hotbench's kernels against.

Run once (python3 with numpy) and commit the output; tests never run Python:

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

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures"


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


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261121)
    fixtures = {
        "generator": "scripts/make-fixtures.py",
        "numpy": np.__version__,
        "cases": legval_fixtures(rng),
    }
    path = OUT / "legval.json"
    path.write_text(json.dumps(fixtures, indent=1) + "\n")
    print(f"wrote {path} ({len(fixtures['cases'])} cases, numpy {np.__version__})")


if __name__ == "__main__":
    main()
