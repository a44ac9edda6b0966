// ghspots on the GPU, one spot per block, in four steps separated by barriers (each a loop over
// the block's threads, so that any block size works):
//   1. the spot's 49 coefficients into shared memory; per edge of the stamp (12 row edges, then 18
//      column edges) one thread computes u = (t - d)/s, Φ(u) (CUDA's erfc), φ(u) and He_0..He_5(u)·φ(u);
//   2. the pixel integrals as differences of neighbouring edges: pghY (7 x 11) and pghX (7 x 17);
//   3. T = G·pghX (7 x 17);
//   4. S = pghYᵀ·T (11 x 17), stored: thread q writes pixel q, so the 187 stores are coalesced.
// The order of the contraction is the native rung's (one axis first), within the kernel's tolerance
// of the reference's 49-term sum per pixel.
#pragma once
#include <cmath>

#include "host_device.h"

namespace hotbench {
namespace gpu {
namespace ghspots_steps {

constexpr int HY = 5, HX = 8, NY = 2 * HY + 1, NX = 2 * HX + 1, NG = 7, SPOT = NY * NX;
constexpr int EY = NY + 1, EX = NX + 1, EDGES = EY + EX;
constexpr int NH = NG - 1;  // He_0 .. He_5
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.3989422804014327;

struct Shared {
  double g[NG * NG];
  double Phi[EDGES];
  double h[NH][EDGES];  // He_m(u)·φ(u) at each edge
  double pghY[NG][NY];
  double pghX[NG][NX];
  double t[NG][NX];
};

HB_HD void Edges(int thread, int threads, const double* g, double dx, double dy, double sx, double sy, Shared& sh) {
  for (int q = thread; q < NG * NG; q += threads) sh.g[q] = g[q];
  for (int e = thread; e < EDGES; e += threads) {
    const bool row = e < EY;
    const int p = row ? e : e - EY;
    const int h = row ? HY : HX;
    const double d = row ? dy : dx;
    const double s = row ? sy : sx;
    const double u = ((p - h - 0.5) - d) / s;
    sh.Phi[e] = erfc(-u * kSqrtHalf) / 2;
    const double phi = exp(-u * u / 2) * kInvSqrt2Pi;
    double previous = 1, current = u;  // He_0, He_1
    sh.h[0][e] = phi;
    sh.h[1][e] = u * phi;
    for (int m = 1; m + 1 < NH; ++m) {
      const double next = u * current - m * previous;
      previous = current;
      current = next;
      sh.h[m + 1][e] = current * phi;
    }
  }
}

HB_HD void Integrals(int thread, int threads, Shared& sh) {
  for (int q = thread; q < NG * (NY + NX); q += threads) {
    const bool row = q < NG * NY;
    const int r = row ? q : q - NG * NY;
    const int n = row ? NY : NX;
    const int m = r / n, p = r % n;
    const int e = (row ? 0 : EY) + p;  // the pixel's lower edge
    const double v = m == 0 ? sh.Phi[e + 1] - sh.Phi[e] : sh.h[m - 1][e] - sh.h[m - 1][e + 1];
    if (row) sh.pghY[m][p] = v;
    else sh.pghX[m][p] = v;
  }
}

HB_HD void ContractX(int thread, int threads, Shared& sh) {
  for (int q = thread; q < NG * NX; q += threads) {
    const int i = q / NX, x = q % NX;
    double sum = 0;
    for (int j = 0; j < NG; ++j) sum += sh.g[i * NG + j] * sh.pghX[j][x];
    sh.t[i][x] = sum;
  }
}

HB_HD void ContractY(int thread, int threads, const Shared& sh, double* out) {
  for (int q = thread; q < SPOT; q += threads) {
    const int y = q / NX, x = q % NX;
    double sum = 0;
    for (int i = 0; i < NG; ++i) sum += sh.pghY[i][y] * sh.t[i][x];
    out[q] = sum;
  }
}

}  // namespace ghspots_steps
}  // namespace gpu
}  // namespace hotbench
