// The short form of the reliability suite (the long form is `make soak`, which writes RELIABILITY.md):
// a subset of tests/reliability/scenarios.mjs at 10,000 events from Node and from Chromium, every
// record read back and counted by event id, and the memory bound at 200,000 puts against a stalled
// endpoint. Also proves the fault proxy's stall-after-forwarding rule the duplicate counts rely on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startStandins } from '../support/standins.mjs';
import { localKinesisClient } from '../support/kinesalite.mjs';
import { readAllRecords } from '../support/readback.mjs';
import { scenarios, SHORT_SCENARIOS } from '../reliability/scenarios.mjs';
import { runInNode, runInChromium, startChromium, loadPackage, countDelivery } from '../reliability/run.mjs';
import { runMemoryBound } from '../reliability/memory.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EVENTS = 10_000;
const MEMORY_EVENTS = 200_000;
const byName = new Map(scenarios('short').map((s) => [s.name, s]));
const log = (message) => console.log(`# ${message}`);

before(() => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
});

test('countDelivery counts delivered, lost, duplicated and foreign ids', () => {
  const record = (id) => ({ data: new TextEncoder().encode(JSON.stringify({ id })) });
  const records = [record('r-0'), record('r-0'), record('r-2'), record('other-1'), { data: new Uint8Array([1]) }, record('r-9')];
  assert.deepEqual(countDelivery(records, 'r', 4), { delivered: 2, lost: 2, duplicated: 1, foreign: 3, read: 6 });
});

test('a stall after forwarding stores the records, then answers late; a client that gave up resends a duplicate', async () => {
  const standins = await startStandins({ shards: 1, streams: ['stall-after'] });
  try {
    standins.proxy.configure({ rules: [{ fault: 'stall', ms: 1500, after: true, times: 1 }] });
    const impatient = localKinesisClient(standins.faultProxyUrl, { requestTimeoutMs: 200, maxAttempts: 1 });
    const put = () => impatient.send(new PutRecordsCommand({
      StreamName: 'stall-after', Records: [{ Data: new TextEncoder().encode('{"id":"s-0"}'), PartitionKey: 'k' }],
    }));
    await assert.rejects(put(), (error) => error.name === 'TimeoutError');
    assert.equal((await put()).FailedRecordCount, 0);
    impatient.destroy();
    const records = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: 'stall-after' });
    assert.deepEqual(countDelivery(records, 's', 1), { delivered: 1, lost: 0, duplicated: 1, foreign: 0, read: 2 });
    // The stalled request is logged when its stall ends, after the resend.
    for (let i = 0; i < 100 && standins.proxy.log().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(standins.proxy.log().map((e) => [e.fault, e.status]), [[null, 200], ['stall-after:1500', null]]);
  } finally {
    await standins.stop();
  }
});

function checkRun(row, { duplicatesAllowed }) {
  log(JSON.stringify(row));
  assert.equal(row.lost, 0, `${row.runtime} ${row.scenario}: ${row.lost} events lost`);
  assert.equal(row.foreign, 0, `${row.runtime} ${row.scenario}: records of another run read back`);
  assert.equal(row.delivered, row.events);
  if (!duplicatesAllowed) assert.equal(row.duplicated, 0, `${row.runtime} ${row.scenario}: duplicates without an ambiguous request`);
  assert.equal(row.failed, 0, `${row.runtime} ${row.scenario}: the producer gave up on records`);
}

for (const name of SHORT_SCENARIOS) {
  const scenario = byName.get(name);
  test(`node: ${name} at ${EVENTS} events loses nothing`, async () => {
    const row = await runInNode(scenario, EVENTS, { log });
    checkRun(row, { duplicatesAllowed: name !== 'partial-failures-30pct' });
    if (scenario.rules.length > 0) assert.ok(row.retries > 0, 'the faults caused retries');
    if (scenario.tokenLifetimeMs) assert.ok(row.refreshes > 1, 'credentials were refreshed');
  });
}

test(`chromium: partial-failures-30pct at ${EVENTS} events loses nothing`, async () => {
  const chromium = await startChromium();
  try {
    const row = await runInChromium(chromium, byName.get('partial-failures-30pct'), EVENTS, { log });
    checkRun(row, { duplicatesAllowed: false });
    assert.ok(row.retries > 0);
  } finally {
    await chromium.stop();
  }
});

test('node: with a credentials provider that always fails, onError hears it once and flush() settles once the records expire', { timeout: 30_000 }, async () => {
  const { Producer } = await loadPackage();
  const errors = [];
  let calls = 0;
  const producer = await Producer.create({
    streamName: 'unreachable',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: async () => {
      calls += 1;
      throw new Error('the identity provider is down');
    },
    recordTtlMs: 1000,
    logLevel: 'silent',
    onError: (error) => errors.push(error.code),
  });
  producer.put('{"id":"c-0"}', { partitionKey: 'k' });
  const report = await producer.flush();
  assert.equal(report.sent, 0);
  assert.equal(report.failed, 1);
  assert.ok(calls >= 1, 'the provider was asked');
  assert.ok(errors.includes('RecordExpired'), `onError saw ${errors}`);
  assert.equal(errors.filter((code) => code === 'CredentialsError').length, 1, `one CredentialsError per outage: ${errors}`);
  assert.equal(producer.stats().requests, 0, 'nothing was sent unsigned');
  await producer.close();
});

test(`memory: ${MEMORY_EVENTS} puts against a stalled endpoint stay within the bound, drops counted and reported`, async () => {
  const standins = await startStandins({ shards: 2, streams: ['memory'] });
  try {
    const result = await runMemoryBound({
      ...(await loadPackage()), proxyUrl: standins.faultProxyUrl, streamName: 'memory', events: MEMORY_EVENTS, log,
    });
    log(JSON.stringify(result));
    assert.ok(result.peakHeldRecords <= result.maxBufferedRecords, 'held records within maxBufferedRecords');
    assert.ok(result.peakHeldBytes <= result.maxBufferedBytes, 'held bytes within maxBufferedBytes');
    assert.ok(result.droppedStats > 0, 'the overflow dropped events');
    assert.equal(result.droppedReported, result.droppedStats, 'every drop reported to onError with its id');
    assert.equal(result.accounted, MEMORY_EVENTS, 'every put delivered, dropped or rejected');
    assert.ok(result.peakWasmBytes <= result.wasmBoundBytes, `wasm memory ${result.peakWasmBytes} within ${result.wasmBoundBytes}`);
    assert.deepEqual(result.otherErrors, []);
  } finally {
    await standins.stop();
  }
});
