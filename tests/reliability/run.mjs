#!/usr/bin/env node
// Runs reliability scenarios (tests/reliability/scenarios.mjs) from Node and from Chromium against
// kinesalite behind the fault proxy, reads every record back and counts lost and duplicated event ids.
//
//   node tests/reliability/run.mjs [--events N] [--runtimes node,chromium] [--scenarios a,b]
//                                  [--scale soak|short] [--memory-events N] [--out RELIABILITY.md]
//
// Each scenario run gets fresh stand-ins and a fresh wasm instance, so its numbers are its own.
// Exits non-zero when any run lost an event. Needs pkg/ (scripts/build.sh).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { startStandins } from '../support/standins.mjs';
import { readAllRecords } from '../support/readback.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';
import { runScenario } from './driver.mjs';
import { runMemoryBound } from './memory.mjs';
import { scenarios } from './scenarios.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG_GLUE = new URL('../../pkg/kinesis_clickstream.js', import.meta.url);
const PKG_WASM = new URL('../../pkg/kinesis_clickstream_bg.wasm', import.meta.url);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STREAM = 'reliability';
let instanceCount = 0;

/** A fresh instance of the built package in this process: `{Producer, memory}`. */
export async function loadPackage() {
  // A distinct query string gives a distinct ES module, hence its own wasm instance and memory.
  const glue = await import(`${PKG_GLUE.href}?instance=${++instanceCount}`);
  const exports = glue.initSync({ module: readFileSync(PKG_WASM) });
  return { Producer: glue.Producer, memory: exports.memory };
}

/**
 * Counts the event ids of `runId` among the records read back: delivered (distinct ids), lost
 * (put but never read), duplicated (reads beyond the first of an id), foreign (not of this run).
 */
export function countDelivery(records, runId, events) {
  const seen = new Map();
  let foreign = 0;
  const decoder = new TextDecoder();
  for (const record of records) {
    let id;
    try {
      id = JSON.parse(decoder.decode(record.data)).id;
    } catch {
      id = undefined;
    }
    const prefix = `${runId}-`;
    if (typeof id !== 'string' || !id.startsWith(prefix)) {
      foreign += 1;
      continue;
    }
    const n = Number(id.slice(prefix.length));
    if (!Number.isInteger(n) || n < 0 || n >= events) {
      foreign += 1;
      continue;
    }
    seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  let duplicated = 0;
  for (const count of seen.values()) duplicated += count - 1;
  return { delivered: seen.size, lost: events - seen.size, duplicated, foreign, read: records.length };
}

async function withStandins(fn) {
  const standins = await startStandins({ shards: 4, streams: [STREAM] });
  try {
    return await fn(standins);
  } finally {
    await standins.stop();
  }
}

function summarise(runtime, scenario, events, outcome, delivery) {
  return {
    runtime,
    scenario: scenario.name,
    events,
    delivered: delivery.delivered,
    lost: delivery.lost,
    duplicated: delivery.duplicated,
    foreign: delivery.foreign,
    retries: outcome.stats.retried,
    requests: outcome.stats.requests,
    failed: outcome.stats.failed,
    peakHeldBytes: outcome.peakHeldBytes,
    peakWasmBytes: outcome.peakWasmBytes,
    wallMs: outcome.wallMs,
    refreshes: outcome.refreshes,
    clockOffsetMs: outcome.stats.clockOffsetMs,
    errors: outcome.errors,
  };
}

/** One scenario from Node: fresh stand-ins, fresh wasm instance, read-back by event id. */
export async function runInNode(scenario, events, { log = () => {} } = {}) {
  return withStandins(async (standins) => {
    const { Producer, memory } = await loadPackage();
    const runId = randomUUID();
    const outcome = await runScenario({
      Producer, wasmMemory: memory, proxyUrl: standins.faultProxyUrl, streamName: STREAM, runId, events, scenario, log,
    });
    const records = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: STREAM });
    return summarise('node', scenario, events, outcome, countDelivery(records, runId, events));
  });
}

