// A module-resolution hook (node:module register) that makes `import ... from 'hotbench'` inside a
// user's kernel folder resolve to the harness that is running, so a folder of kernels works without
// installing hotbench into it, and kernels and harness always share one copy of the package.
// Plain JavaScript: hooks run on their own thread, where no TypeScript loader may be present.

let entryUrl = '';

/** @param {{ entryUrl: string }} data */
export function initialize(data) {
  entryUrl = data.entryUrl;
}

/**
 * @param {string} specifier
 * @param {unknown} context
 * @param {(specifier: string, context: unknown) => Promise<unknown>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'hotbench' && entryUrl) return { url: entryUrl, shortCircuit: true };
  const resolved = /** @type {{ url: string, format?: string }} */ (await nextResolve(specifier, context));
  // A user's folder rarely has a package.json saying "type": "module", and TypeScript written with
  // import/export is meant as ES modules: load such .ts files as ESM, not as CommonJS.
  if (/\.tsx?$/.test(new URL(resolved.url).pathname) && !resolved.url.includes('/node_modules/') && resolved.format !== 'module') {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}
