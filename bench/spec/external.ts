// defineExternalVariant: a variant whose program is not JavaScript (a Python peer, a compiled C
// program). The harness starts the program in place of its own child process and speaks the
// external protocol with it (docs/peers.md); the definition names the program and, through
// `available`, says when it cannot run here (no interpreter, a missing module), which is a skip
// with the reason, never a failure.

import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { ExternalProgram, ExternalSpec, KernelOutput, SizeParams, VariantDefinition, VariantSpec } from '../types.js';
import { defineVariant, DefinitionError } from './define.js';

export interface ExternalVariantSpec extends Omit<VariantSpec<unknown, unknown, KernelOutput, SizeParams>, 'prepare' | 'external' | 'parallel'> {
  /** The program (called when the variant is planned and when each of its processes starts). */
  readonly program: ExternalProgram | (() => ExternalProgram);
  /** A peer: held against the ladder in every report (ExternalSpec.peer). */
  readonly peer?: boolean;
}

// `env` is typed without NodeJS.ProcessEnv: hotbench's public types must compile without @types/node.
/** The executable a command names: itself when it holds a path, else the first on the PATH; null when none. */
export function resolveCommand(command: string, env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const candidates = command.includes(path.sep) ? [command] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not this one
    }
  }
  return null;
}

export function defineExternalVariant(spec: ExternalVariantSpec): VariantDefinition {
  const { program, peer, available, ...rest } = spec;
  if (typeof program !== 'function' && (typeof program !== 'object' || program === null || typeof program.command !== 'string')) {
    throw new DefinitionError(`external variant ${JSON.stringify(spec?.name)} of kernel ${JSON.stringify(spec?.kernel)}: program must be { command, args?, env? } or a function returning one`);
  }
  const programOf = typeof program === 'function' ? program : () => program;
  const external: ExternalSpec = { program: programOf, ...(peer ? { peer } : {}) };
  const id = `${spec.name}@${spec.target ?? 'js'}`;
  return defineVariant({
    ...rest,
    external,
    // The program is found first; the variant's own check (modules, versions) only then.
    available: () => {
      let command: string;
      try {
        command = programOf().command;
      } catch (error) {
        return (error as Error).message.split('\n')[0];
      }
      if (!resolveCommand(command)) return `${command} is not installed (not found${command.includes(path.sep) ? '' : ' on the PATH'})`;
      return available ? available() : true;
    },
    prepare: () => {
      throw new Error(`${id} is an external variant: its own program runs it, started by the harness (docs/peers.md)`);
    },
  });
}
