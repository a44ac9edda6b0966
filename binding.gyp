{
  # One addon per x86-64 micro-architecture level, all from the same sources; every kernel's C++,
  # the native-threads pool and the roofline probes go into the same addon. node-pre-gyp passes
  # --module_path (package.json binary.module_path); the default below serves a direct node-gyp run.
  # All levels load side by side in one process.
  # hotbench_mpi, the MPI bindings of the mpi rung, is built only where an MPI compiler wrapper
  # answers (native/mpi-config.cjs); elsewhere it is an empty target and the rung is skipped.
  "variables": {
    "module_path%": "<(module_root_dir)/native/binding",
    "mpi%": "<!(node native/mpi-config.cjs enabled)",
    "kernel_sources": [
      "native/src/addon.cc",
      "native/src/legval.cc", "native/src/legval_napi.cc",
      "native/src/ghspots.cc", "native/src/ghspots_napi.cc",
      "native/src/kmeans.cc", "native/src/kmeans_napi.cc",
      "native/src/normaleq.cc", "native/src/normaleq_napi.cc",
      "native/src/resolution.cc", "native/src/resolution_napi.cc",
      "native/src/thread_pool.cc", "native/src/parallel_napi.cc",
      "native/src/roofline.cc", "native/src/roofline_napi.cc"
    ]
  },
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
    # -ffp-contract=off: GCC would otherwise fuse a*b+c on v3/v4 only, and levels would disagree;
    # the kernels use fma explicitly where they mean it. No -ffast-math: results must stay IEEE.
    "cflags_cc": ["-O3", "-ffp-contract=off", "-fvisibility=hidden", "-pthread"],
    "ldflags": ["-pthread"],
    "product_dir": "<(module_path)"
  },
  "targets": [
    { "target_name": "hotbench_x86_64", "sources": ["<@(kernel_sources)"], "cflags_cc": ["-march=x86-64"] },
    { "target_name": "hotbench_x86_64_v2", "sources": ["<@(kernel_sources)"], "cflags_cc": ["-march=x86-64-v2"] },
    { "target_name": "hotbench_x86_64_v3", "sources": ["<@(kernel_sources)"], "cflags_cc": ["-march=x86-64-v3"] },
    { "target_name": "hotbench_x86_64_v4", "sources": ["<@(kernel_sources)"], "cflags_cc": ["-march=x86-64-v4"] },
    {
      "target_name": "hotbench_mpi",
      "conditions": [
        ["mpi==1", {
          "sources": ["native/src/mpi_napi.cc"],
          # The C++ bindings MPI-2 deprecated would need libmpi_cxx at load time: left out.
          "defines": ["OMPI_SKIP_MPICXX=1", "MPICH_SKIP_MPICXX=1"],
          "cflags_cc": ["<!@(node native/mpi-config.cjs compile)"],
          "libraries": ["<!@(node native/mpi-config.cjs link)"]
        }, {
          "type": "none"
        }]
      ]
    }
  ]
}
