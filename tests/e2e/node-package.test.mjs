// The built package (pkg/, the wasm-pack `web` build loaded with initSync) in Node 20, against
// kinesalite directly and through the fault proxy; every record is read back and compared byte for byte.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { startStandins } from '../support/standins.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';
import { startMoto, setupMoto, setMotoAuth, postAwsJson } from '../support/moto.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const credentials = { accessKeyId: 'ASIALOCALTEST', secretAccessKey: 'local-secret', sessionToken: 'local-token' };
let standins;
let Producer;
const created = [];

/** Producer.create, remembering the producer so after() can close every one (no timer outlives the file). */
async function create(options) {
  const producer = await Producer.create(options);
  created.push(producer);
  return producer;
}

before(async () => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const glue = await import(new URL('../../pkg/kinesis_clickstream.js', import.meta.url));
  glue.initSync({ module: readFileSync(new URL('../../pkg/kinesis_clickstream_bg.wasm', import.meta.url)) });
  Producer = glue.Producer;
  standins = await startStandins({ shards: 4, streams: ['node-direct'] });
});

after(async () => {
  for (const producer of created) await producer.close();
  await standins?.stop();
});

let streamCount = 0;
async function freshStream(shards = 4) {
  const name = `node-${++streamCount}`;
  await standins.kinesalite.createStream(name, shards);
  return name;
}

function config(streamName, endpoint, extra = {}) {
  return { streamName, region: 'us-east-1', endpoint, credentials, logLevel: 'silent', ...extra };
}

