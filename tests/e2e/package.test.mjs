// The packed npm package as a new user gets it: `make package`'s tarball installed into a fresh project
// in a temporary directory, then used the four ways the README shows — Node 20 ESM, a Vite production
// build (page + module web worker) in Chromium, a Worker in workerd (miniflare) with ctx.waitUntil, and
// a plain <script type="module"> page with an import map. Every record is read back from kinesalite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { Miniflare } from 'miniflare';
import { startStandins } from '../support/standins.mjs';
import { LOCAL_REGION } from '../support/kinesalite.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';
import { startMoto, setupMoto } from '../support/moto.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VITE = path.join(root, 'node_modules/vite/bin/vite.js');
const credentials = { accessKeyId: 'ASIAPACKAGETEST', secretAccessKey: 'package-secret', sessionToken: 'package-token' };

let standins;
let project;
let browser;
let streamCount = 0;

/** Packs the package (reusing a fresh tarball) and returns the tarball's absolute path. */
function packedTarball() {
  const output = execFileSync('bash', ['scripts/package.sh', '--if-stale'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = output.match(/^package: (dist\/kinesis-clickstream-.*\.tgz)$/m)?.[1];
  assert.ok(tarball, `package.sh names its tarball:\n${output}`);
  return path.join(root, tarball);
}

function write(relative, text) {
  const file = path.join(project, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

async function freshStream(shards = 2) {
  const name = `package-${++streamCount}`;
  await standins.kinesalite.createStream(name, shards);
  return name;
}

async function readUntil(streamName, count, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
    if (records.length >= count || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  const tarball = packedTarball();
  project = mkdtempSync(path.join(tmpdir(), 'kinesis-clickstream-user-'));
  write('package.json', JSON.stringify({ name: 'new-user-app', private: true, type: 'module' }, null, 2));
  // The package has no dependencies, so installing the tarball needs no registry.
  execFileSync('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel', 'error'], { cwd: project, stdio: ['ignore', 'inherit', 'inherit'] });
  standins = await startStandins({ shards: 2, streams: ['package-warmup'] });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await standins?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

test('the tarball holds one entry per environment, the types, the README, one .wasm, and the same again under lite/', () => {
  const installed = path.join(project, 'node_modules/kinesis-clickstream');
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.sideEffects, false);
  assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'workerd', 'worker', 'browser', 'node', 'default']);
  assert.deepEqual(Object.keys(manifest.exports['./lite']), Object.keys(manifest.exports['.']));
  assert.deepEqual(readdirSync(installed).sort(), [
    'README.md', 'browser.js', 'index.d.ts', 'kinesis_clickstream.js', 'kinesis_clickstream_bg.wasm', 'lite', 'loading-on-create.js', 'node.js', 'package.json', 'workerd.js',
  ]);
  assert.deepEqual(readdirSync(path.join(installed, 'lite')).sort(), [
    'browser.js', 'kinesis_clickstream.js', 'kinesis_clickstream_bg.wasm', 'loading-on-create.js', 'node.js', 'workerd.js',
  ]);
  const wasmBytes = (dir) => readFileSync(path.join(installed, dir, 'kinesis_clickstream_bg.wasm')).length;
  assert.ok(wasmBytes('lite') < wasmBytes('.'), 'the lite .wasm is the smaller one');
  const readme = readFileSync(path.join(installed, 'README.md'), 'utf8');
  for (const heading of ['## Usage', '### In a Cloudflare Worker (workerd)', '## Configuration', '## Error codes', '## Delivery guarantees', '## Running against real AWS']) {
    assert.ok(readme.includes(`\n${heading}\n`), `the npm README has ${heading}`);
  }
  assert.ok(!readme.includes('make demo'), 'the npm README leaves out the repository commands');
});

test('Node 20 ESM: import { Producer } from "kinesis-clickstream" sends records that are read back', async () => {
  const streamName = await freshStream();
  write('node-app.mjs', `
import { Producer } from 'kinesis-clickstream';
const producer = await Producer.create({
  streamName: process.env.STREAM_NAME,
  region: 'us-east-1',
  endpoint: process.env.ENDPOINT,
  credentials: async () => (${JSON.stringify(credentials)}),
});
for (let i = 0; i < 30; i++) producer.put({ i, from: 'node' }, { partitionKey: 'node-' + (i % 3) });
producer.put(new Uint8Array([0, 1, 2, 255]), { partitionKey: 'bytes' });
producer.track('click', { elementId: 'buy' });
const report = await producer.close();
console.log(JSON.stringify({ report, sessionId: producer.sessionId }));
`);
  const { stdout } = await run(process.execPath, ['node-app.mjs'], {
    cwd: project, env: { ...process.env, STREAM_NAME: streamName, ENDPOINT: standins.kinesaliteUrl }, timeout: 60000,
  });
  const { report, sessionId } = JSON.parse(stdout.trim().split('\n').pop());
  assert.deepEqual(report, { sent: 32, failed: 0, retried: 0, dropped: 0, pending: 0 });
  const expected = Array.from({ length: 30 }, (_, i) => ({ partitionKey: `node-${i % 3}`, data: JSON.stringify({ i, from: 'node' }) }));
  expected.push({ partitionKey: 'bytes', data: new Uint8Array([0, 1, 2, 255]) });
  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
  const tracked = read.filter((r) => r.partitionKey === sessionId);
  assert.equal(tracked.length, 1, 'track() used the session id as the partition key');
  assert.equal(JSON.parse(new TextDecoder().decode(tracked[0].data)).name, 'click');
  assertSameRecords(expected, read.filter((r) => r.partitionKey !== sessionId));
});

/** Opens `url` in a fresh page and waits for the page to set `window.result` (or throws its error). */
async function resultOfPage(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined || window.failure !== undefined, null, { timeout: 30000 });
    const failure = await page.evaluate(() => window.failure);
    assert.equal(failure, undefined, `the page failed: ${failure}; ${problems.join('; ')}`);
    return await page.evaluate(() => window.result);
  } finally {
    await page.close();
  }
}

