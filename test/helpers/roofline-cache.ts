// A vitest setup file: each test file, and every hotbench process it starts (they inherit the
// environment), uses a roofline cache of its own that already holds a constructed roofline for this
// machine. So `hotbench run` in tests copies that instead of measuring the machine (seconds per
// run), and no test writes to the user's ~/.cache. Tests of the probes and the cache set their own.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { collectEnvironment } from '../../bench/env/environment.js';
import { CACHE_DIR_VARIABLE } from '../../bench/env/cache-dir.js';
import { rooflineCacheFile, writeCachedRoofline } from '../../bench/roofline/cache.js';
import { constructedRoofline } from './roofline.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-test-cache-'));
writeCachedRoofline(rooflineCacheFile(dir, collectEnvironment().fingerprint), constructedRoofline(collectEnvironment().fingerprint));
process.env[CACHE_DIR_VARIABLE] = dir;

afterAll(() => rmSync(dir, { recursive: true, force: true }));
