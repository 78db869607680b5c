// The payload hash of the built package (pkg/) in Node, by each of its three paths: node:crypto
// (process.getBuiltinModule, Node ≥ 20.16), WebCrypto (getBuiltinModule hidden) and the Rust hash
// inside wasm (crypto hidden as well). Every PutRecords the producer sends is captured by a fetch
// that answers at once, then signed again by the native core (examples/sign_request) from the same
// body, credentials and X-Amz-Date: the Authorization headers must be equal, so a wrong payload
// hash on any path fails here. Each path gets a fresh instance of the glue and the wasm, so that no
// state of one run carries into the next.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

import { buildExample } from '../support/example.mjs';
import { shadow } from '../support/shadow.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
let signRequest;
const credentials = { accessKeyId: 'ASIALOCALTEST', secretAccessKey: 'local-secret', sessionToken: 'local-token' };
const endpoint = 'http://127.0.0.1:9';
const wasm = () => readFileSync(path.join(root, 'pkg/kinesis_clickstream_bg.wasm'));

before(() => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  signRequest = buildExample('sign_request');
});

/** `"20261126T134437Z"` → its ms since the Unix epoch. */
function amzDateMs(amzDate) {
  const [, y, mo, d, h, mi, s] = amzDate.match(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/);
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
}

/**
 * Loads a fresh glue + wasm instance, puts `records` and flushes them, with `globalThis.fetch`
 * capturing every request; `counts` holds the node:crypto sha256 hashes and WebCrypto digests made.
 */
async function sendAll(mode, records) {
  const restore = [];
  const counts = { nodeHash: 0, subtleDigest: 0 };
  const realGetBuiltinModule = process.getBuiltinModule;
  if (mode === 'node:crypto') {
    // The real node:crypto, with hash("sha256", …) counted to prove this path ran.
    restore.push(shadow(process, 'getBuiltinModule', (name) => {
      const module = realGetBuiltinModule.call(process, name);
      if (name !== 'node:crypto') return module;
      return {
        hash(algorithm, ...rest) {
          if (algorithm === 'sha256') counts.nodeHash++;
          return module.hash(algorithm, ...rest);
        },
      };
    }));
  } else {
    restore.push(shadow(process, 'getBuiltinModule', undefined));
  }
  if (mode === 'webcrypto') {
    // The real WebCrypto, with subtle.digest counted to prove this path ran.
    const real = globalThis.crypto;
    restore.push(shadow(globalThis, 'crypto', {
      getRandomValues: (array) => real.getRandomValues(array),
      subtle: {
        digest(...args) {
          counts.subtleDigest++;
          return real.subtle.digest(...args);
        },
      },
    }));
  }
  if (mode === 'rust') restore.push(shadow(globalThis, 'crypto', undefined));
  const requests = [];
  restore.push(shadow(globalThis, 'fetch', async (url, init) => {
    const body = new Uint8Array(init.body);
    requests.push({ url: String(url), headers: new Headers(init.headers), body: Buffer.from(body).toString('utf8') });
    const count = JSON.parse(requests.at(-1).body).Records.length;
    const Records = Array.from({ length: count }, (_, i) => ({ SequenceNumber: String(1000 + i), ShardId: 'shardId-000000000000' }));
    return new Response(JSON.stringify({ FailedRecordCount: 0, Records }), {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', date: new Date().toUTCString() },
    });
  }));
  try {
    const glue = await import(`../../pkg/kinesis_clickstream.js?hash=${encodeURIComponent(mode)}`);
    glue.initSync({ module: wasm() });
    const producer = await glue.Producer.create({
      streamName: 'digest-paths',
      region: 'us-east-1',
      endpoint,
      credentials,
      logLevel: 'silent',
      flushIntervalMs: 60000,
    });
    for (const [index, data] of records.entries()) producer.put(data, { partitionKey: `key-${index % 5}` });
    const report = await producer.flush();
    await producer.close();
    assert.deepEqual({ sent: report.sent, failed: report.failed }, { sent: records.length, failed: 0 }, mode);
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return { requests, counts };
}

/** The headers the native core signs for `request`'s body at its X-Amz-Date. */
function coreSignature(request) {
  const job = {
    ...credentials,
    region: 'us-east-1',
    endpoint,
    timeMs: amzDateMs(request.headers.get('x-amz-date')),
    body: request.body,
  };
  const headers = JSON.parse(execFileSync(signRequest, { input: JSON.stringify(job), encoding: 'utf8' }));
  assert.equal(headers.error, undefined, JSON.stringify(headers.error));
  return headers;
}

// Sizes around the 64-byte block, a few kB, and records of 300 kB so that one request is ~1 MB.
const records = [
  'a',
  'x'.repeat(55),
  'y'.repeat(64),
  new Uint8Array(randomBytes(4000)),
  { text: 'ü ✓ "quoted" \u2028', n: 1 },
  ...Array.from({ length: 4 }, () => new Uint8Array(randomBytes(300_000))),
];

for (const mode of ['node:crypto', 'webcrypto', 'rust']) {
  test(`${mode}: every request is signed as the native core signs its body`, async () => {
    const { requests, counts } = await sendAll(mode, records);
    assert.ok(requests.length >= 1, 'at least one PutRecords was sent');
    const sentRecords = requests.reduce((sum, request) => sum + JSON.parse(request.body).Records.length, 0);
    assert.equal(sentRecords, records.length);
    assert.deepEqual(counts, {
      nodeHash: mode === 'node:crypto' ? requests.length : 0,
      subtleDigest: mode === 'webcrypto' ? requests.length : 0,
    }, 'hashes made by each JS path');
    for (const request of requests) {
      assert.equal(request.headers.get('authorization'), coreSignature(request).Authorization, mode);
    }
  });
}

test('the signature depends on the body: a changed byte gives a different core signature', () => {
  const request = {
    headers: new Headers({ 'x-amz-date': '20261126T134437Z' }),
    body: '{"StreamName":"digest-paths","Records":[]}',
  };
  const changed = { ...request, body: request.body.replace('paths', 'patha') };
  assert.notEqual(coreSignature(request).Authorization, coreSignature(changed).Authorization);
});
