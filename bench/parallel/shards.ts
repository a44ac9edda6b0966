// How a parallel variant splits its rows (points, series, spots) among p workers: contiguous ranges
// as equal as possible, the first ranges one unit longer when the units do not divide evenly, each
// a whole number of `align` rows (kmeans splits its packed blocks of 8 points). The rule is fixed,
// so the same p gives every worker the same rows every time: the basis of results that are bitwise
// the same for the same p. native/src/thread_pool.h splits by the same rule.

/** Rows [start, end) of one worker. */
export interface Shard {
  readonly start: number;
  readonly end: number;
}

/** The p shards of `rows` rows, in worker order; a worker may get none (start === end) when rows are few. */
export function shardRows(rows: number, workers: number, align = 1): Shard[] {
  if (!(Number.isInteger(rows) && rows >= 0)) throw new RangeError(`shardRows: rows must be an integer >= 0, got ${rows}`);
  if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`shardRows: workers must be an integer >= 1, got ${workers}`);
  if (!(Number.isInteger(align) && align >= 1)) throw new RangeError(`shardRows: align must be an integer >= 1, got ${align}`);
  const units = Math.ceil(rows / align);
  const base = Math.floor(units / workers);
  const extra = units % workers;
  const shards: Shard[] = [];
  let unit = 0;
  for (let w = 0; w < workers; w++) {
    const count = base + (w < extra ? 1 : 0);
    shards.push({ start: Math.min(rows, unit * align), end: Math.min(rows, (unit + count) * align) });
    unit += count;
  }
  return shards;
}
