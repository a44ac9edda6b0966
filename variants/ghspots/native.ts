// native: ghspots in C++ (native/src/ghspots.cc) through node-addon-api, one build per x86-64 level.
// Per spot, the 30 edges in one batch of GCC vector lanes: our own exp once per edge, shared by φ and
// Cody's erfc (branch-free intervals), He_0..He_5; pixel integrals as edge differences; then the two
// small matrix products T = G·pghX and S = pghYᵀ·T on rows padded to 20. Explicit FMA on v3/v4.
// No libm erfc (std::erfc is not used). Typed arrays go to C++ by pointer; the output is allocated
// once in prepare.

import { levelRank } from '../../bench/env/cpu.js';
import { loadNative, nativeVariants } from '../../native/index.js';
import { SPOT, type GhspotsOutput, type GhspotsParams, type GhspotsPerCall, type GhspotsStatic } from '../../kernels/ghspots/index.js';

export default nativeVariants<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>('ghspots', (level) => ({
  description: `C++ -march=${level}: 4-lane vector exp/erfc/Hermite per edge batch, T = G·pghX, S = pghYᵀ·T${levelRank(level) >= levelRank('x86-64-v3') ? ', FMA' : ''}`,
  prepare: (_static, params) => {
    const addon = loadNative(level);
    const out = new Float64Array(params.nspots * SPOT);
    return {
      run: ({ dx, dy, sx, sy, g }) => {
        addon.ghspots(dx, dy, sx, sy, g, out);
        return out;
      },
    };
  },
}));
