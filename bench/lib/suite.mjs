// The measured rounds, identical in Node and in the page; the caller passes the variant factories of its
// platform and a nanosecond clock. Every round runs each variant once, in a rotated order.
import { BATCH_SHAPES, batchDataBytes, makeBatch, makeEvents } from './workload.mjs';
import { percentile, rotation, timeRuns } from './measure.mjs';
import { benchProducerConfig } from '../variants/ours.mjs';

/** Events per chunk of the interleaved enqueue loops (milliseconds each, far above the timer's resolution). */
export const ENQUEUE_CHUNK = 1000;

/**
 * `factories`: {name: (env) => Promise<{run, close?}>}; `env`: {endpoint, glue?}; `nowNs`: a clock in ns.
 * Returns the suite with `throughput(shape, rounds)` and `enqueue(rounds, count)`.
 */
export function createSuite({ factories, env, nowNs, timerResolutionNs }) {
  const instances = new Map();
  const batches = {};
  // A variant that throws once is reported with its error and left out of later rounds.
  const failures = {};
  const instance = async (name, recordCount) => {
    if (!instances.has(name)) instances.set(name, await factories[name]({ ...env, recordCount }));
    return instances.get(name);
  };

  /** Per round and variant: ms per build+sign of one PutRecords of `shape`. */
  async function throughput(shapeName, rounds, timing) {
    const shape = BATCH_SHAPES[shapeName];
    batches[shapeName] ??= makeBatch(shape);
    const batch = batches[shapeName];
    const names = Object.keys(factories);
    const perRound = [];
    // Round -1 is an untimed warm-up (JIT, lazy module loading, first allocations) of every variant.
    for (let round = -1; round < rounds; round++) {
      const row = {};
      for (const name of rotation(names, round + 1)) {
        if (failures[name]) continue;
        try {
          const v = await instance(name, shape.records);
          row[name] = (await timeRuns(v.run, batch, round < 0 ? { minIters: 3, minMs: 0, warmup: 0 } : timing)).msPerCall;
        } catch (err) {
          failures[name] = String(err?.stack ?? err).slice(0, 600);
        }
      }
      if (round >= 0) perRound.push(row);
    }
    return { shape: shapeName, dataBytes: batchDataBytes(batch), records: batch.length, perRound, failures: { ...failures } };
  }

  /**
   * put() of `count` clickstream events against JSON.stringify + push, per round: ns/event of the whole
   * loop, and the p99 of individually timed calls (limited by `timerResolutionNs`). The whole-loop
   * figures of the floor and ours are taken in alternating chunks of `ENQUEUE_CHUNK` events (which of
   * the two goes first alternates too), so that a garbage collection or a load change during a round
   * falls on both alike rather than on whichever loop happened to run then.
   */
  async function enqueue(rounds, count) {
    const events = makeEvents(count);
    const perRound = [];
    let producer;
    if (env.glue) {
      producer = await env.glue.Producer.create(
        benchProducerConfig(env.endpoint, { maxBufferedRecords: count * 2, maxBufferedBytes: 64 * 1024 * 1024 }),
      );
    }
    const chunk = {
      floor: (queue, from, to) => {
        const t0 = nowNs();
        for (let i = from; i < to; i++) queue.push(JSON.stringify(events[i]));
        return nowNs() - t0;
      },
      ours: (_queue, from, to) => {
        const t0 = nowNs();
        for (let i = from; i < to; i++) producer.put(events[i]);
        return nowNs() - t0;
      },
    };
    /** ns/event of each of `names` over all events, their chunks interleaved. */
    const wholeLoops = (names) => {
      const totals = Object.fromEntries(names.map((name) => [name, 0]));
      const queue = [];
      for (let from = 0, k = 0; from < events.length; from += ENQUEUE_CHUNK, k++) {
        const to = Math.min(from + ENQUEUE_CHUNK, events.length);
        for (const name of rotation(names, k)) totals[name] += chunk[name](queue, from, to);
      }
      return Object.fromEntries(names.map((name) => [name, totals[name] / events.length]));
    };
    const each = {
      floor: () => {
        const queue = [];
        const lat = new Float64Array(events.length);
        for (let i = 0; i < events.length; i++) {
          const t0 = nowNs();
          queue.push(JSON.stringify(events[i]));
          lat[i] = nowNs() - t0;
        }
        return percentile(lat, 99);
      },
      ours: () => {
        const lat = new Float64Array(events.length);
        for (let i = 0; i < events.length; i++) {
          const t0 = nowNs();
          producer.put(events[i]);
          lat[i] = nowNs() - t0;
        }
        return percentile(lat, 99);
      },
    };
    const names = producer ? ['floor', 'ours'] : ['floor'];
    // Untimed warm-up of both loops.
    wholeLoops(names);
    if (producer) await producer.flush();
    for (let round = 0; round < rounds; round++) {
      const row = {};
      const whole = wholeLoops(rotation(names, round));
      if (producer) await producer.flush();
      for (const name of rotation(names, round)) {
        row[`${name}NsPerEvent`] = whole[name];
        row[`${name}P99Ns`] = each[name]();
        if (producer) await producer.flush();
      }
      perRound.push(row);
    }
    if (producer) await producer.close();
    return { count, eventBytes: JSON.stringify(events[0]).length, timerResolutionNs, perRound };
  }

  async function close() {
    for (const v of instances.values()) await v.close?.();
  }

  return { throughput, enqueue, close };
}
