// Bad input at the JS boundary of the built package (pkg/) in Node: every case throws or rejects with its
// documented `code`, nothing panics (a wasm panic surfaces as WebAssembly.RuntimeError "unreachable" and
// fails the case), and afterwards the same producer still takes a good event that is read back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startStandins } from '../support/standins.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MIB = 1024 * 1024;
const credentials = { accessKeyId: 'ASIABADINPUT', secretAccessKey: 'local-secret', sessionToken: 'bad-input' };
let standins;
let Producer;
let producer;
let streamName;
const goodEvents = [];

before(async () => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const glue = await import(new URL('../../pkg/kinesis_clickstream.js', import.meta.url));
  glue.initSync({ module: readFileSync(new URL('../../pkg/kinesis_clickstream_bg.wasm', import.meta.url)) });
  Producer = glue.Producer;
  standins = await startStandins({ shards: 2, streams: ['bad-input'] });
  streamName = standins.streamName;
  producer = await Producer.create(goodConfig());
});

after(async () => {
  await producer?.close();
  await standins?.stop();
});

function goodConfig(extra = {}) {
  return { streamName, region: 'us-east-1', endpoint: standins.kinesaliteUrl, credentials, logLevel: 'silent', ...extra };
}

/** Fails on a wasm panic or an error without the expected code; returns the error. */
function checkError(error, code, what) {
  if (error instanceof WebAssembly.RuntimeError) assert.fail(`${what}: wasm panic: ${error.message}`);
  assert.ok(error instanceof Error, `${what}: threw a non-Error ${String(error)}`);
  assert.equal(error.code, code, `${what}: code ${error.code} (${error.message})`);
  assert.ok(error.message.length > 0, `${what}: empty message`);
  return error;
}

async function expectCreateError(config, code, what) {
  let created;
  try {
    created = await Producer.create(config);
  } catch (error) {
    return checkError(error, code, what);
  }
  await created.close();
  assert.fail(`${what}: Producer.create accepted it`);
}

function expectPutError(run, code, what) {
  try {
    run();
  } catch (error) {
    return checkError(error, code, what);
  }
  assert.fail(`${what}: accepted`);
}

/** A good put on the shared producer, remembered for the final read-back. */
function goodPut(label) {
  const data = `good after ${label}`;
  const partitionKey = `good-${goodEvents.length % 5}`;
  producer.put(data, { partitionKey });
  goodEvents.push({ partitionKey, data });
}

const circular = () => {
  const object = { a: 1 };
  object.self = object;
  return object;
};

