// resolution, native rung: the unrolled rung's algorithm in vectors of the level's width.
// - eigh: Householder reduction on the lower triangle (p = A·v and the rank-2 update each one
//   vectorised pass over a row), Qᵀ accumulated backwards (each row of Qᵀ·H_k is its own dot
//   product and axpy: one pass per row), implicit QL with Wilkinson's shift whose sweeps are
//   recorded and applied afterwards (LAPACK's dlasr scheme) to the eigenvectors, kept as the rows
//   of Vᵀ, four sweeps at a time and fused (FusedChains below): a row is loaded and stored once per
//   batch, four vectors of components side by side (from n = 1024 row by row, FusedRows);
// - Cov's diagonal blocks as rank-1 updates C_b += f_k·u_k·u_kᵀ over the eigenvectors' segments
//   (each entry summed over k in order; lower triangles only), each block's eigh the same way, its
//   inverse square root composed likewise, then the row sums, R and ivar.
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
// v has ld entries. Rows of M beyond k are zero left of column k + 1 and in the padding, and so
// is v there, so each row's dot product and axpy run over whole vectors, from the vector that
// holds column k + 1 to the end of the padded row: no scalar tails.
void Accumulate(const double* a, size_t n, size_t ld, double* qt, double* v) {
  std::fill(qt, qt + n * ld, 0.0);
  for (size_t i = 0; i < n; ++i) qt[i * ld + i] = 1;
  std::fill(v, v + ld, 0.0);
  for (size_t next = n >= 3 ? n - 2 : 0; next-- > 0;) {  // k = n-3 down to 0
    const size_t k = next;
    const size_t j0 = (k + 1) / kLanes * kLanes;
    bool any = false;
    for (size_t j = j0; j <= k; ++j) v[j] = 0;
    for (size_t i = k + 1; i < n; ++i) {
      v[i] = a[i * n + k];
      any = any || v[i] != 0;
    }
    if (any) {
      for (size_t i = k + 1; i < n; ++i) {
        double* row = qt + i * ld + j0;
        const double t = Dot(row, v + j0, ld - j0);
        if (t != 0) Axpy(-2 * t, v + j0, row, ld - j0);
      }
    }
  }
}

// Rows of the eigenvector matrix are padded to whole vectors (the padding is zero and stays zero).
inline size_t Padded(size_t n) { return (n + kLanes - 1) / kLanes * kLanes; }

// QL sweeps change only (d, e); their rotations are recorded and applied to the eigenvectors K at a
// time, fused: each sweep is a stage that takes the rows of vt from the bottom of the range up
// (row M first, then M-1, ...), keeps one carried value, and for each row q it takes in emits the
// final value of row q + 1 (s_q·x + c_q·t) and carries c_q·x - s_q·t; stage j feeds stage j + 1.
// A row is then loaded once and stored once for K sweeps (the rows are what limits a sweep: every
// rotation is 4 flops for 16 bytes of traffic), and C vectors of components go side by side so that
// the stages' chains overlap. Sweeps shorter than the union [L, M] of the batch get identity
// rotations (c = 1, s = 0) outside their own range.
template <int C, int K>
inline void FusedChains(double* vt, size_t ld, size_t k, size_t L, size_t M, const double* cs, const double* sn, size_t stride) {
  Vec carry[K][C];
  Vec value[C];
  auto row = [&](size_t q) { return vt + q * ld + k; };
  // Stage j at input row q: rotation q of sweep j.
  auto stage = [&](int j, size_t q) {
    const Vec vc = Splat(cs[j * stride + q]), vs = Splat(sn[j * stride + q]), nvs = Splat(-sn[j * stride + q]);
    for (int c = 0; c < C; ++c) {
      const Vec out = Madd(vs, value[c], vc * carry[j][c]);
      carry[j][c] = Madd(nvs, carry[j][c], vc * value[c]);
      value[c] = out;
    }
  };
  for (int c = 0; c < C; ++c) carry[0][c] = Load(row(M) + c * kLanes);
  // Filling: input row M - j makes stage j - 1 emit row M, stage j's first input.
  for (int j = 1; j < K; ++j) {
    const size_t in = M - j;
    for (int c = 0; c < C; ++c) value[c] = Load(row(in) + c * kLanes);
    for (int s = 0; s < j; ++s) stage(s, in + s);
    for (int c = 0; c < C; ++c) carry[j][c] = value[c];
  }
  // Steady state: every stage busy; the last one emits row in + K.
  for (size_t in = M - K + 1; in-- > L;) {
    for (int c = 0; c < C; ++c) value[c] = Load(row(in) + c * kLanes);
    for (int s = 0; s < K; ++s) stage(s, in + s);
    double* out = row(in + K);
    for (int c = 0; c < C; ++c) Store(out + c * kLanes, value[c]);
  }
  // Draining: stage f - 1 has taken its last row; its carry (row L, final for it) goes down the rest.
  for (int f = 1; f < K; ++f) {
    for (int c = 0; c < C; ++c) value[c] = carry[f - 1][c];
    for (int s = f; s < K; ++s) stage(s, L + s - f);
    double* out = row(L + K - f);
    for (int c = 0; c < C; ++c) Store(out + c * kLanes, value[c]);
  }
  double* bottom = row(L);
  for (int c = 0; c < C; ++c) Store(bottom + c * kLanes, carry[K - 1][c]);
}

