// kmeans in plain C++ (no N-API): compiled once per x86-64 level into that level's addon.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hotbench {

// Points per block of the packed layout: xb[(b*d + j)*kKmeansBlock + l] = x[(b*kKmeansBlock + l)*d + j].
constexpr std::size_t kKmeansBlock = 8;

// One Lloyd assignment over packed X (n points of dimension d) and centroids C (k × d, row-major):
// labels[i] = argmin_c |x_i - C_c|² (the lowest c on a tie), sums (k × d) and counts (k) of each
// cluster's points; returns the inertia. Overwrites sums and counts.
double kmeans(const double* xb, std::size_t n, std::size_t d, const double* C, std::size_t k, std::int32_t* labels,
              double* sums, double* counts);

}  // namespace hotbench