// Each: [name, config changes (merged over a good config; `undefined` values delete), expected code].
const configCases = () => [
  ['config undefined', () => undefined, 'InvalidConfig'],
  ['config null', () => null, 'InvalidConfig'],
  ['config a string', () => 'clickstream', 'InvalidConfig'],
  ['config a number', () => 42, 'InvalidConfig'],
  ['unknown key (typo)', { flushInterval: 10 }, 'InvalidConfig'],
  ['unknown key on a circular config', (c) => { const x = { ...c }; x.self = x; return x; }, 'InvalidConfig'],
  ['no stream', { streamName: undefined }, 'InvalidConfig'],
  ['streamName a number', { streamName: 42 }, 'InvalidConfig'],
  ['streamName null', { streamName: null }, 'InvalidConfig'],
  ['streamName empty', { streamName: '' }, 'InvalidConfig'],
  ['streamName 129 characters', { streamName: 's'.repeat(129) }, 'InvalidConfig'],
  ['streamName with a space', { streamName: 'bad name' }, 'InvalidConfig'],
  ['streamName and streamArn', { streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/x' }, 'InvalidConfig'],
  ['streamArn malformed', { streamName: undefined, streamArn: 'arn:aws:s3:::bucket' }, 'InvalidConfig'],
  ['region missing', { region: undefined }, 'InvalidConfig'],
  ['region a number', { region: 1 }, 'InvalidConfig'],
  ['region upper case', { region: 'US-EAST-1' }, 'InvalidConfig'],
  ['endpoint not a URL', { endpoint: 'not a url' }, 'InvalidConfig'],
  ['endpoint ftp', { endpoint: 'ftp://127.0.0.1:1/' }, 'InvalidConfig'],
  ['endpoint with a path', { endpoint: 'http://127.0.0.1:1/kinesis' }, 'InvalidConfig'],
  ['endpoint with user info', { endpoint: 'http://user:pw@127.0.0.1:1/' }, 'InvalidConfig'],
  ['flushIntervalMs NaN', { flushIntervalMs: NaN }, 'InvalidConfig'],
  ['flushIntervalMs Infinity', { flushIntervalMs: Infinity }, 'InvalidConfig'],
  ['flushIntervalMs negative', { flushIntervalMs: -1 }, 'InvalidConfig'],
  ['flushIntervalMs fractional', { flushIntervalMs: 1.5 }, 'InvalidConfig'],
  ['flushIntervalMs a string', { flushIntervalMs: '1000' }, 'InvalidConfig'],
  ['flushIntervalMs a BigInt', { flushIntervalMs: 1000n }, 'InvalidConfig'],
  ['flushIntervalMs null', { flushIntervalMs: null }, 'InvalidConfig'],
  ['flushIntervalMs a function', { flushIntervalMs: () => 1000 }, 'InvalidConfig'],
  ['flushIntervalMs huge', { flushIntervalMs: 2 ** 60 }, 'InvalidConfig'],
  ['flushIntervalMs above its range', { flushIntervalMs: 600_001 }, 'InvalidConfig'],
  ['maxBatchRecords 0', { maxBatchRecords: 0 }, 'InvalidConfig'],
  ['maxBatchRecords 501', { maxBatchRecords: 501 }, 'InvalidConfig'],
  ['maxBatchBytes 5 MiB + 1', { maxBatchBytes: 5 * MIB + 1 }, 'InvalidConfig'],
  ['maxBufferedRecords 0', { maxBufferedRecords: 0 }, 'InvalidConfig'],
  ['maxBufferedBytes 2^40', { maxBufferedBytes: 2 ** 40 }, 'InvalidConfig'],
  ['recordTtlMs 999', { recordTtlMs: 999 }, 'InvalidConfig'],
  ['maxAttempts 0', { maxAttempts: 0 }, 'InvalidConfig'],
  ['maxAttempts 101', { maxAttempts: 101 }, 'InvalidConfig'],
  ['maxInFlight 65', { maxInFlight: 65 }, 'InvalidConfig'],
  ['retryBaseMs 0', { retryBaseMs: 0 }, 'InvalidConfig'],
  ['retryMaxMs below retryBaseMs', { retryBaseMs: 1000, retryMaxMs: 999 }, 'InvalidConfig'],
  ['pausedRetryMs 999', { pausedRetryMs: 999 }, 'InvalidConfig'],
  ['requestTimeoutMs 99', { requestTimeoutMs: 99 }, 'InvalidConfig'],
  ['requestTimeoutMs -0.5', { requestTimeoutMs: -0.5 }, 'InvalidConfig'],
  ['overflow unknown', { overflow: 'sometimes' }, 'InvalidConfig'],
  ['partitionKey unknown mode', { partitionKey: 'sticky' }, 'InvalidConfig'],
  ['partitionKey a number', { partitionKey: 42 }, 'InvalidConfig'],
  ['logLevel unknown', { logLevel: 'verbose' }, 'InvalidConfig'],
  ['onError not a function', { onError: 'log it' }, 'InvalidConfig'],
  ['onFlush an object', { onFlush: {} }, 'InvalidConfig'],
  ['persistence unknown', { persistence: 'disk' }, 'InvalidConfig'],
  ['credentials missing', { credentials: undefined }, 'InvalidConfig'],
  ['credentials a string', { credentials: 'AKIA...' }, 'InvalidConfig'],
  ['credentials empty object', { credentials: {} }, 'InvalidCredentials'],
  ['credentials accessKeyId a number', { credentials: { ...credentials, accessKeyId: 7 } }, 'InvalidCredentials'],
  ['credentials secret empty', { credentials: { ...credentials, secretAccessKey: '' } }, 'InvalidCredentials'],
  ['credentials already expired', { credentials: { ...credentials, expiration: Date.now() - 1000 } }, 'InvalidCredentials'],
  ['credentials expiration not a date', { credentials: { ...credentials, expiration: 'soon' } }, 'InvalidCredentials'],
  ['credentials expiration NaN', { credentials: { ...credentials, expiration: NaN } }, 'InvalidCredentials'],
  ['cognitoIdentityPoolId malformed', { credentials: { cognitoIdentityPoolId: 'no-colon' } }, 'InvalidCredentials'],
];

function applyConfig(change) {
  if (typeof change === 'function') return change(goodConfig());
  const config = goodConfig();
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  return config;
}

const hugeKey = 'k'.repeat(256);
// Each: [name, (producer) => the bad call, expected code].
const putCases = () => [
  ['data undefined', (p) => p.put(undefined), 'InvalidData'],
  ['data a function', (p) => p.put(() => 1), 'InvalidData'],
  ['data a Symbol', (p) => p.put(Symbol('s')), 'InvalidData'],
  ['data a BigInt', (p) => p.put(10n), 'InvalidData'],
  ['data circular', (p) => p.put(circular()), 'InvalidData'],
  ['data holding a BigInt', (p) => p.put({ n: 1n }), 'InvalidData'],
  ['data whose toJSON throws', (p) => p.put({ toJSON() { throw new Error('no'); } }), 'InvalidData'],
  ['data with a throwing getter', (p) => p.put({ get bad() { throw new Error('getter'); } }), 'InvalidData'],
  ['data a revoked Proxy', (p) => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return p.put(proxy); }, 'InvalidData'],
  ['data 1 MiB + 1 byte with its key', (p) => p.put(new Uint8Array(MIB - 1 + 1), { partitionKey: 'k' }), 'RecordTooLarge'],
  ['data string 1 MiB + 1 byte with its key', (p) => p.put('x'.repeat(MIB - 3 + 1), { partitionKey: 'abc' }), 'RecordTooLarge'],
  ['data ArrayBuffer 1 MiB + 1', (p) => p.put(new ArrayBuffer(MIB + 1), { partitionKey: 'k' }), 'RecordTooLarge'],
  ['data 5 MiB string', (p) => p.put('y'.repeat(5 * MIB)), 'RecordTooLarge'],
  ['data 1 MiB with a 256-character key', (p) => p.put(new Uint8Array(MIB - 255), { partitionKey: hugeKey }), 'RecordTooLarge'],
  ['partitionKey empty', (p) => p.put('x', { partitionKey: '' }), 'InvalidPartitionKey'],
  ['partitionKey 257 characters', (p) => p.put('x', { partitionKey: 'k'.repeat(257) }), 'InvalidPartitionKey'],
  ['partitionKey 129 emoji (258 UTF-16 units)', (p) => p.put('x', { partitionKey: '😀'.repeat(129) }), 'InvalidPartitionKey'],
  ['partitionKey a number', (p) => p.put('x', { partitionKey: 5 }), 'InvalidPartitionKey'],
  ['partitionKey null', (p) => p.put('x', { partitionKey: null }), 'InvalidPartitionKey'],
  ['partitionKey an object', (p) => p.put('x', { partitionKey: { k: 1 } }), 'InvalidPartitionKey'],
  ['partitionKey a lone high surrogate', (p) => p.put('x', { partitionKey: 'a\uD800b' }), 'InvalidPartitionKey'],
  ['partitionKey a lone low surrogate', (p) => p.put('x', { partitionKey: '\uDC00' }), 'InvalidPartitionKey'],
  ['explicitHashKey 2^128', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: (2n ** 128n).toString() }), 'InvalidExplicitHashKey'],
  ['explicitHashKey BigInt 2^128', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: 2n ** 128n }), 'InvalidExplicitHashKey'],
  ['explicitHashKey BigInt -1', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: -1n }), 'InvalidExplicitHashKey'],
  ['explicitHashKey negative', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: '-1' }), 'InvalidExplicitHashKey'],
  ['explicitHashKey hexadecimal', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: '0x10' }), 'InvalidExplicitHashKey'],
  ['explicitHashKey exponent', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: '1e5' }), 'InvalidExplicitHashKey'],
  ['explicitHashKey empty', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: '' }), 'InvalidExplicitHashKey'],
  ['explicitHashKey with a space', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: ' 1' }), 'InvalidExplicitHashKey'],
  ['explicitHashKey leading zeros', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: '007' }), 'InvalidExplicitHashKey'],
  ['explicitHashKey Arabic-Indic digits', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: '١٢' }), 'InvalidExplicitHashKey'],
  ['explicitHashKey a number', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: 12 }), 'InvalidExplicitHashKey'],
  ['explicitHashKey NaN', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: NaN }), 'InvalidExplicitHashKey'],
  ['explicitHashKey null', (p) => p.put('x', { partitionKey: 'k', explicitHashKey: null }), 'InvalidExplicitHashKey'],
  ['put options a string', (p) => p.put('x', 'k'), 'InvalidData'],
  ['put options a number', (p) => p.put('x', 1), 'InvalidData'],
  ['put options unknown key', (p) => p.put('x', { partitionkey: 'k' }), 'InvalidData'],
  ['track name empty', (p) => p.track('', {}), 'InvalidData'],
  ['track name a number', (p) => p.track(42, {}), 'InvalidData'],
  ['track attributes circular', (p) => p.track('click', circular()), 'InvalidData'],
  ['track attributes holding a BigInt', (p) => p.track('click', { n: 1n }), 'InvalidData'],
];

