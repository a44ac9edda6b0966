// native: resolution in C++ (native/src/resolution.cc) through node-addon-api, one build per
// x86-64 level: the unrolled rung's algorithm (Householder on the lower triangle, implicit QL with
// each sweep's rotations applied along the eigenvectors in vectors, Cov's blocks as rank-1
// updates) in vectors of the level's width, explicit FMA on v3/v4. Typed arrays by pointer; R and
// ivar are allocated once in prepare.

import { levelRank } from '../../bench/env/cpu.js';
import { loadNative, nativeVariants } from '../../native/index.js';
import type { ResolutionOutput, ResolutionParams, ResolutionPerCall, ResolutionStatic } from '../../kernels/resolution/index.js';

export default nativeVariants<ResolutionStatic, ResolutionPerCall, ResolutionOutput, ResolutionParams>('resolution', (level) => ({
  description: `C++ -march=${level}: Householder + implicit QL, sweeps applied along eigenvectors in ${levelRank(level) >= levelRank('x86-64-v4') ? 8 : levelRank(level) >= levelRank('x86-64-v3') ? 4 : 2}-wide vectors, Cov blocks by rank-1 updates${levelRank(level) >= levelRank('x86-64-v3') ? ', FMA' : ''}`,
  prepare: (_patch, { nspec, nwave }) => {
    const addon = loadNative(level);
    const r = new Float64Array(nspec * nwave * nwave);
    const ivar = new Float64Array(nspec * nwave);
    return {
      run: ({ icov }) => {
        addon.resolution(icov, nspec, nwave, r, ivar);
        return { r, ivar };
      },
    };
  },
}));
