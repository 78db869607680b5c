// `make bench`: every section of issue 9 in one run, then bench/RESULTS.md and bench/chart.svg.
//   node bench/run.mjs [--rounds N] [--quick] [--only size,node,chromium,mainthread,e2e] | --report-only
// --quick (2 rounds, shorter loops) is for trying the harness; a report from it says so.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, BUILD_DIR, ESBUILD_VERSION, bundlePage } from './lib/bundle.mjs';
import { startInstantServer } from './lib/instant-server.mjs';
import { launchChromium, openBenchPage } from './lib/chromium.mjs';
import { describeMachine } from './lib/machine.mjs';
import { PKG_DIR, loadOursInNode, oursStatus } from './lib/ours.mjs';
import { runSize } from './sections/size.mjs';
import { runMainThread } from './sections/mainthread.mjs';
import { runEndToEnd } from './sections/e2e.mjs';
import { renderResults } from './report/results-md.mjs';
import { renderChart } from './report/chart-svg.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = process.argv.slice(2);
if (args.includes('--report-only')) {
  // Re-renders RESULTS.md and chart.svg from the last run's .build/results.json (after a report change).
  const { readFileSync } = await import('node:fs');
  const last = JSON.parse(readFileSync(path.join(BUILD_DIR, 'results.json'), 'utf8'));
  writeFileSync(path.join(BENCH_DIR, 'RESULTS.md'), renderResults(last));
  writeFileSync(path.join(BENCH_DIR, 'chart.svg'), renderChart(last));
  console.log('bench: re-rendered bench/RESULTS.md and bench/chart.svg from .build/results.json');
  process.exit(0);
}
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const quick = flag('--quick');
const rounds = Number(option('--rounds', quick ? 2 : 5));
const only = new Set(option('--only', 'size,node,chromium,mainthread,e2e').split(','));
const startedAt = new Date();
const log = (msg) => console.log(`bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)}s  ${msg}`);

const TIMING = quick
  ? { small: { minIters: 3, minMs: 100 }, large: { minIters: 2, minMs: 100 } }
  : { small: { minIters: 5, minMs: 300 }, large: { minIters: 3, minMs: 300 } };
const ENQUEUE_EVENTS = quick ? 5000 : 20000;
const SUSTAIN = { rate: 2000, seconds: quick ? 2 : 3 };
const E2E = { requests: quick ? 6 : 20, bytes: 200 };

const status = oursStatus();
const results = {
  startedAt: startedAt.toISOString(),
  quick,
  rounds,
  machine: describeMachine(),
  tools: { esbuild: ESBUILD_VERSION },
  ours: {
    ...status,
    measuredVia:
      'the public API only (src/wasm exposes no benchmark hook): put() of each record then await flush(), ' +
      'endpoint a 127.0.0.1 server that answers at once; a second row replaces the global fetch during each call instead',
  },
  sections: {},
};
log(status.built ? 'ours: pkg/ found' : `ours: not built (${status.reason})`);

function runNodeChild(config) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(BENCH_DIR, 'node-child.mjs'), JSON.stringify(config)], { maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`node child failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

mkdirSync(BUILD_DIR, { recursive: true });
const server = await startInstantServer({ '/build/': BUILD_DIR, '/pkg/': PKG_DIR, '/': path.join(BENCH_DIR, 'browser') });
let browser;
try {
  if (only.has('size')) {
    log('size: bundling with esbuild ' + ESBUILD_VERSION);
    results.sections.size = await runSize({ withOurs: status.built });
  }
  const suiteConfig = {
    endpoint: server.url,
    withOurs: status.built,
    throughput: { shapes: ['small', 'large'], rounds, timing: TIMING },
    enqueue: { rounds, count: ENQUEUE_EVENTS },
  };
  if (only.has('node')) {
    log('node: build + sign throughput and enqueue (child process)');
    results.sections.node = await runNodeChild(suiteConfig);
  }
  if (only.has('chromium') || only.has('mainthread')) {
    await bundlePage();
    const launched = await launchChromium();
    browser = launched.browser;
    results.machine.chromium = launched.version;
    const pageUrl = server.url + '/';
    if (only.has('chromium')) {
      log('chromium: build + sign throughput and enqueue');
      const { page, context, errors } = await openBenchPage(browser, pageUrl);
      const info = await page.evaluate((c) => window.bench.setup(c), { endpoint: server.url, withOurs: status.built });
      const throughput = [];
      for (const shape of suiteConfig.throughput.shapes) {
        throughput.push(await page.evaluate(([s, r, t]) => window.bench.throughput(s, r, t), [shape, rounds, TIMING[shape]]));
      }
      const enqueue = await page.evaluate(([r, n]) => window.bench.enqueue(r, n), [rounds, ENQUEUE_EVENTS]);
      if (errors.length) log(`chromium page errors: ${errors.map((e) => e.message).join(' | ')}`);
      results.sections.chromium = { ...info, throughput, enqueue };
      await context.close();
    }
    if (only.has('mainthread')) {
      log(`main thread: ${SUSTAIN.rate} events/s for ${SUSTAIN.seconds} s per run`);
      results.sections.mainThread = await runMainThread({
        browser,
        pageUrl,
        endpoint: server.url,
        variants: status.built ? ['none', 'floor', 'ours'] : ['none', 'floor'],
        rounds,
        ...SUSTAIN,
        log,
      });
    }
  }
  if (only.has('e2e')) {
    log('end to end: kinesalite on 127.0.0.1');
    const glue = status.built ? await loadOursInNode() : undefined;
    results.sections.e2e = await runEndToEnd({ glue, rounds, ...E2E, log });
  }
} finally {
  await browser?.close();
  await server.stop();
}

results.durationS = Math.round((Date.now() - startedAt) / 1000);
results.machine.loadAverageAtEnd = describeMachine().loadAverage;
writeFileSync(path.join(BUILD_DIR, 'results.json'), JSON.stringify(results, null, 2));
writeFileSync(path.join(BENCH_DIR, 'RESULTS.md'), renderResults(results));
writeFileSync(path.join(BENCH_DIR, 'chart.svg'), renderChart(results));
log(`wrote bench/RESULTS.md and bench/chart.svg (${status.built ? 'ours measured' : 'ours: not built'})`);
