// Proves each local AWS stand-in does what the other tiers rely on: kinesalite stores and places records
// like Kinesis, the fault proxy produces each failure as an AWS client sees it, read-back finds every byte.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutRecordsCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { localKinesisClient, LOCAL_CREDENTIALS } from '../support/kinesalite.mjs';
import { startStandins } from '../support/standins.mjs';
import { seededRandom, toAmzDate } from '../support/fault-proxy.mjs';
import {
  readAllRecords, listShards, compareRecords, assertSameRecords, hashKeyOf, shardForHashKey, tailRecords,
} from '../support/readback.mjs';

const STANDINS_CLI = fileURLToPath(new URL('../support/standins.mjs', import.meta.url));
let standins;
let streamCounter = 0;

before(async () => {
  standins = await startStandins({ shards: 4, streams: ['clickstream'] });
});
after(async () => {
  await standins?.stop();
});
beforeEach(() => {
  standins.proxy.reset();
});

/** A fresh ACTIVE stream per test, so read-backs see only that test's records. */
async function freshStream(shards = 4) {
  const name = `stream-${++streamCounter}`;
  await standins.kinesalite.createStream(name, shards);
  return name;
}

function randomRecords(count, random, { maxBytes = 300 } = {}) {
  return Array.from({ length: count }, (_, i) => {
    const size = 1 + Math.floor(random() * maxBytes);
    const data = new Uint8Array(size);
    for (let b = 0; b < size; b++) data[b] = Math.floor(random() * 256);
    return { partitionKey: `user-${i}-${Math.floor(random() * 1e9)}`, data };
  });
}

function putRecords(client, streamName, records) {
  return client.send(new PutRecordsCommand({
    StreamName: streamName,
    Records: records.map((r) => ({
      Data: r.data, PartitionKey: r.partitionKey, ...(r.explicitHashKey ? { ExplicitHashKey: r.explicitHashKey } : {}),
    })),
  }));
}

async function expectAwsError(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('the request succeeded but a fault was configured');
}

test('partial failures: 30% of records fail with the AWS codes, the rest land byte for byte', async () => {
  const streamName = await freshStream();
  standins.proxy.configure({ seed: 7, rules: [{ fault: 'partial', fraction: 0.3, errorCode: 'mixed' }] });
  const client = localKinesisClient(standins.faultProxyUrl);
  const sent = randomRecords(100, seededRandom(11));

  const response = await putRecords(client, streamName, sent);
  client.destroy();

  assert.equal(response.Records.length, sent.length);
  const failedIndices = response.Records.flatMap((r, i) => (r.ErrorCode ? [i] : []));
  assert.equal(response.FailedRecordCount, failedIndices.length);
  assert.equal(failedIndices.length, 30);
  const codes = new Set(failedIndices.map((i) => response.Records[i].ErrorCode));
  assert.deepEqual([...codes].sort(), ['InternalFailure', 'ProvisionedThroughputExceededException']);
  for (const i of failedIndices) {
    assert.ok(response.Records[i].ErrorMessage, `failed entry ${i} has an ErrorMessage`);
    assert.equal(response.Records[i].SequenceNumber, undefined);
  }

  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
  const delivered = sent.filter((_, i) => !response.Records[i].ErrorCode);
  assertSameRecords(delivered, read);
  // Index alignment: each success entry names the shard and sequence number its own record got.
  const bySequence = new Map(read.map((r) => [r.sequenceNumber, r]));
  response.Records.forEach((entry, i) => {
    if (entry.ErrorCode) return;
    const stored = bySequence.get(entry.SequenceNumber);
    assert.equal(stored?.shardId, entry.ShardId);
    assert.equal(stored.partitionKey, sent[i].partitionKey);
    assert.deepEqual(Buffer.from(stored.data), Buffer.from(sent[i].data));
  });
  const [entry] = standins.proxy.log().filter((e) => e.target === 'PutRecords');
  assert.equal(entry.fault, 'partial:30');
  assert.equal(entry.records, 100);
  assert.equal(entry.status, 200);
});