// Loaded by both browser usages: the config comes from /config.json, records from ?label=.
const PAGE_CODE = `
const config = await (await fetch('/config.json')).json();
const producer = await Producer.create({ ...config, logLevel: 'warn' });
const label = new URL(location.href).searchParams.get('label');
for (let i = 0; i < 25; i++) producer.put(label + ' ' + i, { partitionKey: label + '-' + (i % 4) });
const id = producer.track('view', { label });
const report = await producer.flush();
`;

test('a Vite production build (page and module web worker) sends from Chromium; the .wasm is an emitted asset', async () => {
  const streamName = await freshStream();
  write('vite-app/index.html', `<!doctype html><title>vite app</title><script type="module" src="./main.js"></script>\n`);
  write('vite-app/main.js', `
import { Producer } from 'kinesis-clickstream';
try {
  ${PAGE_CODE}
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const workerReport = await new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error('worker: ' + event.message));
    worker.postMessage(config);
  });
  window.result = { report, workerReport, id, sessionId: producer.sessionId };
} catch (error) {
  window.failure = error.code + ': ' + error.message;
}
`);
  write('vite-app/worker.js', `
import { Producer } from 'kinesis-clickstream';
self.onmessage = async (event) => {
  const producer = await Producer.create(event.data);
  for (let i = 0; i < 10; i++) producer.put({ i, from: 'worker' }, { partitionKey: 'worker' });
  self.postMessage(await producer.close());
};
`);
  write('vite-app/vite.config.js', `export default { build: { outDir: 'dist', emptyOutDir: true }, worker: { format: 'es' } };\n`);
  await run(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: path.join(project, 'vite-app'), timeout: 90000 });
  const assets = readdirSync(path.join(project, 'vite-app/dist/assets'));
  assert.ok(assets.some((name) => name.endsWith('.wasm')), `the .wasm is emitted: ${assets.join(', ')}`);
  const site = await startStaticServer({
    routes: [{ prefix: '/', dir: path.join(project, 'vite-app/dist') }],
    config: { streamName, region: LOCAL_REGION, endpoint: standins.faultProxyUrl, credentials },
  });
  try {
    const result = await resultOfPage(`${site.url}/?label=vite`);
    assert.deepEqual(result.report, { sent: 26, failed: 0, retried: 0, dropped: 0, pending: 0 });
    assert.deepEqual(result.workerReport, { sent: 10, failed: 0, retried: 0, dropped: 0, pending: 0 });
    const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
    const expected = Array.from({ length: 25 }, (_, i) => ({ partitionKey: `vite-${i % 4}`, data: `vite ${i}` }));
    for (let i = 0; i < 10; i++) expected.push({ partitionKey: 'worker', data: JSON.stringify({ i, from: 'worker' }) });
    const tracked = read.filter((r) => r.partitionKey === result.sessionId);
    assert.equal(tracked.length, 1);
    const event = JSON.parse(new TextDecoder().decode(tracked[0].data));
    assert.equal(event.id, result.id);
    assert.match(event.page.url, /label=vite/, 'a page event carries the page context');
    assertSameRecords(expected, read.filter((r) => r.partitionKey !== result.sessionId));
  } finally {
    await site.stop();
  }
});

