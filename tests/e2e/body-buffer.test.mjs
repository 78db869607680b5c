// The request body send.js hands to fetch in Node (pkg/): copied out of wasm memory into a JS buffer
// that a later request reuses once the earlier fetch settled. Every body must hold exactly its own
// request's bytes (its records, byte for byte), the bytes node:crypto hashed must be the bytes sent,
// and a smaller body after a larger one must still be exact when it views the reused, larger buffer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { shadow } from '../support/shadow.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

before(() => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
});

test('each body holds exactly its records, hashed as sent, also when it views a reused larger buffer', async () => {
  const restore = [];
  const hashed = [];
  const realGetBuiltinModule = process.getBuiltinModule;
  restore.push(shadow(process, 'getBuiltinModule', (name) => {
    const module = realGetBuiltinModule.call(process, name);
    if (name !== 'node:crypto') return module;
    return {
      hash(algorithm, data, encoding) {
        const hex = module.hash(algorithm, data, encoding);
        hashed.push({ bytes: Buffer.from(data), hex });
        return hex;
      },
    };
  }));
  const sent = [];
  restore.push(shadow(globalThis, 'fetch', async (_url, init) => {
    // A copy: the buffer is reused once this fetch settled.
    const body = init.body;
    sent.push({ body, buffer: body.buffer, bytes: Buffer.from(body) });
    const count = JSON.parse(sent.at(-1).bytes.toString('utf8')).Records.length;
    const Records = Array.from({ length: count }, (_, i) => ({ SequenceNumber: String(1000 + i), ShardId: 'shardId-000000000000' }));
    return new Response(JSON.stringify({ FailedRecordCount: 0, Records }), {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', date: new Date().toUTCString() },
    });
  }));
  try {
    const glue = await import(`../../pkg/kinesis_clickstream.js?body-buffer`);
    glue.initSync({ module: readFileSync(path.join(root, 'pkg/kinesis_clickstream_bg.wasm')) });
    const producer = await glue.Producer.create({
      streamName: 'body-buffer',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'ASIALOCALTEST', secretAccessKey: 'local-secret', sessionToken: 'local-token' },
      logLevel: 'silent',
      flushIntervalMs: 60000,
    });
    // Large, then small (fits the first buffer), then larger than both.
    const batches = [
      Array.from({ length: 3 }, () => new Uint8Array(randomBytes(200_000))),
      [new Uint8Array(randomBytes(10)), new Uint8Array(randomBytes(5_000))],
      Array.from({ length: 4 }, () => new Uint8Array(randomBytes(250_000))),
    ];
    for (const [index, batch] of batches.entries()) {
      for (const data of batch) producer.put(data, { partitionKey: `key-${index}` });
      const report = await producer.flush();
      assert.equal(report.failed, 0);
    }
    await producer.close();

    assert.equal(sent.length, batches.length, 'one request per flush');
    assert.equal(hashed.length, batches.length, 'one node:crypto hash per request');
    for (const [index, batch] of batches.entries()) {
      const { bytes } = sent[index];
      const records = JSON.parse(bytes.toString('utf8')).Records;
      assert.deepEqual(
        records.map((record) => Buffer.from(record.Data, 'base64')),
        batch.map((data) => Buffer.from(data)),
        `request ${index}: its records, byte for byte`,
      );
      assert.deepEqual(hashed[index].bytes, bytes, `request ${index}: the hashed bytes are the sent bytes`);
      assert.equal(hashed[index].hex, createHash('sha256').update(bytes).digest('hex'));
    }
    assert.equal(sent[1].buffer, sent[0].buffer, 'the smaller second body reuses the settled first buffer');
    assert.ok(sent[1].body.byteLength < sent[1].buffer.byteLength, 'so it is a view of part of it');
    assert.notEqual(sent[2].buffer, sent[1].buffer, 'a body larger than the kept buffer gets its own');
  } finally {
    for (const undo of restore.reverse()) undo();
  }
});
