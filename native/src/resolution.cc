// resolution, native rung: the unrolled rung's algorithm in vectors of the level's width.
// - eigh: Householder reduction on the lower triangle (p = A·v and the rank-2 update each one
//   vectorised pass over a row), Qᵀ accumulated backwards (each row of Qᵀ·H_k is its own dot
//   product and axpy: one pass per row), implicit QL with Wilkinson's shift whose sweeps are
//   recorded and applied afterwards (LAPACK's dlasr scheme) to the eigenvectors, kept as the rows
//   of Vᵀ: a sweep is then, for each vector of components, a chain of rotations down the rows in
//   which one load and one store carry each step; eight vectors of components go side by side so
//   that the chains' latencies overlap (from n = 1024, row by row with the carries in a buffer);
// - Cov's diagonal blocks as rank-1 updates C_b += f_k·u_k·u_kᵀ over the eigenvectors' segments
//   (each entry summed over k in order), each block's eigh the same way, its inverse square root
//   composed likewise, then the row sums, R and ivar.
// No BLAS or LAPACK. Explicit FMA on v3/v4 (linalg_vector.h).
#include "resolution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "linalg_vector.h"

namespace hotbench {
namespace {

using std::size_t;
using namespace linalg;

constexpr int kMaxQlIterations = 30;
constexpr double kThreshold = 10 * std::numeric_limits<double>::epsilon();
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Tridiagonal T = Qᵀ·A·Q of the lower triangle of a: diagonal d, subdiagonal e (e[n-1] = 0);
// reflection k's unit vector left in column k of a, below the subdiagonal (zero where none).
void Reduce(double* a, size_t n, double* d, double* e, double* v, double* p) {
  for (size_t k = 0; k + 2 < n; ++k) {
    d[k] = a[k * n + k];
    double norm = 0;
    for (size_t i = k + 1; i < n; ++i) norm += a[i * n + k] * a[i * n + k];
    norm = std::sqrt(norm);
    if (norm == 0) {
      e[k] = 0;
      continue;
    }
    const double alpha = a[(k + 1) * n + k] >= 0 ? -norm : norm;
    double vnorm = 0;
    for (size_t i = k + 1; i < n; ++i) {
      v[i] = a[i * n + k] - (i == k + 1 ? alpha : 0);
      vnorm += v[i] * v[i];
    }
    const double scale = 1 / std::sqrt(vnorm);
    for (size_t i = k + 1; i < n; ++i) {
      v[i] *= scale;
      p[i] = 0;
    }
    // p = A·v from the lower triangle: row i left of the diagonal gives p_i (a dot product) and,
    // by symmetry, adds a_ij·v_i to every p_j, j < i (an axpy): both in one pass.
    for (size_t i = k + 1; i < n; ++i) {
      const double* row = a + i * n;
      const double vi = v[i];
      const Vec vvi = Splat(vi);
      Vec s{};
      size_t j = k + 1;
      for (; j + kLanes <= i; j += kLanes) {
        const Vec aij = Load(row + j);
        s = Madd(aij, Load(v + j), s);
        Store(p + j, Madd(aij, vvi, Load(p + j)));
      }
      double t = Sum(s);
      for (; j < i; ++j) {
        t = Madd(row[j], v[j], t);
        p[j] = Madd(row[j], vi, p[j]);
      }
      p[i] += Madd(row[i], vi, t);
    }
    const double vp = Dot(v + k + 1, p + k + 1, n - k - 1);
    for (size_t i = k + 1; i < n; ++i) p[i] = 2 * (p[i] - vp * v[i]);  // 2q
    // A ← A - v·(2q)ᵀ - (2q)·vᵀ on the lower triangle.
    for (size_t i = k + 1; i < n; ++i) {
      double* row = a + i * n;
      const Vec nvi = Splat(-v[i]);
      const Vec nqi = Splat(-p[i]);
      size_t j = k + 1;
      for (; j + kLanes <= i + 1; j += kLanes) Store(row + j, Madd(nqi, Load(v + j), Madd(nvi, Load(p + j), Load(row + j))));
      for (; j <= i; ++j) row[j] = Madd(-p[i], v[j], Madd(-v[i], p[j], row[j]));
    }
    e[k] = alpha;
    for (size_t i = k + 1; i < n; ++i) a[i * n + k] = v[i];
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 1) * n + n - 2];
    a[(n - 1) * n + n - 2] = 0;
  }
  d[n - 1] = a[(n - 1) * n + n - 1];
  e[n - 1] = 0;
}

