// Figures derived from the raw per-round numbers: every ratio is taken within a round (variants of one
// round ran back to back), then summarized over rounds as median and min–max.
import { summarize } from '../lib/stats.mjs';

const perRound = (rows, f) => summarize(rows.map((r) => { try { return f(r); } catch { return NaN; } }));

/** Variant names present in any round, in a fixed report order. */
export function variantsOf(rows, order = ['ours', 'ours/in-page fetch', 'sdk', 'aws4fetch', 'floor', 'floor+fetch']) {
  const seen = new Set(rows.flatMap((r) => Object.keys(r)));
  return order.filter((v) => seen.has(v)).concat([...seen].filter((v) => !order.includes(v)));
}

/** Per variant of one throughput shape: ms, req/s, MB/s and time/floor (+ ours against the SDK). */
export function deriveThroughput(t) {
  const rows = t.perRound;
  const out = {};
  for (const v of variantsOf(rows)) {
    out[v] = {
      ms: perRound(rows, (r) => r[v]),
      reqPerS: perRound(rows, (r) => 1000 / r[v]),
      mbPerS: perRound(rows, (r) => t.dataBytes / 1e6 / (r[v] / 1000)),
      overFloor: perRound(rows, (r) => r[v] / r.floor),
      overFloorFetch: perRound(rows, (r) => r[v] / r['floor+fetch']),
      sdkOverThis: perRound(rows, (r) => r.sdk / r[v]),
    };
  }
  return out;
}

/** Enqueue: ns/event and p99 of floor, copy and ours, and ours/floor and copy/floor per round. */
export function deriveEnqueue(e) {
  const rows = e.perRound;
  return {
    floorNs: perRound(rows, (r) => r.floorNsPerEvent),
    oursNs: perRound(rows, (r) => r.oursNsPerEvent),
    ratio: perRound(rows, (r) => r.oursNsPerEvent / r.floorNsPerEvent),
    copyNs: perRound(rows, (r) => r.copyNsPerEvent),
    copyRatio: perRound(rows, (r) => r.copyNsPerEvent / r.floorNsPerEvent),
    copyP99: perRound(rows, (r) => r.copyP99Ns),
    floorP99: perRound(rows, (r) => r.floorP99Ns),
    oursP99: perRound(rows, (r) => r.oursP99Ns),
  };
}

/** Main thread: per variant busy ms/s, longest task, long tasks; and busy ms/s above the "none" page. */
export function deriveMainThread(m) {
  const rows = m.perRound;
  const out = {};
  for (const v of variantsOf(rows, ['ours', 'floor', 'none'])) {
    out[v] = {
      cpuMsPerS: perRound(rows, (r) => r[v].cpuMsPerSecond),
      aboveNoneMsPerS: perRound(rows, (r) => r[v].cpuMsPerSecond - r.none.cpuMsPerSecond),
      longestTaskMs: perRound(rows, (r) => r[v].longestTaskMs),
      longTasks: perRound(rows, (r) => r[v].longTasks),
      longestLongTaskMs: perRound(rows, (r) => r[v].longestLongTaskMs),
      eventsPerS: perRound(rows, (r) => r[v].eventsPerSecond),
    };
  }
  return out;
}

/** End to end: records/s of each client, and ours against the better raw client of the same round. */
export function deriveEndToEnd(e) {
  const rows = e.perRound;
  const out = {};
  for (const v of variantsOf(rows, ['ours', 'ours x1', 'ours x4', 'raw x1', 'raw x4', 'ceiling'])) out[v] = perRound(rows, (r) => r[v]);
  out.oursOverCeiling = perRound(rows, (r) => r.ours / r.ceiling);
  return out;
}