function activeTimeouts() {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

test('strings, bytes, ArrayBuffers and objects arrive byte for byte; flush reports them sent', async () => {
  const streamName = await freshStream();
  const producer = await create(config(streamName, standins.kinesaliteUrl));
  const expected = [];
  const ids = new Set();
  for (let i = 0; i < 120; i++) {
    const partitionKey = `user-${i % 7}`;
    let data;
    let bytes;
    switch (i % 4) {
      case 0: data = `event ${i} ✓ "quoted" \u2028`; bytes = new TextEncoder().encode(data); break;
      case 1: data = new Uint8Array(randomBytes(1 + (i * 37) % 3000)); bytes = data; break;
      case 2: bytes = new Uint8Array(randomBytes(64)); data = bytes.buffer.slice(0); break;
      default: data = { i, nested: { ok: true }, text: 'ü' }; bytes = new TextEncoder().encode(JSON.stringify(data));
    }
    ids.add(producer.put(data, { partitionKey }));
    expected.push({ partitionKey, data: bytes });
  }
  assert.equal(ids.size, 120, 'every put returns a distinct id');
  const report = await producer.flush();
  assert.deepEqual({ sent: report.sent, failed: report.failed, pending: report.pending }, { sent: 120, failed: 0, pending: 0 });
  assertSameRecords(expected, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
  const stats = producer.stats();
  assert.equal(stats.sent, 120);
  assert.equal(stats.buffered, 0);
  assert.equal(stats.inFlight, 0);
  await producer.close();
});

test('partial failures and throttling through the fault proxy are retried until every record lands once', async () => {
  const streamName = await freshStream();
  await standins.proxy.reset();
  await standins.proxy.configure({
    seed: 7,
    rules: [
      { fault: 'partial', fraction: 0.3, errorCode: 'mixed', times: 6 },
      { fault: 'error', status: 400, type: 'ProvisionedThroughputExceededException', times: 1 },
      { fault: 'error', status: 500, times: 1 },
    ],
  });
  const producer = await create(config(streamName, standins.faultProxyUrl, {
    maxBatchRecords: 50, retryBaseMs: 1, retryMaxMs: 20,
  }));
  const expected = [];
  for (let i = 0; i < 400; i++) {
    const partitionKey = `k${i % 13}`;
    const data = new Uint8Array(randomBytes(10 + (i % 90)));
    producer.put(data, { partitionKey });
    expected.push({ partitionKey, data });
  }
  const report = await producer.flush();
  assert.equal(report.sent, 400);
  assert.equal(report.failed, 0);
  assert.ok(report.retried > 0, `some records were retried: ${JSON.stringify(report)}`);
  assertSameRecords(expected, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
  await producer.close();
  await standins.proxy.reset();
});

test('bad config values reject with InvalidConfig naming the option', async () => {
  const table = [
    [{ streamName: 's', credentials }, 'region'],
    [{ region: 'us-east-1', credentials }, 'streamName'],
    [{ streamName: 's', region: 'us-east-1' }, 'credentials'],
    [{ streamName: 's', region: 'us-east-1', credentials, flushIntervalMs: -5 }, 'flushIntervalMs'],
    [{ streamName: 's', region: 'us-east-1', credentials, maxBatchRecords: 501 }, 'maxBatchRecords'],
    [{ streamName: 's', region: 'us-east-1', credentials, maxBatchBytes: 5242881 }, 'maxBatchBytes'],
    [{ streamName: 's', region: 'us-east-1', credentials, maxInFlight: 0 }, 'maxInFlight'],
    [{ streamName: 's', region: 'us-east-1', credentials, maxAttempts: 2 ** 40 }, 'maxAttempts'],
    [{ streamName: 's', region: 'us-east-1', credentials, recordTtlMs: 0.5 }, 'recordTtlMs'],
    [{ streamName: 's', region: 'us-east-1', credentials, flushIntervallMs: 5 }, 'flushIntervallMs'],
    [{ streamName: 'bad name!', region: 'us-east-1', credentials }, 'streamName'],
  ];
  for (const [bad, option] of table) {
    await assert.rejects(Producer.create(bad), (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.code, 'InvalidConfig', `${JSON.stringify(bad)}: ${error.message}`);
      assert.match(error.message, new RegExp(option));
      return true;
    });
  }
  await assert.rejects(
    Producer.create({ streamName: 's', region: 'us-east-1', credentials: { accessKeyId: '', secretAccessKey: 'x' } }),
    (error) => error.code === 'InvalidCredentials' && /accessKeyId/.test(error.message),
  );
});

test('bad put input throws its code and the producer keeps working', async () => {
  const streamName = await freshStream(1);
  const producer = await create(config(streamName, standins.kinesaliteUrl, { maxBufferedRecords: 3 }));
  const table = [
    [() => producer.put('x', { partitionKey: '' }), 'InvalidPartitionKey', /256/],
    [() => producer.put('x', { partitionKey: 'é'.repeat(257) }), 'InvalidPartitionKey', /257/],
    [() => producer.put('x', { partitionKey: 42 }), 'InvalidPartitionKey', /partitionKey/],
    [() => producer.put('x', { partitionKey: 'k', explicitHashKey: '-1' }), 'InvalidExplicitHashKey', /explicitHashKey|ExplicitHashKey/],
    [() => producer.put('x', { partitionKey: 'k', explicitHashKey: (2n ** 128n).toString() }), 'InvalidExplicitHashKey', /340282366920938463463374607431768211456/],
    [() => producer.put(new Uint8Array(1048576), { partitionKey: 'k' }), 'RecordTooLarge', /1048576/],
    [() => producer.put(undefined), 'InvalidData', /data/],
    [() => producer.put(() => 1), 'InvalidData', /data/],
    [() => producer.put({ big: 1n }), 'InvalidData', /JSON/],
    [() => producer.put('x', { partitionKey: 'k', shard: 1 }), 'InvalidData', /shard/],
    [() => producer.track(''), 'InvalidData', /track name/],
    [() => producer.track('click', [1]), 'InvalidData', /attributes/],
  ];
  for (const [call, code, message] of table) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.code, code, `${call}: ${error.message}`);
      assert.match(error.message, message);
      return true;
    });
  }
  // Exactly 1 MiB of key plus data is accepted.
  producer.put(new Uint8Array(1048575), { partitionKey: 'k' });
  producer.put('second', { partitionKey: 'k' });
  producer.put('third', { partitionKey: 'k' });
  assert.throws(() => producer.put('fourth', { partitionKey: 'k' }), (error) => error.code === 'BufferFull');
  const report = await producer.flush();
  assert.equal(report.sent, 3);
  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
  assert.deepEqual(read.map((r) => r.data.length), [1048575, 6, 5]);
  assert.equal(producer.stats().failed, 0);
  await producer.close();
});