test('partial failures repeat exactly with the same seed, and a fraction of 1 forwards nothing', async () => {
  const streamName = await freshStream();
  const client = localKinesisClient(standins.faultProxyUrl);
  const sent = randomRecords(50, seededRandom(3));
  const failedOnce = async () => {
    standins.proxy.configure({ seed: 99, rules: [{ fault: 'partial', fraction: 0.2, errorCode: 'InternalFailure' }] });
    const response = await putRecords(client, streamName, sent);
    return response.Records.flatMap((r, i) => (r.ErrorCode ? [`${i}:${r.ErrorCode}`] : []));
  };
  const first = await failedOnce();
  const second = await failedOnce();
  assert.equal(first.length, 10);
  assert.deepEqual(second, first);

  const allFail = await freshStream(1);
  standins.proxy.configure({ rules: [{ fault: 'partial', fraction: 1 }] });
  const response = await putRecords(client, allFail, sent.slice(0, 5));
  client.destroy();
  assert.equal(response.FailedRecordCount, 5);
  assert.ok(response.Records.every((r) => r.ErrorCode === 'ProvisionedThroughputExceededException'));
  assert.deepEqual(await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: allFail }), []);
});

for (const { status, type } of [
  { status: 500, type: 'InternalFailure' },
  { status: 503, type: 'ServiceUnavailable' },
  { status: 400, type: 'ProvisionedThroughputExceededException' },
  { status: 400, type: 'ExpiredTokenException' },
]) {
  test(`whole-request ${status} ${type} reaches the client as that AWS error, for the next request only`, async () => {
    const streamName = await freshStream(1);
    standins.proxy.configure({ rules: [{ fault: 'error', status, type, times: 1 }] });
    const client = localKinesisClient(standins.faultProxyUrl);
    const records = randomRecords(3, seededRandom(status));

    const err = await expectAwsError(putRecords(client, streamName, records));
    assert.equal(err.name, type);
    assert.equal(err.$metadata.httpStatusCode, status);
    assert.equal(err.$response?.headers?.['x-amzn-errortype'], type);

    const retried = await putRecords(client, streamName, records);
    client.destroy();
    assert.equal(retried.FailedRecordCount, 0);
    assertSameRecords(records, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
    assert.deepEqual(standins.proxy.log().map((e) => e.status), [status, 200]);
  });
}

test('a fault rule with a rate hits a repeatable share of requests and only its target operation', async () => {
  const streamName = await freshStream(1);
  const client = localKinesisClient(standins.faultProxyUrl);
  const outcomes = async () => {
    standins.proxy.configure({ seed: 5, rules: [{ fault: 'error', status: 500, rate: 0.5 }] });
    const results = [];
    for (let i = 0; i < 20; i++) {
      results.push(await putRecords(client, streamName, randomRecords(1, seededRandom(i))).then(() => 'ok', (e) => e.name));
    }
    return results;
  };
  const first = await outcomes();
  assert.deepEqual(await outcomes(), first);
  const failures = first.filter((r) => r === 'InternalFailure').length;
  assert.ok(failures > 0 && failures < 20, `rate 0.5 failed ${failures} of 20 requests`);
  const listed = await client.send(new ListStreamsCommand({}));
  client.destroy();
  assert.ok(listed.StreamNames.includes(streamName), 'rules aimed at PutRecords leave ListStreams alone');
});

test('expired session tokens: listed ones and ones whose embedded exp= has passed', async () => {
  const streamName = await freshStream(1);
  const withToken = (sessionToken) => localKinesisClient(standins.faultProxyUrl, {
    credentials: { ...LOCAL_CREDENTIALS, sessionToken },
  });
  standins.proxy.configure({ expiredTokens: ['revoked-token'] });
  const records = randomRecords(2, seededRandom(1));

  for (const token of ['revoked-token', `session;exp=${Date.now() - 1000}`]) {
    const client = withToken(token);
    const err = await expectAwsError(putRecords(client, streamName, records));
    client.destroy();
    assert.equal(err.name, 'ExpiredTokenException', token);
    assert.equal(err.$metadata.httpStatusCode, 400);
  }
  const fresh = withToken(`session;exp=${Date.now() + 60_000}`);
  assert.equal((await putRecords(fresh, streamName, records)).FailedRecordCount, 0);
  // The proxy's own clock decides: skewing it an hour ahead expires the same token.
  standins.proxy.configure({ clockOffsetMs: 3_600_000, maxSkewMs: 7_200_000 });
  assert.equal((await expectAwsError(putRecords(fresh, streamName, records))).name, 'ExpiredTokenException');
  fresh.destroy();
  assert.deepEqual(standins.proxy.log().map((e) => e.fault), ['expired-token', 'expired-token', null, 'expired-token']);
});

test('connection reset is a network error with no HTTP status', async () => {
  const streamName = await freshStream(1);
  standins.proxy.configure({ rules: [{ fault: 'reset', times: 1 }] });
  const client = localKinesisClient(standins.faultProxyUrl);
  const err = await expectAwsError(putRecords(client, streamName, randomRecords(1, seededRandom(1))));
  assert.equal(err.$metadata?.httpStatusCode, undefined);
  assert.match(`${err.code} ${err.message}`, /ECONNRESET|socket hang up/);
  assert.equal((await putRecords(client, streamName, randomRecords(1, seededRandom(2)))).FailedRecordCount, 0);
  client.destroy();
  assert.deepEqual(standins.proxy.log().map((e) => [e.fault, e.status]), [['reset', null], [null, 200]]);
});

test('a stall longer than the client timeout is a timeout; a short stall only delays', async () => {
  const streamName = await freshStream(1);
  standins.proxy.configure({ rules: [{ fault: 'stall', ms: 5000, times: 1 }] });
  const impatient = localKinesisClient(standins.faultProxyUrl, { requestTimeoutMs: 150 });
  const err = await expectAwsError(putRecords(impatient, streamName, randomRecords(1, seededRandom(1))));
  impatient.destroy();
  assert.equal(err.name, 'TimeoutError');

  standins.proxy.configure({ rules: [{ fault: 'stall', ms: 50, times: 1 }] });
  const patient = localKinesisClient(standins.faultProxyUrl, { requestTimeoutMs: 10_000 });
  const records = randomRecords(4, seededRandom(2));
  assert.equal((await putRecords(patient, streamName, records)).FailedRecordCount, 0);
  patient.destroy();
  assert.equal(standins.proxy.log().at(-1).fault, 'stall:50');
  assertSameRecords(records, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
});

test('a skewed proxy clock rejects X-Amz-Date with InvalidSignatureException and tells its time in Date', async () => {
  const streamName = await freshStream(1);
  const offsetMs = 10 * 60 * 1000;
  standins.proxy.configure({ clockOffsetMs: offsetMs });
  const client = localKinesisClient(standins.faultProxyUrl);
  const records = randomRecords(2, seededRandom(4));

  const err = await expectAwsError(putRecords(client, streamName, records));
  client.destroy();
  assert.equal(err.name, 'InvalidSignatureException');
  assert.match(err.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  const serverDate = Date.parse(err.$response.headers.date);
  assert.ok(Math.abs(serverDate - (Date.now() + offsetMs)) < 5000, `Date header ${err.$response.headers.date} is the proxy's clock`);

  standins.proxy.configure({ clockOffsetMs: -offsetMs });
  const early = await fetch(standins.faultProxyUrl, {
    method: 'POST',
    headers: { 'x-amz-date': toAmzDate(Date.now()), 'x-amz-target': 'Kinesis_20131202.PutRecords', 'content-type': 'application/x-amz-json-1.1' },
    body: '{}',
  });
  const body = await early.json();
  assert.equal(early.status, 400);
  assert.equal(early.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
  assert.match(body.message, /^Signature not yet current: /);

  // A client that corrects its clock from the Date header gets through on its retry (the SDK does).
  standins.proxy.configure({ clockOffsetMs: offsetMs });
  const correcting = localKinesisClient(standins.faultProxyUrl, { maxAttempts: 2 });
  assert.equal((await putRecords(correcting, streamName, records)).FailedRecordCount, 0);
  correcting.destroy();
  assertSameRecords(records, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
});

test('CORS: the proxy answers preflights itself and exposes Date on every answer', async () => {
  const preflight = await fetch(standins.faultProxyUrl, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://127.0.0.1:9',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-amz-date,x-amz-security-token,x-amz-target',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  const allowed = preflight.headers.get('access-control-allow-headers').split(/,\s*/);
  for (const h of ['authorization', 'content-type', 'x-amz-date', 'x-amz-security-token', 'x-amz-target', 'x-amz-user-agent', 'x-amz-content-sha256']) {
    assert.ok(allowed.includes(h), `preflight allows ${h}`);
  }
  assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
  assert.ok(preflight.headers.get('date'));

  // A forwarded answer carries the proxy's CORS headers once, not kinesalite's as well.
  const forwarded = await fetch(standins.faultProxyUrl, {
    method: 'POST',
    headers: {
      origin: 'http://127.0.0.1:9',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00',
      'x-amz-date': toAmzDate(Date.now()),
      'x-amz-target': 'Kinesis_20131202.ListStreams',
      'content-type': 'application/x-amz-json-1.1',
    },
    body: '{}',
  });
  assert.equal(forwarded.status, 200);
  assert.equal(forwarded.headers.get('access-control-allow-origin'), '*');
  assert.equal(forwarded.headers.get('access-control-expose-headers'), 'Date, x-amzn-RequestId, x-amzn-ErrorType');
  assert.ok((await forwarded.json()).StreamNames.includes('clickstream'));
});

test('faults can be driven over HTTP: /__faults, /__log, /__reset', async () => {
  const configured = await fetch(`${standins.faultProxyUrl}/__faults`, {
    method: 'POST',
    body: JSON.stringify({ seed: 3, rules: [{ fault: 'error', status: 503, times: 2 }] }),
  }).then((r) => r.json());
  assert.equal(configured.rules[0].type, 'ServiceUnavailable');
  assert.equal(configured.rules[0].times, 2);

  const streamName = await freshStream(1);
  const client = localKinesisClient(standins.faultProxyUrl);
  assert.equal((await expectAwsError(putRecords(client, streamName, randomRecords(1, seededRandom(1))))).name, 'ServiceUnavailable');
  client.destroy();
  const log = await fetch(`${standins.faultProxyUrl}/__log`).then((r) => r.json());
  assert.deepEqual(log.map((e) => [e.target, e.records, e.fault, e.status]), [['PutRecords', 1, 'error:503 ServiceUnavailable', 503]]);
  assert.equal((await fetch(`${standins.faultProxyUrl}/__faults`).then((r) => r.json())).rules[0].times, 1);

  const bad = await fetch(`${standins.faultProxyUrl}/__faults`, { method: 'POST', body: '{"rules":[{"fault":"explode"}]}' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /rule\.fault must be/);

  const cleared = await fetch(`${standins.faultProxyUrl}/__reset`, { method: 'POST' }).then((r) => r.json());
  assert.deepEqual(cleared.rules, []);
  assert.deepEqual(await fetch(`${standins.faultProxyUrl}/__log`).then((r) => r.json()), []);
});

test('1,000 random binary records across 4 shards read back byte for byte, each in its MD5 shard', async () => {
  const streamName = await freshStream(4);
  const client = localKinesisClient(standins.faultProxyUrl);
  const random = seededRandom(2026);
  const sent = randomRecords(1000, random, { maxBytes: 1024 });
  sent[0].data = Uint8Array.from({ length: 256 }, (_, i) => i); // every byte value once
  sent[5].data = new Uint8Array([0]);
  sent[1].partitionKey = 'ключ-🔑'; // non-ASCII keys hash by their UTF-8 bytes
  const top = (1n << 128n) - 1n;
  for (const [i, key] of [[2, 0n], [3, top], [4, top / 2n]]) sent[i].explicitHashKey = key.toString();

  for (let i = 0; i < sent.length; i += 500) {
    const response = await putRecords(client, streamName, sent.slice(i, i + 500));
    assert.equal(response.FailedRecordCount, 0);
  }
  client.destroy();

  const shards = await listShards({ endpoint: standins.kinesaliteUrl, streamName });
  assert.equal(shards.length, 4);
  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
  assertSameRecords(sent, read);
  const sentByKey = new Map(sent.map((r) => [r.partitionKey, r]));
  for (const r of read) {
    const original = sentByKey.get(r.partitionKey);
    const hashKey = original.explicitHashKey ?? hashKeyOf(r.partitionKey);
    assert.equal(r.shardId, shardForHashKey(shards, hashKey).shardId, `record ${r.partitionKey} is in its hash key's shard`);
  }
  assert.equal(new Set(read.map((r) => r.shardId)).size, 4, 'every shard received records');
  for (let i = 1; i < read.length; i++) {
    if (read[i].shardId === read[i - 1].shardId) assert.ok(BigInt(read[i].sequenceNumber) > BigInt(read[i - 1].sequenceNumber));
  }
  assert.equal(shardForHashKey(shards, 0n).shardId, read.find((r) => r.partitionKey === sent[2].partitionKey).shardId);
});

test('compareRecords reports missing, duplicated and unexpected records', () => {
  const a = { partitionKey: 'k', data: new Uint8Array([1, 2, 3]) };
  const b = { partitionKey: 'k', data: new Uint8Array([1, 2, 4]) };
  const c = { partitionKey: 'other', data: new Uint8Array([1, 2, 3]) };
  assert.equal(compareRecords([a, b], [b, a]).ok, true);
  assert.equal(compareRecords([{ partitionKey: 'k', data: 'hi' }], [{ partitionKey: 'k', data: Buffer.from('hi') }]).ok, true);
  const result = compareRecords([a, b, b], [a, a, b, c]);
  assert.equal(result.ok, false);
  assert.deepEqual(result.missing.map((e) => [[...e.data], e.expected, e.actual]), [[[1, 2, 4], 2, 1]]);
  assert.deepEqual(result.duplicated.map((e) => [[...e.data], e.expected, e.actual]), [[[1, 2, 3], 1, 2]]);
  assert.deepEqual(result.unexpected.map((e) => e.partitionKey), ['other']);
  assert.throws(() => assertSameRecords([a], [b]), /1 missing:[\s\S]*1 unexpected:/);
});

test('tailRecords returns only the records that arrived since the previous call', async () => {
  const streamName = await freshStream(2);
  const client = localKinesisClient(standins.kinesaliteUrl);
  const tail = await tailRecords({ endpoint: standins.kinesaliteUrl, streamName });
  const first = randomRecords(6, seededRandom(8));
  const second = randomRecords(4, seededRandom(9));
  await putRecords(client, streamName, first);
  assertSameRecords(first, await tail.next());
  assert.deepEqual(await tail.next(), []);
  await putRecords(client, streamName, second);
  assertSameRecords(second, await tail.next());
  tail.close();
  client.destroy();
});

test('standins CLI runs a command with the stand-ins in its environment and returns its exit code', async () => {
  const script = `
    const { KINESALITE_URL, FAULT_PROXY_URL, STREAM_NAME } = process.env;
    const body = await fetch(FAULT_PROXY_URL + '/__faults').then((r) => r.json());
    if (!KINESALITE_URL || STREAM_NAME !== 'events' || body.rules.length !== 0) process.exit(1);
    process.exit(7);`;
  const child = spawn(process.execPath, [STANDINS_CLI, '--shards', '2', '--stream', 'events', '--', process.execPath, '--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 7, stderr);
  assert.match(stderr, /fault proxy http:\/\/127\.0\.0\.1:\d+, stream events/);
});
