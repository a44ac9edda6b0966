// The public API: what a user's kernel folder imports from 'hotbench'.

export { defineKernel, defineVariant, DefinitionError } from './spec/define.js';
export { defineConfig } from './spec/config.js';
export { createRandom, type Random } from './random.js';
export { compareOutputs, ulpDistance } from './validate/compare.js';
export type * from './types.js';