/**
 * Serves `project/<dir>/index.html`: a page whose import map points `specifier` at `entry` (a path under
 * the installed node_modules) and whose module script runs `body`, which sets `window.result`; a thrown
 * error becomes `window.failure`. /config.json is the producer config for `streamName`. `packageTypes`
 * overrides the content types of the package's files by extension.
 */
async function serveModulePage({ dir, specifier, entry, body, streamName, packageTypes }) {
  write(`${dir}/index.html`, `<!doctype html>
<title>${dir} page</title>
<script type="importmap">{ "imports": { "${specifier}": "/node_modules/kinesis-clickstream/${entry}" } }</script>
<script type="module">
import { Producer } from '${specifier}';
try {
  ${body}
} catch (error) {
  window.failure = error.code + ': ' + error.message;
}
</script>
`);
  return startStaticServer({
    routes: [
      { prefix: '/node_modules/', dir: path.join(project, 'node_modules'), types: packageTypes },
      { prefix: '/', dir: path.join(project, dir) },
    ],
    config: { streamName, region: LOCAL_REGION, endpoint: standins.kinesaliteUrl, credentials },
  });
}

test('a plain <script type="module"> page with an import map loads the package unbundled', async () => {
  const streamName = await freshStream();
  const site = await serveModulePage({
    dir: 'plain', specifier: 'kinesis-clickstream', entry: 'browser.js', streamName,
    body: `${PAGE_CODE}
  window.result = { report, id, sessionId: producer.sessionId };`,
  });
  try {
    const result = await resultOfPage(`${site.url}/?label=plain`);
    assert.deepEqual(result.report, { sent: 26, failed: 0, retried: 0, dropped: 0, pending: 0 });
    const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName });
    const expected = Array.from({ length: 25 }, (_, i) => ({ partitionKey: `plain-${i % 4}`, data: `plain ${i}` }));
    assertSameRecords(expected, read.filter((r) => r.partitionKey !== result.sessionId));
    assert.equal(read.filter((r) => r.partitionKey === result.sessionId).length, 1);
  } finally {
    await site.stop();
  }
});