// Qᵀ = H_{n-3}···H_0 into qt (rows ld apart; columns n..ld-1 zero), as M ← M·H_k for
// k = n-3 .. 0 from M = I: row i of M·H_k is M_i - 2(M_i·v)·vᵀ, on the trailing columns only.
void Accumulate(const double* a, size_t n, size_t ld, double* qt, double* v) {
  std::fill(qt, qt + n * ld, 0.0);
  for (size_t i = 0; i < n; ++i) qt[i * ld + i] = 1;
  for (size_t next = n >= 3 ? n - 2 : 0; next-- > 0;) {  // k = n-3 down to 0
    const size_t k = next;
    bool any = false;
    for (size_t i = k + 1; i < n; ++i) {
      v[i] = a[i * n + k];
      any = any || v[i] != 0;
    }
    if (any) {
      for (size_t i = k + 1; i < n; ++i) {
        double* row = qt + i * ld + k + 1;
        const double t = Dot(row, v + k + 1, n - k - 1);
        if (t != 0) Axpy(-2 * t, v + k + 1, row, n - k - 1);
      }
    }
  }
}

// Rows of the eigenvector matrix are padded to whole vectors (the padding is zero and stays zero).
inline size_t Padded(size_t n) { return (n + kLanes - 1) / kLanes * kLanes; }

// Applies one sweep's rotations (cs[q], sn[q] for q = m-1 down to lo) to rows lo..m of vt, for
// components k .. k + C·kLanes: C vectors of components, each a chain down the rows with its
// carried value in a register (one load and one store per step); C chains side by side hide each
// other's latency.
template <int C>
inline void SweepChains(double* vt, size_t ld, size_t k, size_t lo, size_t m, const double* cs, const double* sn) {
  Vec t[C];
  const double* top = vt + m * ld + k;
  for (int c = 0; c < C; ++c) t[c] = Load(top + c * kLanes);
  for (size_t q = m; q-- > lo;) {
    // The carried value's chain is one multiply-add per step (-s·t + c·x, c·x computed aside).
    const Vec vc = Splat(cs[q]), vs = Splat(sn[q]), nvs = Splat(-sn[q]);
    const double* row = vt + q * ld + k;
    double* below = vt + (q + 1) * ld + k;
    for (int c = 0; c < C; ++c) {
      const Vec x = Load(row + c * kLanes);
      Store(below + c * kLanes, Madd(vs, x, vc * t[c]));
      t[c] = Madd(nvs, t[c], vc * x);
    }
  }
  double* bottom = vt + lo * ld + k;
  for (int c = 0; c < C; ++c) Store(bottom + c * kLanes, t[c]);
}

// The same sweep row by row, the carried values of all components in `carry` (ld values, in L1):
// for a large matrix, whose rows lie a page or more apart, walking whole rows keeps the TLB and
// the prefetchers on contiguous memory (1.5x faster than the chains at n = 1750 here, no faster
// at n = 350).
void SweepRows(double* vt, size_t ld, size_t lo, size_t m, const double* cs, const double* sn, double* carry) {
  std::copy(vt + m * ld, vt + (m + 1) * ld, carry);
  for (size_t q = m; q-- > lo;) {
    const Vec vc = Splat(cs[q]), vs = Splat(sn[q]), nvs = Splat(-sn[q]);
    const double* row = vt + q * ld;
    double* below = vt + (q + 1) * ld;
    for (size_t k = 0; k < ld; k += kLanes) {
      const Vec x = Load(row + k);
      const Vec t = Load(carry + k);
      Store(below + k, Madd(vs, x, vc * t));
      Store(carry + k, Madd(nvs, t, vc * x));
    }
  }
  std::copy(carry, carry + ld, vt + lo * ld);
}

constexpr size_t kRowsFrom = 1024;  // matrix order from which sweeps go row by row

void ApplySweep(double* vt, size_t n, size_t ld, size_t lo, size_t m, const double* cs, const double* sn, double* carry) {
  if (n >= kRowsFrom) return SweepRows(vt, ld, lo, m, cs, sn, carry);
  size_t k = 0;
  for (; k + 8 * kLanes <= ld; k += 8 * kLanes) SweepChains<8>(vt, ld, k, lo, m, cs, sn);
  if (k + 4 * kLanes <= ld) SweepChains<4>(vt, ld, k, lo, m, cs, sn), k += 4 * kLanes;
  if (k + 2 * kLanes <= ld) SweepChains<2>(vt, ld, k, lo, m, cs, sn), k += 2 * kLanes;
  if (k + kLanes <= ld) SweepChains<1>(vt, ld, k, lo, m, cs, sn);
}