test('every bad config is rejected with its code; a good producer is still created afterwards', async () => {
  const cases = configCases();
  for (const [name, change, code] of cases) {
    await expectCreateError(applyConfig(change), code, name);
  }
  const again = await Producer.create(goodConfig());
  again.put('created after the config corpus', { partitionKey: 'good-config' });
  goodEvents.push({ partitionKey: 'good-config', data: 'created after the config corpus' });
  await again.close();
});

test('every bad put throws its code and buffers nothing; a good put follows each', async () => {
  const cases = putCases();
  for (const [name, run, code] of cases) {
    const before = producer.stats();
    expectPutError(() => run(producer), code, name);
    const after = producer.stats();
    assert.equal(after.buffered + after.inFlight + after.sent, before.buffered + before.inFlight + before.sent, `${name}: a thrown put buffered something`);
    goodPut(name);
  }
});

test('boundary values are accepted: 256-unit key, 2^128-1 hash key, exactly 1 MiB, lone surrogates in data, null and NaN as JSON', async () => {
  const accepted = [
    ['k'.repeat(256), 'x', undefined],
    ['😀'.repeat(128), 'emoji key', undefined],
    ['k', 'max hash key', 2n ** 128n - 1n],
    ['k', 'zero hash key', '0'],
  ];
  for (const [partitionKey, data, explicitHashKey] of accepted) {
    producer.put(data, explicitHashKey === undefined ? { partitionKey } : { partitionKey, explicitHashKey });
    goodEvents.push({ partitionKey, data });
  }
  const oneMib = new Uint8Array(MIB - 1).fill(7);
  producer.put(oneMib, { partitionKey: 'k' });
  goodEvents.push({ partitionKey: 'k', data: oneMib });
  // Data strings are UTF-8 encoded the way TextEncoder does it: a lone surrogate becomes U+FFFD.
  producer.put('lone \uD800 surrogate', { partitionKey: 'utf8' });
  goodEvents.push({ partitionKey: 'utf8', data: new TextEncoder().encode('lone \uD800 surrogate') });
  producer.put(null, { partitionKey: 'json' });
  goodEvents.push({ partitionKey: 'json', data: 'null' });
  producer.put(NaN, { partitionKey: 'json' });
  goodEvents.push({ partitionKey: 'json', data: 'null' });
});

