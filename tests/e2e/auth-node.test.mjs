// Signing time and credential lifetime, end to end in Node 20 with the built package (pkg/): the fault
// proxy's clock 15 minutes ahead of and behind the local one, and credentials that expire within
// seconds while records keep coming. Every record is read back from kinesalite byte for byte.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { startKinesalite } from '../support/kinesalite.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIFTEEN_MINUTES_MS = 15 * 60_000;
// A Date header has one-second resolution and the round trip adds to the estimate's uncertainty.
const OFFSET_TOLERANCE_MS = 5_000;

let Producer;
let kinesalite;
const proxies = [];
const producers = [];

before(async () => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const glue = await import(new URL('../../pkg/kinesis_clickstream.js', import.meta.url));
  glue.initSync({ module: readFileSync(new URL('../../pkg/kinesis_clickstream_bg.wasm', import.meta.url)) });
  Producer = glue.Producer;
  kinesalite = await startKinesalite({ shards: 1, streams: [] });
});

after(async () => {
  await Promise.allSettled(producers.map((producer) => producer.close()));
  await Promise.allSettled(proxies.map((proxy) => proxy.stop()));
  await kinesalite?.stop();
});

/** A fresh stream and a fault proxy of its own in front of kinesalite (so logs do not mix). */
let streamCount = 0;
async function freshSetup(faults = {}, shards = 2) {
  const streamName = `auth-node-${++streamCount}`;
  await kinesalite.createStream(streamName, shards);
  const proxy = await startFaultProxy({ target: kinesalite.url, ...faults });
  proxies.push(proxy);
  return { streamName, proxy };
}

async function create(options) {
  const producer = await Producer.create({ region: 'us-east-1', logLevel: 'silent', ...options });
  producers.push(producer);
  return producer;
}

const postsOf = (proxy) => proxy.log().filter((entry) => entry.method === 'POST');

function putRandom(producer, expected, count, prefix) {
  for (let i = 0; i < count; i++) {
    const partitionKey = `${prefix}-${i % 5}`;
    const data = new Uint8Array(randomBytes(1 + ((i * 53) % 700)));
    producer.put(data, { partitionKey });
    expected.push({ partitionKey, data });
  }
}

for (const [direction, offsetMs] of [
  ['ahead of', FIFTEEN_MINUTES_MS],
  ['behind', -FIFTEEN_MINUTES_MS],
]) {
  test(`service clock 15 minutes ${direction} the local one: one rejection, offset learned, every record delivered`, async () => {
    const { streamName, proxy } = await freshSetup({ clockOffsetMs: offsetMs });
    const errors = [];
    const producer = await create({
      streamName,
      endpoint: proxy.url,
      credentials: { accessKeyId: 'ASIASKEWTEST', secretAccessKey: 'secret', sessionToken: 'token' },
      onError: (error) => errors.push(error),
    });
    assert.equal(producer.stats().clockOffsetMs, 0, 'nothing is known before the first response');
    const expected = [];
    putRandom(producer, expected, 40, 'skew');
    const first = await producer.flush();
    assert.deepEqual({ sent: first.sent, failed: first.failed, pending: first.pending }, { sent: 40, failed: 0, pending: 0 });
    const offset = producer.stats().clockOffsetMs;
    assert.ok(Math.abs(offset - offsetMs) < OFFSET_TOLERANCE_MS, `learned offset ${offset} ms, expected ≈ ${offsetMs}`);

    // Later batches are signed with the learned offset from the start.
    putRandom(producer, expected, 25, 'skew-later');
    const second = await producer.flush();
    assert.equal(second.sent, 25, JSON.stringify(second));

    const faults = postsOf(proxy).map((entry) => entry.fault);
    assert.equal(faults[0], 'clock-skew', JSON.stringify(faults));
    assert.deepEqual(faults.slice(1).filter((fault) => fault !== null), [], `only the first request was rejected: ${JSON.stringify(faults)}`);
    assert.deepEqual(errors.map((e) => e.message), [], 'a skew correction is not reported as an error');
    assert.equal(producer.stats().retried, 40, 'the rejected batch was resent once');
    assertSameRecords(expected, await readAllRecords({ endpoint: kinesalite.url, streamName }));
    await producer.close();
  });
}