/** Starts the page server (tests/reliability/page/) and Chromium once for many scenario runs; `stop()` ends both. */
export async function startChromium() {
  const { chromium } = await import('playwright-core');
  const site = await startStaticServer({
    routes: [
      { prefix: '/pkg/', dir: `${ROOT}/pkg` },
      { prefix: '/reliability/', dir: `${ROOT}/tests/reliability` },
      { prefix: '/', dir: `${ROOT}/tests/reliability/page` },
    ],
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  return {
    site,
    browser,
    async stop() {
      await browser.close();
      await site.stop();
    },
  };
}

/** One scenario in a fresh Chromium page (its own wasm instance), read back from Node. */
export async function runInChromium(chromium, scenario, events, { log = () => {} } = {}) {
  return withStandins(async (standins) => {
    const page = await chromium.browser.newPage();
    try {
      // Failed fetches are the injected faults; only the driver's own lines are worth showing.
      page.on('console', (message) => {
        if (message.type() === 'log') log(`[page] ${message.text()}`);
      });
      page.on('pageerror', (error) => log(`[page error] ${error.message}`));
      await page.goto(`${chromium.site.url}/`);
      await page.waitForFunction(() => window.reliabilityReady === true);
      const runId = randomUUID();
      const outcome = await page.evaluate(
        (args) => window.runReliability(args),
        { proxyUrl: standins.faultProxyUrl, streamName: STREAM, runId, events, scenario },
      );
      const records = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: STREAM });
      return summarise('chromium', scenario, events, outcome, countDelivery(records, runId, events));
    } finally {
      await page.close();
    }
  });
}

const MIB = 1024 * 1024;
const mib = (bytes) => `${(bytes / MIB).toFixed(1)} MiB`;