test('a .wasm served without the application/wasm type still loads (without streaming), with one warning naming the type', async () => {
  const streamName = await freshStream();
  const site = await serveModulePage({
    dir: 'octet-stream', specifier: 'kinesis-clickstream', entry: 'browser.js', streamName,
    packageTypes: { '.wasm': 'application/octet-stream' },
    body: `const config = await (await fetch('/config.json')).json();
  const producer = await Producer.create(config);
  for (let i = 0; i < 5; i++) producer.put('octet ' + i, { partitionKey: 'octet' });
  window.result = { report: await producer.close() };`,
  });
  const page = await browser.newPage();
  const warnings = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  try {
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => window.result !== undefined || window.failure !== undefined, null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => window.failure), undefined);
    assert.deepEqual((await page.evaluate(() => window.result)).report, { sent: 5, failed: 0, retried: 0, dropped: 0, pending: 0 });
    const typeWarnings = warnings.filter((text) => text.includes('not served as application/wasm'));
    assert.equal(typeWarnings.length, 1, `warnings: ${warnings.join(' | ')}`);
  } finally {
    await page.close();
    await site.stop();
  }
  const expected = Array.from({ length: 5 }, (_, i) => ({ partitionKey: 'octet', data: `octet ${i}` }));
  assertSameRecords(expected, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
});

test('kinesis-clickstream/lite in a page and in Node: records are read back; a requested IndexedDB falls back to memory, counted', async () => {
  const streamName = await freshStream();
  const site = await serveModulePage({
    dir: 'lite', specifier: 'kinesis-clickstream/lite', entry: 'lite/browser.js', streamName,
    body: `const config = await (await fetch('/config.json')).json();
  const producer = await Producer.create({ ...config, persistence: 'indexeddb', logLevel: 'silent' });
  for (let i = 0; i < 20; i++) producer.put('lite ' + i, { partitionKey: 'lite-' + (i % 2) });
  const report = await producer.flush();
  const { persistence, persistenceFallback, persisted } = producer.stats();
  window.result = { report, persistence, persistenceFallback, persisted, hasIndexedDb: typeof indexedDB === 'object' };`,
  });
  try {
    const result = await resultOfPage(`${site.url}/`);
    assert.deepEqual(result, {
      report: { sent: 20, failed: 0, retried: 0, dropped: 0, pending: 0 },
      persistence: 'memory', persistenceFallback: { unavailable: 1 }, persisted: 0, hasIndexedDb: true,
    });
  } finally {
    await site.stop();
  }
  write('lite-node.mjs', `
import { Producer } from 'kinesis-clickstream/lite';
const producer = await Producer.create({
  streamName: process.env.STREAM_NAME, region: 'us-east-1', endpoint: process.env.ENDPOINT,
  credentials: ${JSON.stringify(credentials)},
});
for (let i = 0; i < 10; i++) producer.put({ i, from: 'lite-node' }, { partitionKey: 'lite-node' });
console.log(JSON.stringify(await producer.close()));
`);
  const { stdout } = await run(process.execPath, ['lite-node.mjs'], {
    cwd: project, env: { ...process.env, STREAM_NAME: streamName, ENDPOINT: standins.kinesaliteUrl }, timeout: 60000,
  });
  assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()), { sent: 10, failed: 0, retried: 0, dropped: 0, pending: 0 });
  const expected = [
    ...Array.from({ length: 20 }, (_, i) => ({ partitionKey: `lite-${i % 2}`, data: `lite ${i}` })),
    ...Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'lite-node', data: JSON.stringify({ i, from: 'lite-node' }) })),
  ];
  assertSameRecords(expected, await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName }));
});

/**
 * Bundles a Worker that imports `specifier` the way Wrangler does and returns the bundle's path: resolved with
 * the conditions workerd, worker, browser; .wasm imports kept as modules of their own (Wrangler's default
 * CompiledWasm rule, given to miniflare in runWorker).
 */
