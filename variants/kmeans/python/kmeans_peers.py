"""kmeans' Python peers (KERNELS.md §3): one Lloyd iteration from the given centroids (assign every
point to its nearest centroid, then each centroid the mean of its points, an empty cluster keeping
its old one), with the inertia to the given centroids: numpy with the norm expansion, numba's loops,
and scikit-learn's own Lloyd iteration (the Cython routine KMeans(algorithm='lloyd') runs per iteration).

Each prepare(static, params) returns run(per_call) -> {labels, centroids, inertia}.
"""

import numpy as np

import hotbench_external


def numpy_norms(static, params):
    """|x - c|² = |x|² - 2 x·c + |c|², the |x|² cached in prepare; one matrix product per call."""
    n, d, k = params['n'], params['d'], params['k']
    x = static['x'].reshape(n, d)
    x_norms = np.einsum('ij,ij->i', x, x)

    def run(per_call):
        c = per_call['centroids'].reshape(k, d)
        d2 = x_norms[:, None] - 2.0 * (x @ c.T) + np.einsum('ij,ij->i', c, c)[None, :]
        labels = d2.argmin(axis=1)
        inertia = np.maximum(d2[np.arange(n), labels], 0.0).sum()
        centroids = c.copy()
        for j in range(k):
            members = labels == j
            if members.any():
                centroids[j] = x[members].mean(axis=0)
        return {'labels': labels.astype(np.int32), 'centroids': centroids, 'inertia': float(inertia)}
    return run


def numba_loops(static, params):
    """numba-compiled loops: exact distances, the first smallest wins, sums and counts in one pass."""
    from kmeans_numba import lloyd
    n, d, k = params['n'], params['d'], params['k']
    x = static['x'].reshape(n, d)
    lloyd(np.zeros((1, 1)), np.zeros((1, 1)))

    def run(per_call):
        labels, centroids, inertia = lloyd(x, per_call['centroids'].reshape(k, d))
        return {'labels': labels, 'centroids': centroids, 'inertia': inertia}
    return run


def sklearn_lloyd(static, params):
    """scikit-learn's Lloyd iteration (lloyd_iter_chunked_dense, one thread) from the given centroids,
    and its inertia routine against them. sklearn moves an empty cluster's centroid to a far point;
    the kernel keeps it, so where a cluster is empty (never at the benchmark's sizes, only in an edge
    case) the centroids are recomputed by the kernel's rule from sklearn's labels."""
    from sklearn.cluster._k_means_common import _inertia_dense
    from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_dense
    n, d, k = params['n'], params['d'], params['k']
    x = static['x'].reshape(n, d)
    weights = np.ones(n)
    labels = np.empty(n, dtype=np.int32)

    def run(per_call):
        old = per_call['centroids'].reshape(k, d)
        new = np.empty((k, d))
        in_clusters = np.zeros(k)
        shift = np.zeros(k)
        lloyd_iter_chunked_dense(x, weights, old, new, in_clusters, labels, shift, 1, True)
        counts = np.bincount(labels, minlength=k)
        if (counts == 0).any():
            sums = np.zeros((k, d))
            np.add.at(sums, labels, x)
            new = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], old)
        inertia = _inertia_dense(x, weights, old, labels, 1)
        return {'labels': labels, 'centroids': new, 'inertia': float(inertia)}
    return run


VARIANTS = {
    'numpy': numpy_norms,
    'numba': numba_loops,
    'sklearn': sklearn_lloyd,
}

if __name__ == '__main__':
    hotbench_external.main(VARIANTS, modules=('numpy', 'numba', 'sklearn'))
