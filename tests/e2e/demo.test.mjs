// The demo's plumbing: the static server serves the page and the package with the right types and
// nothing outside them, the stream watch behind /api/ counts and pages what kinesalite holds, and
// `scripts/demo.mjs --check` starts everything and sees its records land.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startStaticServer } from '../../scripts/serve.mjs';
import { startStreamWatch, MAX_RECORDS_PER_ANSWER } from '../../scripts/stream-watch.mjs';
import { startKinesalite } from '../support/kinesalite.mjs';
import { readAllRecords, hashKeyOf, listShards, shardForHashKey } from '../support/readback.mjs';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir;
let server;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'serve-test-'));
  await fs.mkdir(path.join(dir, 'www', 'sub'), { recursive: true });
  await fs.mkdir(path.join(dir, 'pkg'));
  await fs.writeFile(path.join(dir, 'www', 'index.html'), '<!doctype html><title>t</title>');
  await fs.writeFile(path.join(dir, 'www', 'sub', 'index.html'), 'sub page');
  await fs.writeFile(path.join(dir, 'www', 'app.mjs'), 'export {}');
  await fs.writeFile(path.join(dir, 'pkg', 'kinesis_clickstream.js'), 'export default 1');
  await fs.writeFile(path.join(dir, 'pkg', 'kinesis_clickstream_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  await fs.writeFile(path.join(dir, 'secret.txt'), 'TOP-SECRET');
  server = await startStaticServer({
    routes: [{ prefix: '/pkg/', dir: path.join(dir, 'pkg') }, { prefix: '/', dir: path.join(dir, 'www') }],
    config: { endpoint: 'http://127.0.0.1:1' },
  });
});
after(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

test('serve.mjs answers files with their MIME types, index.html for directories, and /config.json', async () => {
  const get = (p) => fetch(`${server.url}${p}`);
  const cases = [
    ['/', 'text/html; charset=utf-8', '<!doctype html><title>t</title>'],
    ['/sub/', 'text/html; charset=utf-8', 'sub page'],
    ['/app.mjs', 'text/javascript; charset=utf-8', 'export {}'],
    ['/pkg/kinesis_clickstream.js', 'text/javascript; charset=utf-8', 'export default 1'],
  ];
  for (const [p, type, body] of cases) {
    const res = await get(p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers.get('content-type'), type, p);
    assert.equal(await res.text(), body, p);
  }
  const wasm = await get('/pkg/kinesis_clickstream_bg.wasm');
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.deepEqual([...new Uint8Array(await wasm.arrayBuffer())], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  assert.deepEqual(await get('/config.json').then((r) => r.json()), { endpoint: 'http://127.0.0.1:1' });
  assert.equal((await get('/missing.js')).status, 404);
  assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
});

test('serve.mjs never serves a file outside its directories', async () => {
  // fetch() normalises "..", so the traversal goes over a raw socket.
  for (const target of ['/../secret.txt', '/pkg/../../secret.txt', '/%2e%2e/secret.txt', '/pkg/%2e%2e%2f%2e%2e%2fsecret.txt']) {
    const answer = await rawGet(server.port, target);
    assert.match(answer, /^HTTP\/1\.1 (403|404)/, target);
    assert.doesNotMatch(answer, /TOP-SECRET/, target);
  }
});

function rawGet(port, target) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (c) => { data += c; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

test('the stream watch answers /api/shards and /api/records with what kinesalite holds, paged by since', async () => {
  const kinesalite = await startKinesalite({ shards: 3, streams: ['watched'] });
  const seen = [];
  const watch = await startStreamWatch({
    endpoint: kinesalite.url, streamName: 'watched', intervalMs: 60_000, onRecords: (r) => seen.push(...r),
  });
  const site = await startStaticServer({ routes: [], api: watch.api });
  try {
    const envelope = (i) => JSON.stringify({ id: `id-${i}`, name: i % 2 ? 'click' : 'scroll', attributes: { i } });
    const records = Array.from({ length: 25 }, (_, i) => ({
      PartitionKey: `key-${i}`,
      Data: new TextEncoder().encode(i === 24 ? 'not json' : envelope(i)),
    }));
    const put = await kinesalite.client.send(new PutRecordsCommand({ StreamName: 'watched', Records: records }));
    assert.equal(put.FailedRecordCount, 0);
    await watch.poll();
    assert.equal(seen.length, 25, 'onRecords saw every record once');

    const get = (p) => fetch(`${site.url}${p}`).then(async (r) => ({ status: r.status, body: await r.json() }));
    const shards = await get('/api/shards');
    assert.equal(shards.status, 200);
    assert.equal(shards.body.total, 25);
    const layout = await listShards({ endpoint: kinesalite.url, streamName: 'watched' });
    const expected = new Map(layout.map((s) => [s.shardId, 0]));
    for (const r of records) {
      const shard = shardForHashKey(layout, hashKeyOf(r.PartitionKey)).shardId;
      expected.set(shard, expected.get(shard) + 1);
    }
    assert.deepEqual(new Map(shards.body.shards.map((s) => [s.shardId, s.records])), expected, 'counts follow the MD5 mapping');
    assert.deepEqual(shards.body.shards.map((s) => s.startingHashKey), layout.map((s) => s.startingHashKey.toString()));

    const first = await get('/api/records?since=0&limit=10');
    assert.deepEqual([first.body.total, first.body.next, first.body.records.length], [25, 10, 10]);
    const rest = await get(`/api/records?since=${first.body.next}`);
    assert.deepEqual([rest.body.next, rest.body.records.length], [25, 15]);
    const all = [...first.body.records, ...rest.body.records];
    assert.deepEqual(all.map((r) => r.index), Array.from({ length: 25 }, (_, i) => i));
    const read = await readAllRecords({ endpoint: kinesalite.url, streamName: 'watched' });
    assert.deepEqual(
      all.map((r) => [r.shardId, r.sequenceNumber, r.partitionKey, r.bytes]).sort(),
      read.map((r) => [r.shardId, r.sequenceNumber, r.partitionKey, r.data.length]).sort(),
    );
    const byKey = new Map(all.map((r) => [r.partitionKey, r]));
    assert.deepEqual([byKey.get('key-3').id, byKey.get('key-3').name], ['id-3', 'click']);
    assert.deepEqual([byKey.get('key-24').id, byKey.get('key-24').name, byKey.get('key-24').preview], [null, null, '"not json"']);
    assert.deepEqual((await get('/api/records?since=25')).body, { total: 25, next: 25, records: [] });
    assert.deepEqual((await get('/api/records?since=999')).body.next, 25);

    for (const bad of ['since=-1', 'since=x', 'limit=0', 'since=1.5']) {
      assert.equal((await get(`/api/records?${bad}`)).status, 400, bad);
    }
    assert.equal((await get(`/api/records?limit=${MAX_RECORDS_PER_ANSWER * 2}`)).body.records.length, 25);
    assert.equal((await get('/api/nothing')).status, 404);
  } finally {
    await site.stop();
    await watch.stop();
    await kinesalite.stop();
  }
});

test('demo --check starts the stand-ins and the page, sends through the proxy and reads the records back', async () => {
  const child = spawn(process.execPath, ['scripts/demo.mjs', '--check', '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /demo page: {2}http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(output, /shardId-\d{12} +…\d+ +check-a +"\{\\"check\\":\\"check-a\\"\}"/);
  assert.match(output, /shardId-\d{12} +…\d+ +check-envelope +check_event +\{"ok":true\}\n/);
  assert.match(output, /check: ok/);
});

test('demo stops by itself after DEMO_EXIT_AFTER_MS with exit code 0', async () => {
  const child = spawn(process.execPath, ['scripts/demo.mjs', '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEMO_EXIT_AFTER_MS: '300' },
  });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /fault proxy +http:\/\/127\.0\.0\.1:\d+/);
});

test('demo prints the page URL, serves it, and Ctrl-C (SIGINT) stops everything with exit code 0', async () => {
  const child = spawn(process.execPath, ['scripts/demo.mjs', '--port', '0'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (c) => { output += c; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const pageUrl = await new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      output += c;
      const m = /demo page: {2}(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`demo exited before printing its URL:\n${output}`)));
  });
  const proxyUrl = /fault proxy +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)[1];
  const kinesaliteUrl = /kinesalite +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)[1];
  assert.equal((await fetch(`${pageUrl}/`)).status, 200);
  assert.equal((await fetch(`${pageUrl}/api/shards`).then((r) => r.json())).shards.length, 4);
  child.kill('SIGINT');
  assert.equal(await exited, 0, output);
  for (const url of [pageUrl, proxyUrl, kinesaliteUrl]) {
    await assert.rejects(fetch(`${url}/`), (err) => err.cause?.code === 'ECONNREFUSED', `${url} is closed`);
  }
});