async function bundleWorker(specifier) {
  write('worker-app/src/index.js', `
import { Producer } from '${specifier}';
let producer;
export default {
  async fetch(request, env, ctx) {
    producer ??= await Producer.create({
      streamName: env.STREAM_NAME,
      region: 'us-east-1',
      endpoint: env.KINESIS_ENDPOINT,
      credentials: JSON.parse(env.CREDENTIALS),
    });
    const url = new URL(request.url);
    if (url.pathname === '/stats') return Response.json(producer.stats());
    const id = producer.put({ path: url.pathname, n: url.searchParams.get('n') }, { partitionKey: 'edge' });
    ctx.waitUntil(producer.flush());
    return new Response(id);
  },
};
`);
  write('worker-app/vite.config.js', `
export default {
  ssr: { target: 'webworker', noExternal: true, resolve: { conditions: ['workerd', 'worker', 'browser'], externalConditions: ['workerd', 'worker'] } },
  build: { ssr: 'src/index.js', outDir: 'dist', emptyOutDir: true, minify: false, rollupOptions: { external: [/\\.wasm$/], output: { format: 'es' } } },
};
`);
  const workerDir = path.join(project, 'worker-app');
  await run(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: workerDir, timeout: 90000 });
  const bundle = path.join(workerDir, 'dist/index.js');
  assert.ok(existsSync(bundle));
  return bundle;
}

test('a Cloudflare-style Worker bundled with the workerd conditions runs in miniflare; ctx.waitUntil(flush()) delivers, with fixed and with Cognito credentials, and from the lite entry', async () => {
  let bundle = await bundleWorker('kinesis-clickstream');
  assert.match(readFileSync(bundle, 'utf8'), /^import \w+ from "[^"]*\/kinesis-clickstream\/kinesis_clickstream_bg\.wasm";$/m, 'the workerd entry imports the .wasm as a module');
  await runWorker(bundle, credentials, await freshStream());
  // The README's form: credentials from a Cognito identity pool (moto's), fetched inside workerd.
  const moto = await startMoto();
  try {
    const { identityPoolId } = await setupMoto(moto.url);
    await runWorker(bundle, { cognitoIdentityPoolId: identityPoolId, cognitoEndpoint: `${moto.url}/` }, await freshStream());
  } finally {
    await moto.stop();
  }
  bundle = await bundleWorker('kinesis-clickstream/lite');
  assert.match(readFileSync(bundle, 'utf8'), /^import \w+ from "[^"]*\/kinesis-clickstream\/lite\/kinesis_clickstream_bg\.wasm";$/m, 'the lite workerd entry imports its own .wasm');
  await runWorker(bundle, credentials, await freshStream());
});

/** Sends 12 requests to the bundled Worker in miniflare; each puts one record and waitUntil's a flush. */
async function runWorker(bundle, workerCredentials, streamName) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: bundle,
    modulesRoot: project,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2025-01-01',
    bindings: { STREAM_NAME: streamName, KINESIS_ENDPOINT: standins.kinesaliteUrl, CREDENTIALS: JSON.stringify(workerCredentials) },
  });
  try {
    const ids = new Set();
    for (let n = 0; n < 12; n++) {
      const response = await mf.dispatchFetch(`http://worker.test/page?n=${n}`);
      assert.equal(response.status, 200, await response.clone().text());
      ids.add(await response.text());
    }
    assert.equal(ids.size, 12);
    const read = await readUntil(streamName, 12);
    const expected = Array.from({ length: 12 }, (_, n) => ({ partitionKey: 'edge', data: JSON.stringify({ path: '/page', n: String(n) }) }));
    assertSameRecords(expected, read);
    const stats = await (await mf.dispatchFetch('http://worker.test/stats')).json();
    assert.equal(stats.sent, 12);
    assert.equal(stats.buffered, 0);
  } finally {
    await mf.dispose();
  }
}