// Implicit QL with Wilkinson's shift on (d, e); each sweep's rotations applied to the rows of vt
// (ld apart) once the sweep is done.
bool TridiagonalQl(double* d, double* e, size_t n, double* vt, size_t ld, double* cs, double* sn, double* carry) {
  for (size_t l = 0; l < n; ++l) {
    for (int iteration = 0;; ++iteration) {
      size_t m = l;
      while (m + 1 < n && !(std::fabs(e[m]) <= kEps * (std::fabs(d[m]) + std::fabs(d[m + 1])))) ++m;
      if (m == l) break;
      if (iteration >= kMaxQlIterations) return false;
      double g = (d[l + 1] - d[l]) / (2 * e[l]);
      double r = std::hypot(g, 1.0);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      double s = 1, c = 1, shift = 0;
      bool split = false;
      size_t i = m;
      while (i-- > l) {
        const double f = s * e[i];
        const double b = c * e[i];
        r = std::hypot(f, g);
        e[i + 1] = r;
        if (r == 0) {
          d[i + 1] -= shift;
          e[m] = 0;
          split = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - shift;
        r = (d[i] - g) * s + 2 * c * b;
        shift = s * r;
        d[i + 1] = g + shift;
        g = c * r - b;
        cs[i] = c;
        sn[i] = s;
      }
      const size_t lo = split ? i + 1 : l;
      if (lo < m) ApplySweep(vt, n, ld, lo, m, cs, sn, carry);
      if (split) continue;
      d[l] -= shift;
      e[l] = g;
      e[m] = 0;
    }
  }
  return true;
}

// An eigh of order n: a (n × n, lower triangle), the eigenvectors as rows of vt (ld apart), w = d.
struct Workspace {
  size_t n = 0, ld = 0;
  std::vector<double> a, vt, d, e, v, p, cs, sn, carry;
  void Fit(size_t order) {
    n = order;
    ld = Padded(order);
    a.resize(n * n);
    vt.resize(n * ld);
    carry.resize(ld);
    for (auto* b : {&d, &e, &v, &p, &cs, &sn}) b->resize(n);
  }
};

bool Eigh(Workspace& w) {
  Reduce(w.a.data(), w.n, w.d.data(), w.e.data(), w.v.data(), w.p.data());
  Accumulate(w.a.data(), w.n, w.ld, w.vt.data(), w.v.data());
  return TridiagonalQl(w.d.data(), w.e.data(), w.n, w.vt.data(), w.ld, w.cs.data(), w.sn.data(), w.carry.data());
}

// out (m × m, row-major) = Σ_k weight[k]·u_k·u_kᵀ with u_k = rows[k·stride .. + m), k < count.
void WeightedGram(const double* rows, size_t stride, size_t count, const double* weight, size_t m, double* out) {
  std::fill(out, out + m * m, 0.0);
  for (size_t k = 0; k < count; ++k) {
    const double* u = rows + k * stride;
    for (size_t i = 0; i < m; ++i) Axpy(weight[k] * u[i], u, out + i * m, m);
  }
}

}  // namespace

bool resolution(const double* icov, size_t nspec, size_t nwave, double* r, double* ivar) {
  const size_t n = nspec * nwave;
  for (size_t q = 0; q < n * n; ++q) {
    if (!std::isfinite(icov[q])) {
      std::fill(r, r + nspec * nwave * nwave, std::numeric_limits<double>::quiet_NaN());
      std::fill(ivar, ivar + n, std::numeric_limits<double>::quiet_NaN());
      return true;
    }
  }
  // Kept between calls (one patch size after another): a call allocates nothing in the steady state.
  static thread_local Workspace big, small;
  static thread_local std::vector<double> f, g, block, q;
  big.Fit(n);
  small.Fit(nwave);
  f.resize(n);
  g.resize(nwave);
  block.resize(nwave * nwave);
  q.resize(nwave * nwave);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j <= i; ++j) big.a[i * n + j] = 0.5 * (icov[i * n + j] + icov[j * n + i]);
  }
  if (!Eigh(big)) return false;
  const double maxval = *std::max_element(big.d.begin(), big.d.end());
  const double minval = maxval * kThreshold;
  for (size_t k = 0; k < n; ++k) f[k] = big.d[k] > minval ? 1 / big.d[k] : 1 / minval;
  for (size_t b = 0; b < nspec; ++b) {
    const size_t c0 = b * nwave;
    WeightedGram(big.vt.data() + c0, big.ld, n, f.data(), nwave, small.a.data());
    if (!Eigh(small)) return false;
    const double maxc = *std::max_element(small.d.begin(), small.d.end());
    const double rootMin = std::sqrt(maxc) * kThreshold;
    for (size_t k = 0; k < nwave; ++k) {
      const double root = std::sqrt(small.d[k]);
      g[k] = root > rootMin ? 1 / root : 1 / rootMin;
    }
    WeightedGram(small.vt.data(), small.ld, nwave, g.data(), nwave, q.data());
    for (size_t i = 0; i < nwave; ++i) {
      double norm = 0;
      for (size_t j = 0; j < nwave; ++j) norm += q[i * nwave + j];
      for (size_t j = 0; j < nwave; ++j) r[(c0 + i) * nwave + j] = q[i * nwave + j] / norm;
      ivar[c0 + i] = norm * norm;
    }
  }
  return true;
}

}  // namespace hotbench
