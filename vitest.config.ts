import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Users' kernel folders import 'hotbench'; from source, that is bench/index.ts.
    alias: { hotbench: fileURLToPath(new URL('./bench/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // A roofline cache of the tests' own with a constructed roofline: no test measures the machine's.
    setupFiles: ['test/helpers/roofline-cache.ts'],
    // Tests that spawn measuring child processes need more than the default 5 s on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Child processes measure; running test files in parallel on 2 cores only slows them down.
    fileParallelism: false,
  },
});
