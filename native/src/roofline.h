// The roofline probes in plain C++ (no N-API): compiled once per x86-64 level into that level's
// addon, like the kernels, so each level's ceiling is what code built for that level can reach.
// Single-threaded on purpose: the kernels are, so the roof that matters is one core's.
#pragma once
#include <cstddef>

namespace hotbench {

struct BandwidthFigures {
  double triadSeconds;  // best pass of a[i] = b[i] + s * c[i] over `elements` doubles
  double storeSeconds;  // best pass of a[i] = s over the same array
  double checksum;      // read from the arrays afterwards, so no pass can be dropped
};

// Allocates three arrays of `elements` doubles, touches them once (page faults are not timed),
// then times `passes` passes of each loop with std::chrono::steady_clock and keeps the best (as
// STREAM reports). Returns false when the arrays cannot be allocated.
bool bandwidth(std::size_t elements, int passes, BandwidthFigures* out);

struct PeakFigures {
  double flopsPerRep;  // floating-point operations in one timed repetition (an FMA counts 2)
  double bestSeconds;  // the fastest of the repetitions
  int chains;          // independent dependency chains, each a vector register
  int vectorBits;      // 128 (SSE2), 256 (AVX2) or 512 (AVX-512)
  bool fma;            // fused multiply-adds (v3, v4), or a multiply then an add (x86-64, v2)
  double checksum;     // the sum of the accumulators, so the chains cannot be dropped
};

// Independent chains acc = acc * m + a in the widest vectors of this build, long enough that one
// repetition takes at least `minRepSeconds`, best of `reps`. m and a come from the caller so that
// nothing is known at compile time (m slightly below 1 keeps the values finite and normal).
PeakFigures peak(double minRepSeconds, int reps, double m, double a);

}  // namespace hotbench
