// normaleq in plain C++ (no N-API): compiled once per x86-64 level into that level's addon.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hotbench {

// A patch's static structure (variants/normaleq/overlaps.ts): nbins stamps of 11 × 17 values with
// their top-left pixels (row0, col0) in a patch nx pixels wide; npairs overlapping pairs, 7 ints
// each (i, j, rows, cols, first shared pixel, offset in stamp i, offset in stamp j); iCov's
// envelope (first[j]: first non-zero column of row j) and the skyline offsets rowStart (nbins + 1).
struct NormaleqStructure {
  const double* stamps;
  std::size_t nbins;
  const std::int32_t* row0;
  const std::int32_t* col0;
  std::size_t nx;
  std::size_t npix;
  const std::int32_t* pairs;
  std::size_t npairs;
  const std::int32_t* first;
  const std::int32_t* rowStart;
};

// iCov (nbins × nbins row-major; only the envelope's entries are written: the rest must be zero
// already) and x with the kernel's rules (kernels/normaleq/index.ts): masked pixels never read,
// x NaN everywhere when y is not finite or iCov is not positive definite.
void normaleq(const NormaleqStructure& s, const double* pixels, const double* ivar, double* icov, double* x);

}  // namespace hotbench
