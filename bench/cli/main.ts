#!/usr/bin/env node
// The hotbench command. Only this module touches argv, exit codes and process state; each verb is a
// module of its own that returns its exit status.

import { UserError } from '../errors.js';
import { packageVersion } from '../paths.js';
import { compareCommand } from './compare.js';
import { dispatchCommand } from './dispatch.js';
import { gateCommand } from './gate.js';
import { initCommand } from './init.js';
import { listCommand } from './list.js';
import { mergeCommand } from './merge.js';
import { pipelineCommand } from './pipeline.js';
import { profileCommand } from './profile.js';
import { reportCommand } from './report.js';
import { rooflineCommand } from './roofline.js';
import { runCommand, scaleCommand } from './run.js';
import { targetsCommand } from './targets.js';
import { validateCommand } from './validate.js';

const commands: Record<string, (argv: readonly string[]) => Promise<number>> = {
  init: initCommand,
  run: runCommand,
  scale: scaleCommand,
  report: reportCommand,
  merge: mergeCommand,
  list: listCommand,
  validate: validateCommand,
  targets: targetsCommand,
  profile: profileCommand,
  compare: compareCommand,
  gate: gateCommand,
  roofline: rooflineCommand,
  dispatch: dispatchCommand,
  pipeline: pipelineCommand,
};

const help = `usage: hotbench <command> [options]

Benchmarking and profiling harness for optimization studies of numeric kernels.

commands:
  init       start a study here: hotbench.config.json and a kernels/ folder with one kernel, two variants
  run        validate and measure the benchmark matrix, write a results file and a report
  scale      parallel scaling: each parallel variant (threads, processes, native-threads, mpi) at
             p = 1, 2, 4, ... workers, strong or weak, beside the serial variants: S(p), efficiency
  report     analyse results files (no measuring) into a terminal, Markdown, HTML or JSON report
  merge      join the results files of a sharded run (run --shard I/N) into one
  list       list kernels, sizes and variants (built-in and yours)
  validate   check every variant against its kernel's reference, without timing
  targets    this machine's fingerprint, its GPU and the builds (js, wasm, native levels, gpu@cuda) it can run
  profile    run a kernel variant or your program under a profiler (V8, 0x, clinic): its hotspot table
  compare    compare two results files: per cell head/base with a CI, a p-value and a verdict
  gate       compare head with a git ref or a baseline file; exit 1 on a regression (for CI)
  roofline   this machine's peak GFLOP/s and memory bandwidth (one core, per native build), cached
  pipeline   a pipeline study: every configuration end to end (the DESI extraction: pipeline desi),
             the per-change table, stage shares and Amdahl's prediction beside the measured speedups
  dispatch   results files → a dispatch file: production code then runs the fastest valid variant
             this machine can (import { loadDispatch } from 'hotbench/dispatch')

Run 'hotbench <command> --help' for a command's options.`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${help}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const verb = commands[command];
  if (!verb) throw new UserError(`unknown command ${JSON.stringify(command)} (known: ${Object.keys(commands).join(', ')}; see hotbench --help)`);
  return verb(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(`hotbench: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`hotbench: internal error (please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    }
  },
);