test('the TypeScript declarations type a real use strictly and reject wrong option types', async () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  write('types-app/tsconfig.json', JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: [], skipLibCheck: false },
    include: ['*.ts'],
  }));
  write('types-app/package.json', JSON.stringify({ type: 'module' }));
  write('types-app/good.ts', `
import { Producer, initialize, type ProducerConfig, type FlushReport, type ProducerStats, type ErrorCode, type ProducerError, type ClickstreamEvent } from 'kinesis-clickstream';
const config: ProducerConfig = {
  streamName: 'clickstream', region: 'us-east-1',
  credentials: { cognitoIdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' },
  flushIntervalMs: 500, partitionKey: (data) => String(data), overflow: 'dropOldest',
  onError: (error: ProducerError) => { const code: ErrorCode = error.code; console.log(code, error.ids?.length, error.awsError); },
  onFlush: ({ sent, ids }) => console.log(sent, ids.join()),
};
await initialize();
const producer: Producer = await Producer.create(config);
const id: string = producer.put(new Uint8Array([1]), { partitionKey: 'k', explicitHashKey: 5n });
producer.put({ any: 'json' });
producer.track('click', { elementId: 'buy' });
const report: FlushReport = await producer.flush();
const stats: ProducerStats = producer.stats();
const age: number | null = stats.oldestAgeMs;
const event: ClickstreamEvent<{ elementId: string }> | undefined = undefined;
const byArn = await Producer.create({ streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b', expiration: new Date() }) });
console.log(id, report.pending, age, event, byArn.sessionId, await producer.close());
`);
  write('types-app/bad.ts', `
import { Producer } from 'kinesis-clickstream';
await Producer.create({ streamName: 's', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, flushIntervalMs: '5' });
await Producer.create({ streamName: 's', streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const producer = await Producer.create({ streamName: 's', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
producer.put('x', { partitionKey: 7 });
const sent: string = (await producer.flush()).sent;
`);
  // One compile of both files: good.ts has no error, bad.ts has exactly one per wrong line.
  const failure = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: path.join(project, 'types-app'), timeout: 60000 })
    .then(() => null, (error) => error);
  assert.ok(failure, 'bad.ts must not type-check');
  const errors = failure.stdout.split('\n').filter((line) => /^\w+\.ts\(\d+,\d+\): error/.test(line));
  assert.deepEqual(errors.map((line) => line.match(/^(\w+\.ts)\((\d+),/).slice(1).join(':')), ['bad.ts:3', 'bad.ts:4', 'bad.ts:6', 'bad.ts:7'], failure.stdout);
});

/** README table rows under `heading` as arrays of trimmed cells (first column without backticks). */
function readmeTable(heading) {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`));
  const lines = section.split('\n').slice(1);
  const start = lines.findIndex((line) => line.startsWith('| '));
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('| ')) break;
    const cells = line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim());
    rows.push([cells[0].replace(/`/g, ''), ...cells.slice(1)]);
  }
  return rows;
}