test('partitionKey functions that throw or return a non-string, a full buffer, and a closed producer', async () => {
  const throwing = await Producer.create(goodConfig({ partitionKey: () => { throw new Error('no key'); } }));
  expectPutError(() => throwing.put('x'), 'InvalidPartitionKey', 'partitionKey function throws');
  await throwing.close();
  const numeric = await Producer.create(goodConfig({ partitionKey: () => 42 }));
  expectPutError(() => numeric.put('x'), 'InvalidPartitionKey', 'partitionKey function returns a number');
  await numeric.close();

  const tiny = await Producer.create(goodConfig({ maxBufferedRecords: 1 }));
  tiny.put('first', { partitionKey: 'tiny' });
  expectPutError(() => tiny.put('second', { partitionKey: 'tiny' }), 'BufferFull', 'second put into a one-record buffer');
  goodEvents.push({ partitionKey: 'tiny', data: 'first' });
  assert.equal(tiny.stats().rejected, 1);
  await tiny.close();
  expectPutError(() => tiny.put('late', { partitionKey: 'tiny' }), 'Closed', 'put after close');
  expectPutError(() => tiny.track('late', {}), 'Closed', 'track after close');
});

test('after the whole corpus the producer delivers every good event exactly once', async () => {
  const report = await producer.flush();
  assert.equal(report.failed, 0);
  const stats = producer.stats();
  assert.deepEqual({ buffered: stats.buffered, inFlight: stats.inFlight, failed: stats.failed }, { buffered: 0, inFlight: 0, failed: 0 });
  assertSameRecords(goodEvents, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
});
