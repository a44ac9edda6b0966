// Sharding: which (kernel, size) groups of a matrix one of n machines measures (`run --shard i/n`).
//
// The unit is the group, never a single variant: a speedup is a ratio of two medians measured side by
// side in one run on one machine, so every shard measures a group's baseline beside its other
// variants. The split is a function of the matrix the filters select alone (kernel and size names and
// the kernels' work models), never of which builds a machine can run, so that every machine, whatever
// its CPU, computes the same split and the shards join up: a group no variant of which can run on a
// machine is still assigned, and its shard records the variants as skipped.
//
// Groups are balanced by an estimate of their measuring time (longest first, each to the least
// loaded shard, ties to the lower index; the greedy LPT schedule). The estimate is rough on purpose:
// each variant's round costs a fixed budget (a process, warm-up and samples) plus a few calls whose
// duration is guessed from the work model at 1 GFLOP/s (or 1 GB/s for a kernel that moves more
// bytes than it computes flops). Only the split's balance depends on it, never its correctness.

import { variantId } from '../spec/define.js';
import type { MatrixGroupKeys, Plan, PlannedCell, ShardInfo } from '../types.js';

export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** ms per variant and round that do not depend on the size: a process, warm-up and the sample budget. */
const FIXED_MS = 600;
/** Calls a slow variant makes per round at least: the estimating call, a warm-up call and 3 samples. */
const SLOW_CALLS = 5;
/** The guessed speed behind a call's duration: flops (or bytes) per ms, 1 GFLOP/s (1 GB/s). */
const WORK_PER_MS = 1e6;

/** The estimated measuring time of a group per variant and round, ms (see the module comment). */
export function groupCost(group: Pick<PlannedCell, 'kernel' | 'size'>): number {
  const kernel = group.kernel.definition;
  let callMs = 0;
  try {
    const work = kernel.work(kernel.sizes[group.size]);
    callMs = Math.max(work.flops, work.bytes) / WORK_PER_MS;
  } catch {
    // A work model that throws fails the run where its figures are needed; here it only loses its
    // share of the estimate, which stays the same on every machine.
  }
  return FIXED_MS + SLOW_CALLS * (Number.isFinite(callMs) && callMs > 0 ? callMs : 0);
}

/**
 * The shard (1-based) of each group, from the groups' costs alone: longest first (ties in plan
 * order), each to the shard with the least total so far (ties to the lower index).
 */
export function assignShards(costs: readonly number[], count: number): number[] {
  const order = costs.map((cost, position) => ({ cost, position })).sort((a, b) => b.cost - a.cost || a.position - b.position);
  const load = new Array<number>(count).fill(0);
  const shard = new Array<number>(costs.length);
  for (const { cost, position } of order) {
    let least = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[least]) least = s;
    load[least] += cost;
    shard[position] = least + 1;
  }
  return shard;
}

/** The matrix as a results file records it: names only, every selected variant. */
export function matrixKeys(plan: Plan): MatrixGroupKeys[] {
  return plan.groups.map((g) => ({
    kernel: g.kernel.definition.name,
    size: g.size,
    variants: g.variants.map((v) => variantId(v.definition.name, v.definition.target ?? 'js')),
  }));
}

/**
 * The part of `plan` shard `spec` measures: the cells of its groups, and the skipped variants of the
 * kernels it has groups of (those of a kernel with no group at all, shard 1), so that the shards'
 * skipped lists join up to the unsharded run's.
 */
export function shardPlan(plan: Plan, spec: ShardSpec): { plan: Plan; shard: ShardInfo } {
  const assignment = assignShards(plan.groups.map(groupCost), spec.count);
  const assigned = assignment.flatMap((s, position) => (s === spec.index ? [position] : []));
  const mine = new Set(assigned.map((p) => JSON.stringify([plan.groups[p].kernel.definition.name, plan.groups[p].size])));
  const kernels = new Set(assigned.map((p) => plan.groups[p].kernel.definition.name));
  const grouped = new Set(plan.groups.map((g) => g.kernel.definition.name));
  if (spec.index === 1) for (const s of plan.skipped) if (!grouped.has(s.kernel)) kernels.add(s.kernel);
  const groups = assigned.map((p) => plan.groups[p]);
  return {
    plan: {
      cells: plan.cells.filter((c) => mine.has(JSON.stringify([c.kernel.definition.name, c.size]))),
      skipped: plan.skipped.filter((s) => kernels.has(s.kernel)),
      groups,
    },
    shard: { index: spec.index, count: spec.count, matrix: matrixKeys(plan), assigned },
  };
}
