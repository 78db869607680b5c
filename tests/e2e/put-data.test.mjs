// put()'s data conversion through the built package (pkg/ in Node): every kind of data of several
// sizes (strings and JSON text up to and over the 1024 UTF-16 units the kept scratch buffer takes,
// binary data small and large) stored byte for byte, a toJSON that calls put() itself, wasm memory
// growing while data is converted, and the errors for data JSON cannot represent. Each test sends to
// its own kinesalite stream and reads every record back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startStandins } from '../support/standins.mjs';
import { readAllRecords } from '../support/readback.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const credentials = { accessKeyId: 'ASIALOCALTEST', secretAccessKey: 'local-secret', sessionToken: 'local-token' };
const encoder = new TextEncoder();
let Producer;
let standins;

before(async () => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const glue = await import(new URL('../../pkg/kinesis_clickstream.js', import.meta.url));
  glue.initSync({ module: readFileSync(new URL('../../pkg/kinesis_clickstream_bg.wasm', import.meta.url)) });
  Producer = glue.Producer;
  standins = await startStandins({ shards: 2, streams: ['put-data'] });
});

after(async () => {
  await standins?.stop();
});

let streamCount = 0;

/** A producer sending to a fresh kinesalite stream (`producer.streamName` names it). */
async function create() {
  const streamName = `put-data-${++streamCount}`;
  await standins.kinesalite.createStream(streamName, 2);
  const producer = await Producer.create({
    maxBufferedBytes: 64 << 20,
    streamName,
    region: 'us-east-1',
    endpoint: standins.kinesaliteUrl,
    credentials,
    logLevel: 'silent',
    flushIntervalMs: 60000,
  });
  return Object.assign(producer, { streamName });
}

/**
 * Closes `producer` (flushing what it holds) and reads its stream back: the data stored under each
 * partition key, in put order (one key lives on one shard, read in sequence order).
 */
async function sentData(producer) {
  const report = await producer.close();
  assert.equal(report.failed, 0);
  assert.equal(report.pending, 0);
  const byKey = new Map();
  for (const { partitionKey, data } of await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: producer.streamName })) {
    byKey.set(partitionKey, [...(byKey.get(partitionKey) ?? []), Buffer.from(data)]);
  }
  return byKey;
}

const text = (units, unit) => unit.repeat(Math.ceil(units / unit.length)).slice(0, units);

test('strings, JSON text and binary data of every size path are stored byte for byte', async () => {
  const producer = await create();
  const cases = [];
  const add = (name, data, bytes) => cases.push({ name, data, bytes: Buffer.from(bytes) });
  for (const units of [0, 1, 64, 65, 300, 1024, 1025, 5000]) {
    add(`ascii ${units}`, text(units, 'a'), encoder.encode(text(units, 'a')));
    // 3-byte characters: the most UTF-8 per UTF-16 unit, filling the scratch buffer exactly at 1024.
    add(`3-byte ${units}`, text(units, '€'), encoder.encode(text(units, '€')));
    const mixed = text(units, 'é😀\uD800x\uDC00');
    add(`mixed with lone surrogates ${units}`, mixed, encoder.encode(mixed));
  }
  for (const size of [1, 3072, 3073, 20000]) {
    const bytes = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    add(`Uint8Array ${size}`, bytes, bytes);
    add(`ArrayBuffer ${size}`, bytes.slice().buffer, bytes);
    const wide = new Uint16Array(size + 2);
    const view = new Uint8Array(wide.buffer, 2, size);
    view.set(bytes);
    add(`Uint16Array bytes ${size}`, new DataView(wide.buffer, 2, size), bytes);
  }
  for (const fields of [1, 15, 200]) {
    const object = {};
    for (let i = 0; i < fields; i++) object[`field${i}`] = i % 2 ? `value ✓ ${i}` : i;
    add(`object of ${fields} fields`, object, encoder.encode(JSON.stringify(object)));
  }
  add('null', null, encoder.encode('null'));
  add('NaN', NaN, encoder.encode('null'));
  add('array', [1, 'two', { three: 3 }], encoder.encode('[1,"two",{"three":3}]'));
  for (const [i, { data }] of cases.entries()) producer.put(data, { partitionKey: `case-${i}` });
  const sent = await sentData(producer);
  for (const [i, { name, bytes }] of cases.entries()) {
    assert.deepEqual(sent.get(`case-${i}`), [bytes], name);
  }
});