/** RELIABILITY.md: one table row per run, with the command that reproduces it. */
export function renderReport({ rows, memory, events, scale, startedAt }) {
  const lines = [
    '# Reliability',
    '',
    `Written by \`make soak\` (tests/reliability/run.mjs) on ${startedAt}: every scenario from Node 20 and from`,
    `headless Chromium, ${events.toLocaleString('en-US')} events each, against kinesalite behind the fault proxy`,
    '(tests/support/fault-proxy.mjs); every record is read back with GetRecords and counted by the event id it',
    'carries. Producer options in every run: maxAttempts 100, retryBaseMs 50, retryMaxMs 2000; requestTimeoutMs',
    '2000 where the proxy stalls (2.5 s), the default 20000 elsewhere; other options at their defaults. Scenario',
    'definitions: tests/reliability/scenarios.mjs.',
    '',
    '- **lost**: put but never read back (must be 0). **duplicated**: reads of an id beyond its first; they come',
    '  from requests the server stored but answered after the request timeout, which any at-least-once',
    '  producer must resend.',
    '- **retries**: record resends the producer scheduled (`stats().retried`). **peak held**: largest',
    '  `bufferedBytes + inFlightBytes` sampled. **peak wasm memory**: largest `WebAssembly.Memory` size seen.',
    '',
    '| runtime | scenario | events | delivered | lost | duplicated | retries | requests | peak held | peak wasm memory | wall time | reproduce |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const command = `\`node tests/reliability/run.mjs --runtimes ${r.runtime} --scenarios ${r.scenario} --events ${r.events} --scale ${scale}\``;
    lines.push(`| ${r.runtime} | ${r.scenario} | ${r.events} | ${r.delivered} | ${r.lost} | ${r.duplicated} | ${r.retries} | ${r.requests} | ${mib(r.peakHeldBytes)} | ${mib(r.peakWasmBytes)} | ${(r.wallMs / 1000).toFixed(1)} s | ${command} |`);
  }
  lines.push(
    '',
    'Notes:',
    '- Scenarios whose faults are driven by time (credentials-expiring, clock-skew-15min, all-at-once) pace their',
    '  puts over 150 s (37.5 s for the skew) so tokens of 60 s expire mid-stream and the proxy clock jumps from',
    '  +15 min to -15 min halfway; the others put as fast as the buffer (maxBufferedRecords 10,000) allows.',
    '- Duplicates appear only where the proxy stalls *after* kinesalite stored a request (stalls-past-timeout,',
    '  all-at-once): the producer times out and resends a whole batch, so each such stall duplicates up to 500.',
    '- Chromium shows far fewer retries for connection resets than Node: most likely its network stack resends a',
    '  request whose reused keep-alive connection is closed before any response byte, so few resets reach the',
    '  producer (the proxy resets before forwarding, so such a resend cannot duplicate).',
  );
  if (memory) {
    lines.push(
      '',
      '## Memory bound against a stalled endpoint',
      '',
      `${memory.events.toLocaleString('en-US')} puts from Node while every PutRecords stalls (overflow \`dropOldest\`,`,
      `maxBufferedRecords ${memory.maxBufferedRecords}, maxBufferedBytes ${mib(memory.maxBufferedBytes)}):`,
      '',
      '| held at most | dropped (stats) | dropped (onError ids) | wasm memory after 1st bound fill | peak wasm memory | documented bound | reproduce |',
      '|---:|---:|---:|---:|---:|---:|---|',
      `| ${memory.peakHeldRecords} records / ${mib(memory.peakHeldBytes)} | ${memory.droppedStats} | ${memory.droppedReported} | ${mib(memory.wasmAfterFill)} | ${mib(memory.peakWasmBytes)} | ${mib(memory.wasmBoundBytes)} | \`node tests/reliability/run.mjs --runtimes none --memory-events ${memory.events}\` |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

function parseArgs(argv) {
  const options = { events: 100_000, runtimes: ['node', 'chromium'], scenarios: null, scale: 'soak', memoryEvents: 0, out: null };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--events': options.events = Number(value); i++; break;
      case '--runtimes': options.runtimes = value === 'none' ? [] : value.split(','); i++; break;
      case '--scenarios': options.scenarios = value.split(','); i++; break;
      case '--scale': options.scale = value; i++; break;
      case '--memory-events': options.memoryEvents = Number(value); i++; break;
      case '--out': options.out = value; i++; break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (!Number.isInteger(options.events) || options.events < 1) throw new Error('--events needs a positive integer');
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const log = (message) => console.error(message);
  const chosen = scenarios(options.scale).filter((s) => !options.scenarios || options.scenarios.includes(s.name));
  if (options.scenarios && chosen.length !== options.scenarios.length) throw new Error(`unknown scenario in ${options.scenarios}`);
  const rows = [];
  const chromium = options.runtimes.includes('chromium') ? await startChromium() : null;
  try {
    for (const runtime of options.runtimes) {
      for (const scenario of chosen) {
        log(`=== ${runtime} ${scenario.name}: ${options.events} events`);
        const row = runtime === 'node'
          ? await runInNode(scenario, options.events, { log })
          : await runInChromium(chromium, scenario, options.events, { log });
        log(JSON.stringify(row));
        rows.push(row);
      }
    }
  } finally {
    await chromium?.stop();
  }
  let memory = null;
  if (options.memoryEvents > 0) {
    log(`=== memory bound: ${options.memoryEvents} events against a stalled endpoint`);
    memory = await withStandins(async (standins) => runMemoryBound({
      ...(await loadPackage()), proxyUrl: standins.faultProxyUrl, streamName: STREAM, events: options.memoryEvents, log,
    }));
    log(JSON.stringify(memory));
  }
  if (options.out) {
    writeFileSync(options.out, renderReport({ rows, memory, events: options.events, scale: options.scale, startedAt }));
    log(`wrote ${options.out}`);
  }
  const lost = rows.filter((r) => r.lost > 0 || r.foreign > 0);
  const memoryBroken = memory && !memory.withinBound;
  for (const r of lost) console.error(`LOST: ${r.runtime} ${r.scenario}: ${r.lost} lost, ${r.foreign} foreign`);
  if (memoryBroken) console.error('MEMORY: bound broken');
  console.log(`${rows.length - lost.length + (memory && !memoryBroken ? 1 : 0)} passed, ${lost.length + (memoryBroken ? 1 : 0)} failed`);
  process.exit(lost.length > 0 || memoryBroken ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error.stack ?? error);
    process.exit(1);
  });
}