test('track() puts the clickstream envelope, without page context in Node', async () => {
  const streamName = await freshStream(1);
  const producer = await create(config(streamName, standins.kinesaliteUrl));
  const first = producer.track('view', { path: '/a' });
  const second = producer.track('click', { elementId: 'buy' });
  await producer.flush();
  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
  const events = read.map((r) => JSON.parse(new TextDecoder().decode(r.data)));
  assert.deepEqual(events.map((e) => [e.id, e.name, e.seq]), [[first, 'view', 0], [second, 'click', 1]]);
  assert.equal(events[0].sessionId, events[1].sessionId);
  assert.equal(read[0].partitionKey, events[0].sessionId, 'the default partition key is the session id');
  assert.deepEqual(events[1].attributes, { elementId: 'buy' });
  assert.ok(!Number.isNaN(Date.parse(events[0].ts)));
  assert.equal(events[0].page, undefined);
  await producer.close();
});

test('close() flushes, then put throws Closed and no timer is left behind', async () => {
  const streamName = await freshStream(1);
  const before = activeTimeouts();
  const producer = await create(config(streamName, standins.kinesaliteUrl, { flushIntervalMs: 60000 }));
  producer.put('waiting for the interval', { partitionKey: 'k' });
  const report = await producer.close();
  assert.equal(report.sent, 1);
  assert.throws(() => producer.put('late', { partitionKey: 'k' }), (error) => error.code === 'Closed');
  assert.deepEqual(await producer.close(), { sent: 0, failed: 0, retried: 0, dropped: 0, pending: 0 }, 'a second close() resolves at once');
  assert.equal((await producer.flush()).pending, 0);
  assert.equal(activeTimeouts(), before, 'no setTimeout left pending after close()');
  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
  assert.equal(read.length, 1);
});

test('a provider function is called again after ExpiredTokenException and the records go through', async () => {
  const streamName = await freshStream(1);
  await standins.proxy.reset();
  await standins.proxy.configure({ expiredTokens: ['token-1'] });
  let calls = 0;
  const provider = async () => {
    calls += 1;
    return { ...credentials, sessionToken: `token-${calls}`, expiration: new Date(Date.now() + 3600_000) };
  };
  const producer = await create(config(streamName, standins.faultProxyUrl, { credentials: provider }));
  producer.put('needs a fresh token', { partitionKey: 'k' });
  const report = await producer.flush();
  assert.equal(report.sent, 1, JSON.stringify(report));
  assert.equal(calls, 2, 'one call at start, one after the expired token');
  const log = await (await fetch(`${standins.faultProxyUrl}/__log`)).json();
  assert.deepEqual(log.map((entry) => entry.fault), ['expired-token', null], JSON.stringify(log));
  await producer.close();
  await standins.proxy.reset();
});

test('a signature rejected for clock skew is corrected from the Date header and resent', async () => {
  const streamName = await freshStream(1);
  await standins.proxy.reset();
  await standins.proxy.configure({ clockOffsetMs: 15 * 60_000 });
  const producer = await create(config(streamName, standins.faultProxyUrl));
  producer.put('signed with a skewed clock', { partitionKey: 'k' });
  const report = await producer.flush();
  assert.equal(report.sent, 1, JSON.stringify(report));
  const log = await (await fetch(`${standins.faultProxyUrl}/__log`)).json();
  assert.deepEqual(log.map((entry) => entry.fault), ['clock-skew', null], JSON.stringify(log));
  const offset = producer.stats().clockOffsetMs;
  assert.ok(Math.abs(offset - 15 * 60_000) < 5_000, `clock offset ${offset} ms`);
  await producer.close();
  await standins.proxy.reset();
});

test('fixed credentials that expire stop sending with one CredentialsError; flush still resolves', async () => {
  const streamName = await freshStream(1);
  const errors = [];
  const producer = await create(config(streamName, standins.kinesaliteUrl, {
    credentials: { ...credentials, expiration: Date.now() + 300 },
    onError: (error) => errors.push(error),
  }));
  await new Promise((resolve) => setTimeout(resolve, 400));
  producer.put('too late', { partitionKey: 'k' });
  const report = await producer.flush();
  assert.deepEqual({ sent: report.sent, pending: report.pending }, { sent: 0, pending: 1 });
  assert.deepEqual(errors.map((e) => e.code), ['CredentialsError']);
  assert.equal(producer.stats().buffered, 1, 'the record is kept, not dropped');
  const closing = await producer.close();
  assert.equal(closing.pending, 1);
});