test('a toJSON that calls put() stores both events, each with its own id', async () => {
  const producer = await create();
  let innerId;
  const long = text(2000, 'ü');
  const outer = {
    toJSON() {
      innerId = producer.put({ inner: text(500, 'i') }, { partitionKey: 'inner' });
      producer.put(long, { partitionKey: 'inner-long' });
      return { outer: text(400, 'o') };
    },
  };
  const outerId = producer.put(outer, { partitionKey: 'outer' });
  assert.match(outerId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(outerId, innerId);
  const sent = await sentData(producer);
  assert.deepEqual(sent.get('outer'), [Buffer.from(JSON.stringify({ outer: text(400, 'o') }))]);
  assert.deepEqual(sent.get('inner'), [Buffer.from(JSON.stringify({ inner: text(500, 'i') }))]);
  assert.deepEqual(sent.get('inner-long'), [Buffer.from(long)]);
});

// Each inner put grows the queue by 900 kB, so the memory grows while the outer put waits for its JSON
// text: the view of wasm memory the outer put holds is detached when the text is written.
test('data converted while wasm memory grows (a toJSON putting large binary data) is stored intact', async () => {
  const producer = await create();
  const big = new Uint8Array(900_000).fill(7);
  const objects = [];
  for (let i = 0; i < 12; i++) {
    objects.push({
      toJSON() {
        producer.put(big, { partitionKey: `big-${i}` });
        return { i, text: text(300, 'ß') };
      },
    });
  }
  for (const [i, object] of objects.entries()) {
    producer.put(object, { partitionKey: `grown-${i}` });
    producer.put(text(200, 'ž'), { partitionKey: `after-${i}` });
  }
  const sent = await sentData(producer);
  for (let i = 0; i < 12; i++) {
    assert.deepEqual(sent.get(`grown-${i}`), [Buffer.from(JSON.stringify({ i, text: text(300, 'ß') }))], `grown-${i}`);
    assert.deepEqual(sent.get(`after-${i}`), [Buffer.from(text(200, 'ž'))], `after-${i}`);
    assert.equal(sent.get(`big-${i}`)?.[0].length, big.length);
  }
});

test('data JSON cannot represent throws InvalidData with JSON.stringify`s reason and buffers nothing', async () => {
  const producer = await create();
  const circular = {};
  circular.self = circular;
  const thrown = (data) => {
    try {
      producer.put(data);
    } catch (error) {
      return error;
    }
    assert.fail('put did not throw');
  };
  for (const data of [circular, { n: 1n }, { toJSON() { throw new Error('no JSON here'); } }]) {
    let reason;
    try {
      JSON.stringify(data);
    } catch (error) {
      reason = error.message;
    }
    const error = thrown(data);
    assert.equal(error.code, 'InvalidData');
    assert.match(error.message, /^data cannot be serialised to JSON/);
    assert.ok(error.message.includes(reason), `${error.message} names ${reason}`);
  }
  // Thrown values that are not Errors, falsy ones too, are described as they are.
  for (const [value, text] of [['plain string', 'plain string'], [undefined, 'undefined'], [0, '0']]) {
    const error = thrown({ toJSON() { throw value; } });
    assert.equal(error.code, 'InvalidData');
    assert.equal(error.message, `data cannot be serialised to JSON: ${text}`);
  }
  for (const data of [undefined, () => 1, Symbol('s')]) {
    const error = thrown(data);
    assert.equal(error.code, 'InvalidData');
    assert.match(error.message, new RegExp(`^data must be .*, got ${typeof data}`));
  }
  assert.equal(producer.stats().buffered, 0);
  producer.put('still works', { partitionKey: 'after' });
  assert.deepEqual((await sentData(producer)).get('after'), [Buffer.from('still works')]);
});
