// The built package inside workerd (through miniflare): a Worker module that creates one producer,
// puts an event on each request and hands `producer.flush()` to `ctx.waitUntil`. Every record must
// reach kinesalite without any other request arriving, read back byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { startStandins } from '../support/standins.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
let standins;
let glueSource;
let wasmBytes;

before(async () => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  glueSource = readFileSync(new URL('../../pkg/kinesis_clickstream.js', import.meta.url), 'utf8');
  wasmBytes = readFileSync(new URL('../../pkg/kinesis_clickstream_bg.wasm', import.meta.url));
  standins = await startStandins({ shards: 2, streams: ['workerd'] });
});

after(async () => {
  await standins?.stop();
});

function worker(config) {
  return `
import { initSync, Producer } from './kinesis_clickstream.js';
import wasm from './kinesis_clickstream_bg.wasm';
initSync({ module: wasm });
let producer;
const reports = [];
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    producer ??= await Producer.create(${JSON.stringify(config)});
    if (url.pathname === '/stats') return Response.json({ stats: producer.stats(), reports });
    const n = url.searchParams.get('n');
    const id = producer.put('event ' + n, { partitionKey: 'worker-' + (n % 3) });
    ctx.waitUntil(producer.flush().then((report) => { reports.push(report); }));
    return new Response(id);
  },
};`;
}

async function withWorker(config, body) {
  const mf = new Miniflare({
    compatibilityDate: '2025-01-01',
    modules: [
      { type: 'ESModule', path: 'worker.mjs', contents: worker(config) },
      { type: 'ESModule', path: 'kinesis_clickstream.js', contents: glueSource },
      { type: 'CompiledWasm', path: 'kinesis_clickstream_bg.wasm', contents: wasmBytes },
    ],
  });
  try {
    await body(mf);
  } finally {
    await mf.dispose();
  }
}

async function readUntil(streamName, count, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
    if (records.length >= count || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runRequests(streamName, endpoint, requests) {
  const expected = [];
  await withWorker({
    streamName,
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'ASIALOCALTEST', secretAccessKey: 'local-secret', sessionToken: 'local-token' },
    flushIntervalMs: 600000,
    retryBaseMs: 1,
    retryMaxMs: 50,
    logLevel: 'error',
  }, async (mf) => {
    const ids = new Set();
    for (let n = 0; n < requests; n++) {
      const response = await mf.dispatchFetch(`http://worker.test/put?n=${n}`);
      assert.equal(response.status, 200, await response.clone().text());
      ids.add(await response.text());
      expected.push({ partitionKey: `worker-${n % 3}`, data: `event ${n}` });
    }
    assert.equal(ids.size, requests);
    const read = await readUntil(streamName, requests);
    assertSameRecords(expected, read);
    let stats;
    let reports;
    // Generous: on 2 busy cores the retried flushes of the fault-proxy run once took longer than 10 s.
    const deadline = Date.now() + 30000;
    do {
      ({ stats, reports } = await (await mf.dispatchFetch('http://worker.test/stats')).json());
    } while (reports.length < requests && Date.now() < deadline && (await new Promise((r) => setTimeout(r, 50)), true));
    assert.equal(stats.sent, requests);
    assert.equal(stats.buffered, 0);
    // Every waitUntil'd flush settled inside its own request (a request the runtime cancelled as
    // hung would never run its .then).
    assert.equal(reports.length, requests, JSON.stringify(reports));
    assert.ok(reports.every((r) => r.pending === 0 && r.failed === 0), JSON.stringify(reports));
  });
}

test('each request puts one event and ctx.waitUntil(producer.flush()) delivers it', async () => {
  await runRequests('workerd', standins.kinesaliteUrl, 20);
});

test('through the fault proxy with partial failures, waitUntil still delivers every record once', async () => {
  await standins.kinesalite.createStream('workerd-faults', 2);
  await standins.proxy.reset();
  await standins.proxy.configure({ seed: 3, rules: [{ fault: 'partial', fraction: 0.5, errorCode: 'mixed', times: 10 }] });
  try {
    await runRequests('workerd-faults', standins.faultProxyUrl, 15);
  } finally {
    await standins.proxy.reset();
  }
});
