// The kernels' per-thread steps are written once as functions both nvcc and a plain host compiler
// accept: on the GPU they run inside the kernels, on the host test/gpu-emulation.test.ts runs them
// thread by thread and phase by phase to check their indexing against the references (no GPU here).
#pragma once

#ifdef __CUDACC__
#define HB_HD __host__ __device__ __forceinline__
#else
#define HB_HD inline
#endif
