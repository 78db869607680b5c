// Durable delivery in Chromium (issue 6): events persisted in IndexedDB survive a reload, a closed tab
// and a network outage, and each is delivered to kinesalite (through the fault proxy) exactly once.
// Every record is read back and matched by the event id its `track()` envelope carries; each case
// reports its duplicates and losses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startStandins } from '../support/standins.mjs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../support/kinesalite.mjs';
import { readAllRecords } from '../support/readback.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let standins;
let site;
let browser;

before(async () => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  standins = await startStandins({ shards: 2, streams: ['durability-probe'] });
  site = await startStaticServer({
    routes: [
      { prefix: '/pkg/', dir: path.join(root, 'pkg') },
      { prefix: '/', dir: path.join(root, 'tests/pages') },
    ],
    config: {
      region: LOCAL_REGION,
      endpoint: standins.faultProxyUrl,
      credentials: { ...LOCAL_CREDENTIALS, sessionToken: 'durability-session-token' },
    },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await site?.stop();
  await standins?.stop();
});

let streams = 0;
async function freshStream() {
  const name = `durable-${++streams}`;
  await standins.kinesalite.createStream(name, 2);
  return name;
}

async function openPage(context, stream, query = {}) {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  const search = new URLSearchParams({ stream, ...query });
  await page.goto(`${site.url}/durability.html?${search}`);
  await page.evaluate(() => window.page.ready);
  return page;
}

function stats(page) {
  return page.evaluate(() => window.page.producer.stats());
}

async function waitFor(what, check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Everything the stream holds, counted by event id.
async function deliveredIds(streamName) {
  const counts = new Map();
  for (const record of await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName })) {
    const { id } = JSON.parse(Buffer.from(record.data).toString('utf8'));
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

// Waits until every id arrived (flushing `page` meanwhile); returns {missing, duplicates, unexpected}.
async function settle(streamName, ids, page) {
  const expected = new Set(ids);
  let counts = new Map();
  try {
    await waitFor(`${ids.length} events in ${streamName}`, async () => {
      if (page) await page.evaluate(() => window.page.producer.flush());
      counts = await deliveredIds(streamName);
      return ids.every((id) => counts.has(id));
    }, 30_000);
  } catch {
    // Reported below as missing.
  }
  const missing = ids.filter((id) => !counts.has(id)).length;
  const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const unexpected = [...counts.keys()].filter((id) => !expected.has(id)).length;
  return { missing, duplicates, unexpected };
}

function persistedAll(page, count) {
  return waitFor(`${count} events persisted`, async () => {
    const s = await stats(page);
    return s.persisted >= count && s.persistPending === 0;
  });
}

test('reload with events buffered: all delivered after the reload, none twice', async (t) => {
  const streamName = await freshStream();
  const context = await browser.newContext();
  const page = await openPage(context, streamName, { flushIntervalMs: 600000 });
  const ids = await page.evaluate(() => window.page.track(300, 'reload'));
  await persistedAll(page, 300);
  const before = await stats(page);
  assert.equal(before.sent, 0, 'nothing was sent before the reload');
  await page.reload();
  await page.evaluate(() => window.page.ready);
  const outcome = await settle(streamName, ids, page);
  const after = await stats(page);
  t.diagnostic(`reload: ${JSON.stringify(outcome)}; recovered by the new page ${after.recovered}, the rest went by keepalive at pagehide`);
  assert.deepEqual(outcome, { missing: 0, duplicates: 0, unexpected: 0 });
  assert.ok(after.recovered > 0 && after.recovered < 300, `recovered ${after.recovered}`);
  await waitFor('the backlog deleted', async () => (await stats(page)).persisted === 0);
  await context.close();
});

test('close a tab with 2,000 buffered events, open a new one: all delivered once', async (t) => {
  const streamName = await freshStream();
  const context = await browser.newContext();
  // Credentials wait for window.grant(), so the 2,000 events stay buffered (and persisted).
  const first = await openPage(context, streamName, { gate: '1' });
  const ids = await first.evaluate(() => window.page.track(2000, 'closed'));
  await persistedAll(first, 2000);
  await first.close({ runBeforeUnload: true });
  const second = await openPage(context, streamName, { flushIntervalMs: 200 });
  const outcome = await settle(streamName, ids, second);
  const s = await stats(second);
  t.diagnostic(`closed tab: ${JSON.stringify(outcome)}; recovered ${s.recovered}`);
  assert.deepEqual(outcome, { missing: 0, duplicates: 0, unexpected: 0 });
  assert.equal(s.recovered, 2000);
  await context.close();
});

test('two tabs, one closed: its backlog is sent exactly once', async (t) => {
  const streamName = await freshStream();
  const context = await browser.newContext();
  const stays = await openPage(context, streamName, { flushIntervalMs: 200 });
  const leaves = await openPage(context, streamName, { flushIntervalMs: 600000 });
  const ownIds = await stays.evaluate(() => window.page.track(50, 'stays'));
  const leftIds = await leaves.evaluate(() => window.page.track(400, 'leaves'));
  await persistedAll(leaves, 400);
  // A third tab comes and goes meanwhile: it must not take the live tab's events.
  const visitor = await openPage(context, streamName, { flushIntervalMs: 200 });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal((await stats(visitor)).recovered, 0, 'a live tab keeps its events');
  await leaves.close({ runBeforeUnload: true });
  const outcome = await settle(streamName, [...ownIds, ...leftIds]);
  const recovered = (await stats(stays)).recovered + (await stats(visitor)).recovered;
  t.diagnostic(`two tabs: ${JSON.stringify(outcome)}; recovered by the other tabs ${recovered}`);
  assert.deepEqual(outcome, { missing: 0, duplicates: 0, unexpected: 0 });
  assert.ok(recovered > 0 && recovered <= 400, `recovered ${recovered}`);
  await context.close();
});

test('offline for 30 s while putting: everything delivered after', async (t) => {
  const streamName = await freshStream();
  const context = await browser.newContext();
  const page = await openPage(context, streamName, { flushIntervalMs: 200 });
  const ids = await page.evaluate(() => window.page.track(20, 'online'));
  await page.evaluate(() => window.page.producer.flush());
  const requestsBefore = (await stats(page)).requests;
  await context.setOffline(true);
  const offlineAt = Date.now();
  while (Date.now() - offlineAt < 30_000) {
    ids.push(...await page.evaluate(() => window.page.track(10, 'offline')));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const during = await stats(page);
  const probes = during.requests - requestsBefore;
  await context.setOffline(false);
  const outcome = await settle(streamName, ids, page);
  const s = await stats(page);
  t.diagnostic(`offline: ${JSON.stringify(outcome)}; ${ids.length} events; offline flag ${during.offline}, `
    + `${probes} requests (probes) during the outage, failed ${s.failed}`);
  assert.equal(during.offline, true);
  assert.ok(probes <= 12, `${probes} requests in 30 s offline: probes only, no hot retries`);
  assert.equal(s.failed, 0);
  assert.equal(outcome.missing, 0);
  assert.equal(outcome.unexpected, 0);
  assert.ok(outcome.duplicates <= 10, `duplicates ${outcome.duplicates} (only a request in flight when the network went can repeat)`);
  await context.close();
});

test('localStorage and the lease fallback (no Web Locks): a closed tab\'s backlog is sent once', async (t) => {
  const streamName = await freshStream();
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
  });
  const stays = await openPage(context, streamName, { flushIntervalMs: 200, persistence: 'localstorage' });
  const leaves = await openPage(context, streamName, { flushIntervalMs: 600000, persistence: 'localstorage' });
  assert.equal(await leaves.evaluate(() => navigator.locks), undefined);
  const ids = await leaves.evaluate(() => window.page.track(300, 'lease'));
  await persistedAll(leaves, 300);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal((await stats(stays)).recovered, 0, 'a live tab (fresh heartbeat) keeps its events');
  await leaves.close({ runBeforeUnload: true });
  const outcome = await settle(streamName, ids);
  const s = await stats(stays);
  t.diagnostic(`lease: ${JSON.stringify(outcome)}; recovered ${s.recovered}; persistence ${s.persistence}`);
  assert.equal(s.persistence, 'localstorage');
  assert.deepEqual(outcome, { missing: 0, duplicates: 0, unexpected: 0 });
  await context.close();
});

test('a storage quota error falls back to memory with a counted, reported reason; nothing is lost', async (t) => {
  const streamName = await freshStream();
  const context = await browser.newContext();
  const page = await openPage(context, streamName, { gate: '1', persistence: 'localstorage' });
  // About 7 MB of events: more than the origin's localStorage quota, less than the 8 MiB buffer.
  const ids = await page.evaluate(() => {
    const pad = 'q'.repeat(2500);
    const ids = [];
    for (let i = 0; i < 2800; i++) ids.push(window.page.producer.track('big', { i, pad }));
    return ids;
  });
  const s = await waitFor('the quota fallback', async () => {
    const current = await stats(page);
    return current.persistenceFallback.quota ? current : undefined;
  });
  await page.evaluate(() => window.grant());
  const outcome = await settle(streamName, ids, page);
  const errors = await page.evaluate(() => window.page.errors);
  t.diagnostic(`quota: ${JSON.stringify(outcome)}; fallback ${JSON.stringify(s.persistenceFallback)}; persisted before ${s.persisted}`);
  assert.equal(s.persistence, 'memory');
  assert.equal(s.persistenceFallback.quota, 1);
  assert.equal(errors.filter((e) => e.startsWith('StorageError')).length, 1, errors.join('\n'));
  assert.deepEqual(outcome, { missing: 0, duplicates: 0, unexpected: 0 });
  await waitFor('stored events deleted after delivery', async () => (await stats(page)).persisted === 0);
  await waitFor('no event left in localStorage', () => page.evaluate(
    () => Object.keys(localStorage).every((key) => !key.includes(':r:')),
  ));
  await context.close();
});
