// resolution in plain C++ (no N-API): compiled once per x86-64 level into that level's addon.
#pragma once
#include <cstddef>

namespace hotbench {

// specter's resolution_from_icov with per-fiber decorrelation (kernels/resolution/index.ts):
// icov is nflux × nflux row-major, nflux = nspec·nwave; writes R's nspec diagonal blocks
// (r[(b·nwave + i)·nwave + j]) and ivar (nflux). A non-finite icov gives NaN everywhere.
// Returns false when the QL iteration did not converge (its cap reached): r and ivar are then
// undefined.
bool resolution(const double* icov, std::size_t nspec, std::size_t nwave, double* r, double* ivar);

}  // namespace hotbench