test('the README configuration table names exactly the accepted options, with the ranges Producer.create enforces', async () => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `
import { Producer } from 'kinesis-clickstream';
const base = { streamName: 's', region: 'us-east-1', endpoint: 'http://127.0.0.1:9/', credentials: { accessKeyId: 'ASIAX', secretAccessKey: 'x' }, logLevel: 'silent' };
const rows = JSON.parse(process.argv[1]);
const outcome = async (extra) => {
  try { const p = await Producer.create({ ...base, ...extra }); await p.close(); return 'ok'; }
  catch (error) { return error.code + ': ' + error.message; }
};
const known = (await outcome({ notAnOption: 1 })).replace(/.*known options: /, '').split(', ');
const results = {};
for (const [name, min, max] of rows) {
  // retryMaxMs must stay at least retryBaseMs.
  const pair = (value) => name === 'retryMaxMs' ? { retryBaseMs: 1 } : name === 'retryBaseMs' ? { retryMaxMs: 3600000 } : {};
  results[name] = {
    min: await outcome({ [name]: min, ...pair(min) }),
    max: await outcome({ [name]: max, ...pair(max) }),
    below: min > 0 ? await outcome({ [name]: min - 1, ...pair(min - 1) }) : null,
    above: await outcome({ [name]: max + 1, ...pair(max + 1) }),
  };
}
console.log(JSON.stringify({ known, results }));
`, JSON.stringify(readmeTable('Configuration').filter((row) => /^\d/.test(row[2])).map((row) => [row[0], Number(row[2].split(' ')[0]), Number(row[3].split(' ')[0])]))],
  { cwd: project, timeout: 60000 });
  const { known, results } = JSON.parse(stdout);
  const rows = readmeTable('Configuration');
  assert.deepEqual(rows.map((row) => row[0]).sort(), [...known].sort(), 'README rows = the options Producer.create accepts');
  const declared = [...readFileSync(path.join(root, 'pkg-config/index.d.ts'), 'utf8').matchAll(/^ {2}(?: {4})?(\w+)\??: /gm)].map((m) => m[1]);
  for (const name of known) assert.ok(declared.includes(name), `index.d.ts declares ${name}`);
  const numeric = rows.filter((row) => /^\d/.test(row[2]));
  assert.equal(numeric.length, 12);
  for (const [name, , min, max] of numeric) {
    const result = results[name];
    assert.equal(result.min, 'ok', `${name} = ${min} is accepted`);
    assert.equal(result.max, 'ok', `${name} = ${max} is accepted`);
    for (const outside of [result.below, result.above].filter((r) => r !== null)) {
      assert.match(outside, new RegExp(`^InvalidConfig: .*${name}.*${min}\\.\\.=${max}`), `${name} outside its range`);
    }
  }
  // index.d.ts states the same default and range in each numeric option's doc comment.
  const types = readFileSync(path.join(root, 'pkg-config/index.d.ts'), 'utf8');
  for (const [name, defaultCell, min, max] of numeric) {
    const doc = types.match(new RegExp(`/\\*\\* Default (\\d+)[^,]*, (\\d+)\\.\\.=(\\d+)[^*]*\\*/\\n\\s*${name}\\?:`));
    assert.ok(doc, `index.d.ts documents ${name}`);
    assert.deepEqual(doc.slice(1), [defaultCell.split(' ')[0], min, max], name);
  }
  // The edge-only default lives in src/wasm/config.rs.
  const edge = readFileSync(path.join(root, 'src/wasm/config.rs'), 'utf8');
  const constant = (suffix) => edge.match(new RegExp(`REQUEST_TIMEOUT_${suffix}_MS: u64 = ([\\d_]+);`))[1].replace(/_/g, '');
  assert.deepEqual(numeric.find((row) => row[0] === 'requestTimeoutMs').slice(1, 4), [constant('DEFAULT'), constant('MIN'), constant('MAX')]);
});

test('the README error table, the ErrorCode type and the core error codes are the same set', () => {
  const readme = readmeTable('Error codes').map((row) => row[0]).sort();
  const core = [...readFileSync(path.join(root, 'src/core/error.rs'), 'utf8').matchAll(/ErrorCode::(\w+) => "(\w+)"/g)].map((m) => m[2]).sort();
  const types = readFileSync(path.join(root, 'pkg-config/index.d.ts'), 'utf8');
  const union = types.slice(types.indexOf('export type ErrorCode'), types.indexOf("';\n", types.indexOf('export type ErrorCode')) + 1);
  const declared = [...union.matchAll(/\| '(\w+)'/g)].map((m) => m[1]).sort();
  assert.equal(core.length, 14);
  assert.deepEqual(readme, core);
  assert.deepEqual(declared, core);
});

test("pkg/'s generated declarations take the API's types from pkg-config/index.d.ts and type-check", async () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const generated = path.join(root, 'pkg/kinesis_clickstream.d.ts');
  assert.match(readFileSync(generated, 'utf8'), /from "\.\.\/pkg-config\/index\.js"/);
  // lib esnext: wasm-bindgen's class declares [Symbol.dispose].
  const args = [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'esnext,dom', generated];
  await run(process.execPath, args, { cwd: root, timeout: 60000 });
});
