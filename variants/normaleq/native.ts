// native: normaleq in C++ (native/src/normaleq.cc) through node-addon-api, one build per x86-64
// level: the unrolled rung's algorithm (WA per stamp, each overlapping pair a dot product of stamp
// rows, skyline Cholesky) in vectors of the level's width, explicit FMA on v3/v4. The structure
// (overlaps.ts) is found once in prepare; typed arrays go to C++ by pointer; iCov's zeros are
// written once, in prepare.

import { levelRank } from '../../bench/env/cpu.js';
import { loadNative, nativeVariants } from '../../native/index.js';
import type { NormaleqOutput, NormaleqParams, NormaleqPerCall, NormaleqStatic } from '../../kernels/normaleq/index.js';
import { findOverlaps } from './overlaps.js';

export default nativeVariants<NormaleqStatic, NormaleqPerCall, NormaleqOutput, NormaleqParams>('normaleq', (level) => ({
  description: `C++ -march=${level}: overlapping pairs as dot products of stamp rows, skyline Cholesky, ${levelRank(level) >= levelRank('x86-64-v4') ? 8 : levelRank(level) >= levelRank('x86-64-v3') ? 4 : 2}-wide vectors${levelRank(level) >= levelRank('x86-64-v3') ? ', FMA' : ''}`,
  prepare: (patch, params) => {
    const addon = loadNative(level);
    const n = params.nspec * params.nwave;
    const o = findOverlaps(patch);
    const icov = new Float64Array(n * n);
    const x = new Float64Array(n);
    return {
      run: ({ pixels, ivar }) => {
        addon.normaleq(patch.stamps, patch.row0, patch.col0, patch.nx, o.packed, o.first, o.rowStart, pixels, ivar, icov, x);
        return { icov, x };
      },
    };
  },
}));
