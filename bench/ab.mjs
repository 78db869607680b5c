// Interleaved A/B of two or more package builds (each a directory holding kinesis_clickstream.js and
// kinesis_clickstream_bg.wasm, e.g. pkg/ and a copy of an older pkg/): the same workload as the "ours
// (fetch answered without network)" rows and the enqueue loop, every build loaded side by side in one
// Node process or one Chromium page and measured in alternating order each round, so that machine load
// drifts hit all builds alike. For comparing a change, not for RESULTS.md.
//
//   node bench/ab.mjs [--engine node|chromium] [--shape large|small|enqueue] [--rounds 15] DIR...
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile as readFileAsync } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL, fileURLToPath } from 'node:url';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    engine: { type: 'string', default: 'node' },
    shape: { type: 'string', default: 'large' },
    rounds: { type: 'string', default: '15' },
  },
});
if (positionals.length === 0) {
  console.error('usage: node bench/ab.mjs [--engine node|chromium] [--shape large|small|enqueue] [--rounds N] DIR...');
  process.exit(2);
}
const LIB = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib');
const dirs = positionals.map((dir) => path.resolve(dir));

/** Runs in Node or in the page: `load(dir)` resolves a glue module initialised with its .wasm. */
async function measure({ libUrl, dirs, shape, rounds, load }) {
  const { makeBatch, makeEvents, BATCH_SHAPES, CREDENTIALS, REGION, STREAM_NAME } = await import(`${libUrl}/workload.mjs`);
  const { putRecordsReply } = await import(`${libUrl}/reply.mjs`);
  const config = (extra) => ({
    streamName: STREAM_NAME,
    region: REGION,
    endpoint: 'http://127.0.0.1:9',
    credentials: { ...CREDENTIALS, expiration: Date.now() + 3600e3 },
    flushIntervalMs: 60000,
    maxBatchRecords: 500,
    ...extra,
  });
  const builds = [];
  for (const dir of dirs) {
    const glue = await load(dir);
    const producer = await glue.Producer.create(config({ maxBufferedRecords: 40000, maxBufferedBytes: 64 << 20 }));
    builds.push({ dir, producer, ms: [], putNs: [] });
  }
  // Installed after loading (the page loads the .wasm with fetch): answers each PutRecords at once
  // with a success for every record of the request.
  globalThis.fetch = async (_url, init) => {
    const records = (new TextDecoder().decode(init.body).match(/"Data":/g) || []).length;
    return new Response(putRecordsReply(records), {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', date: new Date().toUTCString() },
    });
  };
  const enqueue = shape === 'enqueue';
  const batch = enqueue ? null : makeBatch(BATCH_SHAPES[shape]);
  const events = enqueue ? makeEvents(20000) : null;
  const repeats = enqueue ? 1 : shape === 'large' ? 3 : 20;
  const floorNs = [];
  for (let round = 0; round <= rounds; round++) {
    if (enqueue) {
      const queue = [];
      const start = performance.now();
      for (const event of events) queue.push(JSON.stringify(event));
      if (round > 0) floorNs.push(((performance.now() - start) / events.length) * 1e6);
    }
    for (const build of round % 2 ? [...builds].reverse() : builds) {
      let putMs = 0;
      const start = performance.now();
      for (let k = 0; k < repeats; k++) {
        const putStart = performance.now();
        if (enqueue) for (const event of events) build.producer.put(event);
        else for (const r of batch) build.producer.put(r.data, { partitionKey: r.partitionKey });
        putMs += performance.now() - putStart;
        await build.producer.flush();
      }
      // Round 0 warms up.
      if (round > 0) {
        build.ms.push((performance.now() - start) / repeats);
        build.putNs.push((putMs / (enqueue ? events.length : repeats * batch.length)) * 1e6);
      }
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const lines = [];
  if (enqueue) lines.push(`floor (JSON.stringify + push): ${median(floorNs).toFixed(0)} ns/event`);
  for (const build of builds) {
    const stats = build.producer.stats();
    if (stats.failed || stats.buffered) throw new Error(`${build.dir}: flush left ${JSON.stringify(stats)}`);
    const put = `put ${median(build.putNs).toFixed(0)} ns/event`;
    lines.push(
      enqueue
        ? `${build.dir}: ${put}, ${(median(build.putNs) / median(floorNs)).toFixed(2)}× floor`
        : `${build.dir}: ${median(build.ms).toFixed(2)} ms/request (min ${Math.min(...build.ms).toFixed(2)}), ${put}`,
    );
  }
  return lines;
}

const job = { dirs, shape: values.shape, rounds: Number(values.rounds) };
let lines;
if (values.engine === 'node') {
  lines = await measure({
    ...job,
    libUrl: pathToFileURL(LIB).href,
    load: async (dir) => {
      // A query string per directory: each build gets its own module instance.
      const glue = await import(`${pathToFileURL(path.join(dir, 'kinesis_clickstream.js')).href}?${encodeURIComponent(dir)}`);
      glue.initSync({ module: readFileSync(path.join(dir, 'kinesis_clickstream_bg.wasm')) });
      return glue;
    },
  });
} else {
  const { launchChromium } = await import('./lib/chromium.mjs');
  const types = { js: 'text/javascript', mjs: 'text/javascript', wasm: 'application/wasm' };
  // Serves bench/lib under /lib/ and build N under /build/N/, on 127.0.0.1 only.
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const [, area, ...rest] = url.pathname.split('/');
    let file = null;
    if (area === 'lib') file = path.join(LIB, ...rest);
    if (area === 'build' && dirs[Number(rest[0])]) file = path.join(dirs[Number(rest[0])], ...rest.slice(1));
    if (area === '') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>ab</title>');
      return;
    }
    try {
      const body = await readFileAsync(file);
      res.writeHead(200, { 'content-type': types[path.extname(file).slice(1)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const { browser } = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    lines = await page.evaluate(
      async ({ source, origin, job }) => {
        // eslint-disable-next-line no-new-func
        const run = new Function(`return (${source})`)();
        const names = job.dirs;
        return run({
          ...job,
          dirs: names,
          libUrl: `${origin}/lib`,
          load: async (dir) => {
            const index = names.indexOf(dir);
            const glue = await import(`${origin}/build/${index}/kinesis_clickstream.js`);
            await glue.default({ module_or_path: `${origin}/build/${index}/kinesis_clickstream_bg.wasm` });
            return glue;
          },
        });
      },
      { source: measure.toString(), origin, job },
    );
  } finally {
    await browser.close();
    server.close();
  }
}
console.log(`${values.engine}, shape ${values.shape}, ${values.rounds} rounds (medians):\n${lines.join('\n')}`);