describe('credentials that expire within seconds while putting', { concurrency: true }, () => {
  const LIFETIME_MS = 4_000;
  const PUTTING_MS = 11_000;

  /** A provider whose credentials live LIFETIME_MS; the proxy rejects the token once past `exp=`. */
  function shortLivedProvider({ announceExpiration }) {
    const calls = [];
    const provider = async () => {
      const expiresAt = Date.now() + LIFETIME_MS;
      calls.push(Date.now());
      return {
        accessKeyId: `ASIAEXPIRY${calls.length}`,
        secretAccessKey: 'secret',
        sessionToken: `short-lived-${calls.length};exp=${expiresAt}`,
        ...(announceExpiration ? { expiration: new Date(expiresAt) } : {}),
      };
    };
    return { provider, calls };
  }

  /** Puts a record every 40 ms for PUTTING_MS, then flushes; resolves with what was put. */
  async function putWhileExpiring(producer, prefix) {
    const expected = [];
    const started = Date.now();
    let i = 0;
    while (Date.now() - started < PUTTING_MS) {
      const partitionKey = `${prefix}-${i % 3}`;
      const data = `${prefix} record ${i} ✓ ${'x'.repeat(i % 40)}`;
      producer.put(data, { partitionKey });
      expected.push({ partitionKey, data });
      i += 1;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const report = await producer.flush();
    return { expected, report };
  }

  test('with an expiration: refreshed before expiry, nothing lost', async (t) => {
    const { streamName, proxy } = await freshSetup({}, 1);
    const { provider, calls } = shortLivedProvider({ announceExpiration: true });
    const producer = await create({ streamName, endpoint: proxy.url, credentials: provider, flushIntervalMs: 200 });
    const { expected, report } = await putWhileExpiring(producer, 'announced');
    assert.equal(report.failed, 0, JSON.stringify(report));
    assert.equal(report.pending, 0, JSON.stringify(report));
    // Credentials with less than the 5-minute margin left are refreshed halfway to expiry.
    assert.ok(calls.length >= PUTTING_MS / LIFETIME_MS + 1, `provider called ${calls.length} times`);
    const gaps = calls.slice(1).map((at, i) => at - calls[i]);
    assert.ok(gaps.every((gap) => gap < LIFETIME_MS), `each refresh came before the previous credentials expired: gaps ${gaps}`);
    const expiredRejections = postsOf(proxy).filter((entry) => entry.fault === 'expired-token').length;
    t.diagnostic(`${expected.length} records, ${calls.length} provider calls, ${expiredRejections} expired-token rejections`);
    assert.ok(expiredRejections <= 1, `${expiredRejections} requests were rejected as expired`);
    assertSameRecords(expected, await readAllRecords({ endpoint: kinesalite.url, streamName }));
    await producer.close();
  });

  test('without an expiration: called again after ExpiredTokenException, nothing lost', async (t) => {
    const { streamName, proxy } = await freshSetup({}, 1);
    const { provider, calls } = shortLivedProvider({ announceExpiration: false });
    const producer = await create({ streamName, endpoint: proxy.url, credentials: provider, flushIntervalMs: 200 });
    const { expected, report } = await putWhileExpiring(producer, 'silent');
    assert.equal(report.failed, 0, JSON.stringify(report));
    assert.equal(report.pending, 0, JSON.stringify(report));
    const expiredRejections = postsOf(proxy).filter((entry) => entry.fault === 'expired-token').length;
    t.diagnostic(`${expected.length} records, ${calls.length} provider calls, ${expiredRejections} expired-token rejections`);
    assert.ok(expiredRejections >= 1, 'the proxy rejected an expired token');
    assert.ok(calls.length >= 2, `provider called ${calls.length} times`);
    assert.ok(calls.length <= expiredRejections + 1, `refreshed only after rejections: ${calls.length} calls, ${expiredRejections} rejections`);
    assertSameRecords(expected, await readAllRecords({ endpoint: kinesalite.url, streamName }));
    await producer.close();
  });
});
