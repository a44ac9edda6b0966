{
  # The GPU rung's addon, native/binding/hotbench_cuda.node. Built by scripts/build-cuda.mjs
  # (npm's install step, npm run build:cuda), and only where that script finds a CUDA toolkit: it
  # passes the toolkit's nvcc, headers and static runtime as the variables below. The runtime is
  # linked statically, so the binary needs nothing of CUDA at run time but the driver (libcuda.so.1,
  # which the runtime opens itself), and its symbols are kept inside the addon. libstdc++ stays a
  # shared library, as node's own: linked in, it would bring in symbols of a newer glibc than the
  # static runtime's own pthread calls need. Host code is built for the baseline x86-64: the work
  # runs on the GPU.
  "variables": {
    "nvcc%": "nvcc",
    "cuda_include%": "/usr/local/cuda/include",
    "cudart_static%": "/usr/local/cuda/lib64/libcudart_static.a",
    "host_compiler%": "g++",
    "module_path%": "<(module_root_dir)/../binding"
  },
  "targets": [
    {
      "target_name": "hotbench_cuda",
      "sources": ["addon.cc", "device.cu", "legval.cu", "ghspots.cu", "kmeans.cu"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-fvisibility=hidden"],
      "rules": [
        {
          # Device code for the A100 (sm_80) and Hopper (sm_90: H100, H200) as machine code, and
          # compute_90 PTX that the driver compiles for newer GPUs. nvcc's defaults keep IEEE double
          # division and square roots; fused multiply-adds are allowed except where a kernel says.
          "rule_name": "nvcc",
          "extension": "cu",
          "inputs": ["cuda_util.cuh", "gpu.h", "host_device.h", "legval_steps.h", "ghspots_steps.h", "kmeans_steps.h"],
          "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).o"],
          "action": [
            "<(nvcc)", "-ccbin", "<(host_compiler)", "-std=c++17", "-O3",
            "-Xcompiler", "-fPIC,-fvisibility=hidden",
            "-gencode", "arch=compute_80,code=sm_80",
            "-gencode", "arch=compute_90,code=sm_90",
            "-gencode", "arch=compute_90,code=compute_90",
            "-I<(cuda_include)",
            "-c", "<(RULE_INPUT_PATH)", "-o", "<@(_outputs)"
          ],
          "message": "NVCC <(RULE_INPUT_PATH)",
          "process_outputs_as_sources": 1
        }
      ],
      "libraries": ["<(cudart_static)", "-ldl", "-lrt", "-lpthread"],
      "ldflags": ["-Wl,--exclude-libs,ALL"],
      "product_dir": "<(module_path)"
    }
  ]
}