describe('against moto (Cognito identity pool, SigV4 verified with IAM auth on)', () => {
  let moto;
  let setup;

  before(async () => {
    moto = await startMoto();
    setup = await setupMoto(moto.url);
  });

  after(async () => {
    await moto?.stop();
  });

  async function readMotoStream() {
    // Unsigned, with IAM auth off; moto routes by the credential scope's service name.
    const headers = {
      'Content-Type': 'application/x-amz-json-1.1',
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${setup.region}/kinesis/aws4_request, SignedHeaders=host, Signature=00`,
    };
    const call = (operation, body) =>
      postAwsJson(moto.url, { ...headers, 'X-Amz-Target': `Kinesis_20131202.${operation}` }, JSON.stringify(body));
    const shards = (await call('ListShards', { StreamName: setup.streamName })).json.Shards;
    const records = [];
    for (const shard of shards) {
      let iterator = (await call('GetShardIterator', {
        StreamName: setup.streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON',
      })).json.ShardIterator;
      for (;;) {
        const page = (await call('GetRecords', { ShardIterator: iterator })).json;
        for (const r of page.Records) {
          records.push({ partitionKey: r.PartitionKey, data: Buffer.from(r.Data, 'base64').toString('utf8') });
        }
        if (page.Records.length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  test('Cognito credentials fetched over fetch sign requests moto accepts', async () => {
    const producer = await create({
      streamName: setup.streamName,
      region: setup.region,
      endpoint: moto.url,
      credentials: { cognitoIdentityPoolId: setup.identityPoolId, cognitoEndpoint: `${moto.url}/` },
      logLevel: 'silent',
    });
    producer.put('via cognito 1', { partitionKey: 'cognito' });
    producer.put('via cognito 2', { partitionKey: 'cognito' });
    const report = await producer.flush();
    assert.equal(report.sent, 2, JSON.stringify(report));
    await producer.close();
    const read = (await readMotoStream()).filter((r) => r.partitionKey === 'cognito');
    assert.deepEqual(read.map((r) => r.data), ['via cognito 1', 'via cognito 2']);
  });

  test('with IAM auth on, STS temporary credentials are accepted and a wrong secret pauses with the AWS error', async () => {
    await setMotoAuth(moto.url, true);
    try {
      const good = await create({
        streamName: setup.streamName, region: setup.region, endpoint: moto.url,
        credentials: setup.temporaryCredentials, logLevel: 'silent',
      });
      good.put('verified by moto', { partitionKey: 'signed' });
      const report = await good.flush();
      assert.equal(report.sent, 1, JSON.stringify(report));
      await good.close();

      const errors = [];
      const bad = await create({
        streamName: setup.streamName, region: setup.region, endpoint: moto.url,
        credentials: { ...setup.temporaryCredentials, secretAccessKey: 'wrong-secret' },
        logLevel: 'silent', onError: (error) => errors.push(error),
      });
      bad.put('rejected by moto', { partitionKey: 'signed' });
      const rejected = await bad.flush();
      assert.deepEqual({ sent: rejected.sent, pending: rejected.pending }, { sent: 0, pending: 1 });
      assert.equal(errors.length, 1, errors.map((e) => e.message).join('; '));
      assert.equal(errors[0].code, 'ServiceError', errors[0].message);
      // moto answers a bad signature with 403 and an XML body (Kinesis itself sends JSON with __type).
      assert.equal(errors[0].awsError, 'SignatureDoesNotMatch', errors[0].message);
      assert.equal(bad.stats().paused, true);
      // close() ends the pause's probe timer, so nothing keeps Node running.
      const closing = await bad.close();
      assert.equal(closing.pending, 1);
    } finally {
      await setMotoAuth(moto.url, false);
    }
    const read = (await readMotoStream()).filter((r) => r.partitionKey === 'signed');
    assert.deepEqual(read.map((r) => r.data), ['verified by moto']);
  });
});