// The same for K sweeps row by row, each stage's carried values for all components in carry
// (K × ld, in L1): from n = 1024 the rows lie pages apart, and walking whole rows keeps the TLB
// and the prefetchers on contiguous memory.
template <int K>
void FusedRows(double* vt, size_t ld, size_t L, size_t M, const double* cs, const double* sn, size_t stride, double* carry) {
  // Stage j at input row q over one row's components: value in `x` (a row buffer), carry j.
  auto stage = [&](int j, size_t q, double* x) {
    const Vec vc = Splat(cs[j * stride + q]), vs = Splat(sn[j * stride + q]), nvs = Splat(-sn[j * stride + q]);
    double* t = carry + j * ld;
    for (size_t k = 0; k < ld; k += kLanes) {
      const Vec xv = Load(x + k), tv = Load(t + k);
      Store(x + k, Madd(vs, xv, vc * tv));
      Store(t + k, Madd(nvs, tv, vc * xv));
    }
  };
  double* value = carry + K * ld;  // one row in flight
  std::copy(vt + M * ld, vt + (M + 1) * ld, carry);
  for (int j = 1; j < K; ++j) {
    const size_t in = M - j;
    std::copy(vt + in * ld, vt + (in + 1) * ld, value);
    for (int s = 0; s < j; ++s) stage(s, in + s, value);
    std::copy(value, value + ld, carry + j * ld);
  }
  for (size_t in = M - K + 1; in-- > L;) {
    double* x = vt + in * ld;
    // Stage 0 reads row `in` in place and writes its output there; no later stage reads that row.
    stage(0, in, x);
    for (int s = 1; s < K; ++s) stage(s, in + s, x);
    std::copy(x, x + ld, vt + (in + K) * ld);
  }
  for (int f = 1; f < K; ++f) {
    std::copy(carry + (f - 1) * ld, carry + f * ld, value);
    for (int s = f; s < K; ++s) stage(s, L + s - f, value);
    std::copy(value, value + ld, vt + (L + K - f) * ld);
  }
  std::copy(carry + (K - 1) * ld, carry + K * ld, vt + L * ld);
}

// Sweeps per batch, and vectors of components side by side: as many as the level's registers hold.
#if defined(__AVX512F__)
constexpr int kSweeps = 4;
constexpr int kChains = 4;
#else
constexpr int kSweeps = 2;
constexpr int kChains = 4;
#endif
constexpr size_t kRowsFrom = 1024;  // matrix order from which the batches go row by row

// Applies K recorded sweeps (rotations cs[j·stride + q], sn[...] for q in [L, M), identity outside
// each sweep's own range) to rows L..M of vt.
template <int K>
void ApplySweeps(double* vt, size_t n, size_t ld, size_t L, size_t M, const double* cs, const double* sn, size_t stride, double* carry) {
  if (n >= kRowsFrom) return FusedRows<K>(vt, ld, L, M, cs, sn, stride, carry);
  size_t k = 0;
  for (; k + kChains * kLanes <= ld; k += kChains * kLanes) FusedChains<kChains, K>(vt, ld, k, L, M, cs, sn, stride);
  for (; k + kLanes <= ld; k += kLanes) FusedChains<1, K>(vt, ld, k, L, M, cs, sn, stride);
}

// The sweeps of QL recorded but not yet applied to the eigenvectors.
struct SweepBatch {
  SweepBatch(double* rotations, size_t order) : cs(rotations), sn(rotations + kSweeps * order), n(order) {}
  double* cs;  // kSweeps × n
  double* sn;
  size_t n, count = 0, lo[kSweeps] = {}, hi[kSweeps] = {};

