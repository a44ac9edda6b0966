// A module-resolution hook (node:module register) that makes `import ... from 'hotbench'` inside a
// user's kernel folder resolve to the harness that is running, so a folder of kernels works without
// installing hotbench into it, and kernels and harness always share one copy of the package.

interface HookData {
  readonly entryUrl: string;
}

let entryUrl = '';

export function initialize(data: HookData): void {
  entryUrl = data.entryUrl;
}

type NextResolve = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<unknown> {
  if (specifier === 'hotbench' && entryUrl) return { url: entryUrl, shortCircuit: true };
  return nextResolve(specifier, context);
}
