// The measured rounds, identical in Node and in the page; the caller passes the variant factories of its
// platform and a nanosecond clock. Every round runs each variant once, in a rotated order.
import { BATCH_SHAPES, batchDataBytes, makeBatch, makeEvents } from './workload.mjs';
import { percentile, rotation, timeRuns } from './measure.mjs';
import { benchProducerConfig } from '../variants/ours.mjs';

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
   * put() of `count` clickstream events against JSON.stringify + push (the floor) and JSON.stringify +
   * TextEncoder.encodeInto into one buffer (copy), per round: ns/event of the whole
   * loop, and the p99 of individually timed calls (limited by `timerResolutionNs`).
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
    // What any producer that keeps events in wasm memory does at least: the JSON text, then its UTF-8
    // copied into one buffer (the length is what is kept).
    const encoder = new TextEncoder();
    const scratch = new Uint8Array(64 * 1024);
    const loops = {
      copy: () => {
        const queue = [];
        const t0 = nowNs();
        for (let i = 0; i < events.length; i++) queue.push(encoder.encodeInto(JSON.stringify(events[i]), scratch).written);
        return (nowNs() - t0) / events.length;
      },
      copyEach: () => {
        const queue = [];
        const lat = new Float64Array(events.length);
        for (let i = 0; i < events.length; i++) {
          const t0 = nowNs();
          queue.push(encoder.encodeInto(JSON.stringify(events[i]), scratch).written);
          lat[i] = nowNs() - t0;
        }
        return percentile(lat, 99);
      },
      floor: () => {
        const queue = [];
        const t0 = nowNs();
        for (let i = 0; i < events.length; i++) queue.push(JSON.stringify(events[i]));
        return (nowNs() - t0) / events.length;
      },
      floorEach: () => {
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
        const t0 = nowNs();
        for (let i = 0; i < events.length; i++) producer.put(events[i]);
        return (nowNs() - t0) / events.length;
      },
      oursEach: () => {
        const lat = new Float64Array(events.length);
        for (let i = 0; i < events.length; i++) {
          const t0 = nowNs();
          producer.put(events[i]);
          lat[i] = nowNs() - t0;
        }
        return percentile(lat, 99);
      },
    };
    const names = producer ? ['floor', 'copy', 'ours'] : ['floor', 'copy'];
    for (const name of names) {
      loops[name]();
      if (producer) await producer.flush();
    }
    for (let round = 0; round < rounds; round++) {
      const row = {};
      for (const name of rotation(names, round)) {
        row[`${name}NsPerEvent`] = loops[name]();
        if (producer) await producer.flush();
        row[`${name}P99Ns`] = loops[`${name}Each`]();
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