  void Flush(double* vt, size_t ld, double* carry) {
    if (count == 0) return;
    size_t L = lo[0], M = hi[0];
    for (size_t j = 1; j < count; ++j) L = std::min(L, lo[j]), M = std::max(M, hi[j]);
    for (size_t j = 0; j < count; ++j) {
      for (size_t q = L; q < lo[j]; ++q) cs[j * n + q] = 1, sn[j * n + q] = 0;
      for (size_t q = hi[j]; q < M; ++q) cs[j * n + q] = 1, sn[j * n + q] = 0;
    }
    // A batch needs a range of at least `count` rows to fill its pipeline; a short one goes one by one.
    if (count == size_t(kSweeps) && M - L + 1 >= count) {
      ApplySweeps<kSweeps>(vt, n, ld, L, M, cs, sn, n, carry);
    } else {
      for (size_t j = 0; j < count; ++j) ApplySweeps<1>(vt, n, ld, lo[j], hi[j], cs + j * n, sn + j * n, n, carry);
    }
    count = 0;
  }
};

// √(a² + b²): the plain formula where it cannot overflow or underflow, std::hypot (several times
// slower, and one per rotation) where it could.
inline double Hypot(double a, double b) {
  const double r = std::sqrt(a * a + b * b);
  return r > 1e-150 && r < 1e150 ? r : std::hypot(a, b);
}

// Implicit QL with Wilkinson's shift on (d, e); the sweeps' rotations are recorded and applied to
// the rows of vt (ld apart) kSweeps at a time (they change only d and e, so nothing waits for them).
bool TridiagonalQl(double* d, double* e, size_t n, double* vt, size_t ld, double* rotations, double* carry) {
  SweepBatch batch(rotations, n);
  for (size_t l = 0; l < n; ++l) {
    for (int iteration = 0;; ++iteration) {
      size_t m = l;
      while (m + 1 < n && !(std::fabs(e[m]) <= kEps * (std::fabs(d[m]) + std::fabs(d[m + 1])))) ++m;
      if (m == l) break;
      if (iteration >= kMaxQlIterations) return false;
      double* cs = batch.cs + batch.count * n;
      double* sn = batch.sn + batch.count * n;
      double g = (d[l + 1] - d[l]) / (2 * e[l]);
      double r = Hypot(g, 1.0);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      double s = 1, c = 1, shift = 0;
      bool split = false;
      size_t i = m;
      while (i-- > l) {
        const double f = s * e[i];
        const double b = c * e[i];
        r = Hypot(f, g);
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
      if (lo < m) {
        batch.lo[batch.count] = lo;
        batch.hi[batch.count] = m;
        if (++batch.count == size_t(kSweeps)) batch.Flush(vt, ld, carry);
      }
      if (split) continue;
      d[l] -= shift;
      e[l] = g;
      e[m] = 0;
    }
  }
  batch.Flush(vt, ld, carry);
  return true;
}

// An eigh of order n: a (n × n, lower triangle), the eigenvectors as rows of vt (ld apart), w = d.
struct Workspace {
  size_t n = 0, ld = 0;
  std::vector<double> a, vt, d, e, v, p, rotations, carry;
  void Fit(size_t order) {
    n = order;
    ld = Padded(order);
    a.resize(n * n);
    vt.resize(n * ld);
    carry.resize((kSweeps + 1) * ld);
    rotations.resize(2 * kSweeps * n);
    v.resize(ld);
    for (auto* b : {&d, &e, &p}) b->resize(n);
  }
};

bool Eigh(Workspace& w) {
  Reduce(w.a.data(), w.n, w.d.data(), w.e.data(), w.v.data(), w.p.data());
  Accumulate(w.a.data(), w.n, w.ld, w.vt.data(), w.v.data());
  return TridiagonalQl(w.d.data(), w.e.data(), w.n, w.vt.data(), w.ld, w.rotations.data(), w.carry.data());
}

// out (m × m, row-major) = Σ_k weight[k]·u_k·u_kᵀ with u_k = rows[k·stride .. + m), k < count.
// The lower triangle of out (m × m, row-major) = Σ_k weight[k]·u_k·u_kᵀ with u_k = rows[k·stride ..
// + m), k < count; each entry summed over k in order.
void WeightedGram(const double* rows, size_t stride, size_t count, const double* weight, size_t m, double* out) {
  std::fill(out, out + m * m, 0.0);
  for (size_t k = 0; k < count; ++k) {
    const double* u = rows + k * stride;
    for (size_t i = 0; i < m; ++i) Axpy(weight[k] * u[i], u, out + i * m, i + 1);
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
      for (size_t j = 0; j < i; ++j) q[j * nwave + i] = q[i * nwave + j];  // Q is symmetric
    }
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
