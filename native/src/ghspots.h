// ghspots in plain C++ (no N-API): compiled once per x86-64 level into that level's addon.
#pragma once
#include <cstddef>

namespace hotbench {

// Pixel-integrated Gauss-Hermite spots, KERNELS.md §2: 11 x 17 pixels (hy = 5, hx = 8), degree 6.
// Per spot s: offsets dx[s], dy[s], widths sx[s], sy[s], coefficients G[s*49 + i*7 + j] (i: order
// in y, j: order in x). out[s*187 + y*17 + x] = S[s][y][x]. out must not alias the inputs.
void ghspots(const double* dx, const double* dy, const double* sx, const double* sy, const double* G, std::size_t nspots,
             double* out);

}  // namespace hotbench
