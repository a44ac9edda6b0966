// legval on the GPU: what one thread computes, the value of one series at one point. Clenshaw in
// numpy's form, with the constants (n-1)/n and (2n-1)/n read from tables (a[n], b[n] for n below
// `table`), as the native rung hoists them, instead of two divisions per step; higher degrees divide.
#pragma once
#include "host_device.h"

namespace hotbench {
namespace gpu {
namespace legval_steps {

HB_HD double Clenshaw(const double* c, int deg, double x, const double* a, const double* b, int table) {
  if (deg == 0) return c[0];
  double c0 = c[deg - 1];
  double c1 = c[deg];
  for (int n = deg; n >= 2; --n) {
    const double an = n < table ? a[n] : double(n - 1) / n;
    const double bn = n < table ? b[n] : double(2 * n - 1) / n;
    const double previous = c0;
    c0 = c[n - 2] - c1 * an;
    c1 = previous + c1 * x * bn;
  }
  return c0 + c1 * x;
}

}  // namespace legval_steps
}  // namespace gpu
}  // namespace hotbench
