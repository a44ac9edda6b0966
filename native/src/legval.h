// legval in plain C++ (no N-API): compiled once per x86-64 level into that level's addon.
#pragma once
#include <cstddef>

namespace hotbench {

// out[s*nx + i] = sum_k C[s*(deg+1) + k] * P_k(x[i]) by Clenshaw's recurrence, numpy's form with
// the constants (n-1)/n and (2n-1)/n hoisted. out must not alias x or C.
void legval(const double* x, std::size_t nx, const double* C, std::size_t nseries, int deg, double* out);

}  // namespace hotbench
