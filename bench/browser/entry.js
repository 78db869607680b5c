// The bench page's script (bundled by esbuild for the browser): the same suite as Node over the browser
// builds of every variant, plus the sustained-load run of the main-thread section.
import * as sdk from '../variants/sdk.mjs';
import * as aws4fetch from '../variants/aws4fetch.mjs';
import * as floor from '../variants/floor-web.mjs';
import * as ours from '../variants/ours.mjs';
import { createSuite } from '../lib/suite.mjs';
import { makeEvents } from '../lib/workload.mjs';

const GLUE_URL = '/pkg/kinesis_clickstream.js';

async function loadOurs() {
  const glue = await import(/* @vite-ignore */ GLUE_URL);
  await glue.default();
  return glue;
}

let suite;

/** Loads the variants (ours only when `withOurs`) against `endpoint`; resolves crossOriginIsolated. */
async function setup({ endpoint, withOurs }) {
  const glue = withOurs ? await loadOurs() : undefined;
  const factories = {
    ...(glue ? { ours: ours.create, 'ours/in-page fetch': ours.createWithInPageFetch } : {}),
    sdk: sdk.create,
    aws4fetch: aws4fetch.create,
    floor: floor.create,
    'floor+fetch': (env) => floor.create({ ...env, send: true }),
  };
  suite = createSuite({
    factories,
    env: { endpoint, glue },
    nowNs: () => performance.now() * 1e6,
    timerResolutionNs: crossOriginIsolated ? 5000 : 100000,
  });
  return { crossOriginIsolated, userAgent: navigator.userAgent };
}

let sustained;

/**
 * Prepares a sustained run: the events, and the producer ("ours", its wasm loaded and created now so
 * start-up is not counted), the floor (JSON.stringify + push) or "none" (the generator alone).
 */
async function prepareSustain({ endpoint, variant, rate, seconds }) {
  const events = makeEvents(Math.ceil(rate * seconds) + 1);
  let producer;
  let put;
  if (variant === 'ours') {
    const glue = await loadOurs();
    producer = await glue.Producer.create(ours.defaultProducerConfig(endpoint));
    put = (e) => producer.put(e);
  } else if (variant === 'floor') {
    let queue = [];
    put = (e) => {
      queue.push(JSON.stringify(e));
      if (queue.length >= 500) queue = [];
    };
  } else {
    put = () => {};
  }
  sustained = { events, producer, put, rate, seconds };
}

/**
 * Puts `rate` events/s for `seconds` from a 10 ms interval (catching up to the schedule on late ticks).
 * Long tasks (>= 50 ms) are collected with a PerformanceObserver. Resolves once the producer is closed.
 */
async function runSustain() {
  const { events, producer, put, rate, seconds } = sustained;
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  observer.observe({ type: 'longtask' });
  let next = 0;
  const start = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(events.length, Math.floor(((performance.now() - start) / 1000) * rate));
      while (next < due) put(events[next++]);
      if (performance.now() - start >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const wallMs = performance.now() - start;
  const stats = producer ? producer.stats() : undefined;
  if (producer) await producer.close();
  await new Promise((r) => setTimeout(r, 20));
  observer.disconnect();
  return { eventsPut: next, wallMs, longTasks, stats };
}

window.bench = {
  setup,
  prepareSustain,
  runSustain,
  throughput: (shape, rounds, timing) => suite.throughput(shape, rounds, timing),
  enqueue: (rounds, count) => suite.enqueue(rounds, count),
};
window.benchReady = true;
