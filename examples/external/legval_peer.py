"""legval as your own external variant in Python: numpy's Clenshaw written out over all series at
once (vectorised over series and x), an example of the external protocol (docs/peers.md).

hotbench_external (bench/external/python/ in the hotbench package, put on PYTHONPATH by
pythonProgram in peers.mjs) reads the job, prepares, validates or measures under the harness's
discipline, and writes the reply: a variant is just prepare(static, params) -> run(per_call).
"""

import numpy as np

import hotbench_external


def clenshaw_all(static, params):
    x = static['x']
    nseries, deg = params['nseries'], params['deg']

    def run(per_call):
        c = per_call['coefficients'].reshape(nseries, deg + 1)
        if deg == 0:
            return np.repeat(c[:, :1], x.shape[0], axis=1)
        c0 = np.repeat(c[:, deg - 1:deg], x.shape[0], axis=1)
        c1 = np.repeat(c[:, deg:deg + 1], x.shape[0], axis=1)
        for n in range(deg, 1, -1):
            c0, c1 = c[:, n - 2:n - 1] - c1 * ((n - 1) / n), c0 + c1 * x * ((2 * n - 1) / n)
        return c0 + c1 * x
    return run


if __name__ == '__main__':
    hotbench_external.main({'clenshaw': clenshaw_all}, modules=('numpy',))
