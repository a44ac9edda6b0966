// Builds every kernel's WebAssembly rung: for each variants/<kernel>/assembly/<kernel>.ts, run the
// folder's generate.mjs (if any), then asc twice with asconfig.json's options, once per build
// (scalar, simd), into dist/wasm/<kernel>.<build>.wasm. Run by `npm run build`.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const asc = path.join(path.dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')), 'bin', 'asc.js');
const outDir = path.join(root, 'dist', 'wasm');
mkdirSync(outDir, { recursive: true });

function run(args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build-wasm: ${what} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

let built = 0;
for (const kernel of readdirSync(path.join(root, 'variants')).sort()) {
  const dir = path.join(root, 'variants', kernel, 'assembly');
  const entry = path.join(dir, `${kernel}.ts`);
  if (!existsSync(entry)) continue;
  const generator = path.join(dir, 'generate.mjs');
  if (existsSync(generator)) run([generator], `${kernel}: generate.mjs`);
  for (const build of ['scalar', 'simd']) {
    const outFile = path.join(outDir, `${kernel}.${build}.wasm`);
    run([asc, path.relative(root, entry), '--config', 'asconfig.json', '--target', build, '--outFile', path.relative(root, outFile)], `${kernel}: asc --target ${build}`);
    built++;
  }
}
console.log(`build-wasm: ${built} modules in ${path.relative(root, outDir)}`);
