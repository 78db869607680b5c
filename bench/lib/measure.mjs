// Timing loops shared by Node and the page (no Node or DOM APIs): runs a variant until a time and
// iteration floor are both met and returns its mean time per call.

const now = () => performance.now();

/**
 * Calls `await run(batch)` repeatedly (after `warmup` untimed calls) until at least `minIters` calls and
 * `minMs` milliseconds; resolves `{iters, ms, msPerCall}`.
 */
export async function timeRuns(run, batch, { minIters = 3, minMs = 300, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await run(batch);
  let iters = 0;
  const start = now();
  let elapsed = 0;
  while (iters < minIters || elapsed < minMs) {
    await run(batch);
    iters++;
    elapsed = now() - start;
  }
  return { iters, ms: elapsed, msPerCall: elapsed / iters };
}

/** Variant names in a different rotation each round, so no variant always runs first or last. */
export function rotation(names, round) {
  const k = round % names.length;
  return [...names.slice(k), ...names.slice(0, k)];
}

/** Nearest-rank percentile `p` (0..100) of numbers. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
