// The demo page in headless Chromium against the stand-ins: cross-origin signed-shape requests to the
// fault proxy (preflight, keepalive, readable Date and error type), the page's fault toggles, and —
// once `make build` has produced pkg/ — a click-through of the shop under throttling, partial failures,
// an offline spell, a skewed server clock and a reload, after which the panel's "sent" equals the
// records read back and every tracked event id is in the stream exactly once.
// Saves a screenshot of the page at the end to tests/artifacts/demo.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startStandins } from '../support/standins.mjs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../support/kinesalite.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';
import { toAmzDate } from '../support/fault-proxy.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';
import { startStreamWatch } from '../../scripts/stream-watch.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const RAW_STREAM = 'raw';
const SHARDS = 4;
let standins;
let browser;
const sites = [];

// The page loads the built package; build it when the sources are newer (a no-op when it is current).
execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });

before(async () => {
  standins = await startStandins({ shards: SHARDS, streams: [RAW_STREAM] });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
after(async () => {
  await browser?.close();
  for (const site of sites) await site.stop();
  await standins?.stop();
});

// The demo page's server for a fresh stream of its own: /config.json names the fault proxy, /api/ reads
// the stream back. Each test gets its own stream, so what its page sends is all the stream holds.
async function startSite(streamName) {
  await standins.kinesalite.createStream(streamName, SHARDS);
  const watch = await startStreamWatch({ endpoint: standins.kinesaliteUrl, streamName, intervalMs: 200 });
  const server = await startStaticServer({
    api: watch.api,
    config: {
      streamName,
      region: LOCAL_REGION,
      endpoint: standins.faultProxyUrl,
      faultProxyUrl: standins.faultProxyUrl,
      credentials: { ...LOCAL_CREDENTIALS, sessionToken: 'browser-test-session-token' },
    },
  });
  const site = {
    url: server.url,
    streamName,
    async stop() {
      await server.stop();
      await watch.stop();
    },
  };
  sites.push(site);
  return site;
}

async function openPage(site) {
  standins.proxy.reset();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${site.url}/`);
  return { page, errors };
}

// Sends one PutRecords to the raw stream from the page's origin with the headers a signed request carries.
function putFromPage(page, records, { keepalive = false } = {}) {
  return page.evaluate(async ({ endpoint, streamName, records, amzDate, keepalive }) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      keepalive,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
        'x-amz-date': amzDate,
        'x-amz-security-token': 'browser-test-session-token',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDLOCALSTANDIN0000/20260101/us-east-1/kinesis/aws4_request, '
          + 'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=00',
      },
      body: JSON.stringify({
        StreamName: streamName,
        Records: records.map((r) => ({ PartitionKey: r.partitionKey, Data: btoa(r.text) })),
      }),
    });
    return { status: res.status, date: res.headers.get('date'), errorType: res.headers.get('x-amzn-errortype'), body: await res.json() };
  }, { endpoint: standins.faultProxyUrl, streamName: RAW_STREAM, records, amzDate: toAmzDate(Date.now()), keepalive });
}

test('a signed-shape keepalive PutRecords from the page is preflighted, delivered, and its Date is readable', async () => {
  const site = await startSite('signed-shape');
  const { page } = await openPage(site);
  const records = [{ partitionKey: 'page-a', text: 'from the page' }, { partitionKey: 'page-b', text: 'second' }];
  const answer = await putFromPage(page, records, { keepalive: true });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.FailedRecordCount, 0);
  assert.ok(Math.abs(Date.parse(answer.date) - Date.now()) < 5000, `Date header ${answer.date} readable`);
  const raw = standins.proxy.log().filter((e) => e.records === records.length);
  assert.deepEqual(raw.map((e) => [e.target, e.status]), [['PutRecords', 200]]);
  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: RAW_STREAM });
  assertSameRecords(records.map((r) => ({ partitionKey: r.partitionKey, data: r.text })), read.filter((r) => r.partitionKey.startsWith('page-')));
  await page.close();
});

test('the page sees whole-request faults with a readable x-amzn-ErrorType and the skewed Date', async () => {
  const site = await startSite('whole-request-faults');
  const { page } = await openPage(site);
  standins.proxy.configure({ rules: [{ fault: 'error', type: 'ProvisionedThroughputExceededException', times: 1 }] });
  const throttled = await putFromPage(page, [{ partitionKey: 'k', text: 'x' }]);
  assert.equal(throttled.status, 400);
  assert.equal(throttled.errorType, 'ProvisionedThroughputExceededException');
  assert.equal(throttled.body.__type, 'ProvisionedThroughputExceededException');

  standins.proxy.configure({ clockOffsetMs: 3_600_000 });
  const skewed = await putFromPage(page, [{ partitionKey: 'k', text: 'x' }]);
  assert.equal(skewed.status, 400);
  assert.equal(skewed.errorType, 'InvalidSignatureException');
  assert.match(skewed.body.message, /^Signature expired/);
  assert.ok(Math.abs(Date.parse(skewed.date) - (Date.now() + 3_600_000)) < 5000, `skewed Date ${skewed.date}`);
  await page.close();
});

test("the panel's fault toggles set the proxy's rules together and show the proxy's state after a reload", async () => {
  const site = await startSite('fault-toggles');
  const { page } = await openPage(site);
  const pressed = (id) => page.getAttribute(`#${id}`, 'aria-pressed');
  const rulesAfterClick = async (id) => {
    await page.click(`#${id}`);
    await page.waitForFunction((text) => document.querySelector('#events').textContent.includes(text),
      (await page.textContent(`#${id}`)).trim());
    return standins.proxy.faults().rules.map((r) => r.fault);
  };
  assert.deepEqual(await rulesAfterClick('toggle-offline'), ['reset']);
  assert.deepEqual(await rulesAfterClick('toggle-throttle'), ['reset', 'error']);
  assert.deepEqual(await rulesAfterClick('toggle-partial'), ['reset', 'error', 'partial']);
  assert.deepEqual(await rulesAfterClick('toggle-offline'), ['error', 'partial']);
  const throttle = standins.proxy.faults().rules[0];
  assert.deepEqual([throttle.type, throttle.rate, throttle.times], ['ProvisionedThroughputExceededException', 0.5, null]);
  await page.click('#toggle-clock');
  await page.waitForFunction(() => document.querySelector('#events').textContent.includes('Server clock +10 min: on'));
  assert.equal(standins.proxy.faults().clockOffsetMs, 600_000);

  await page.reload();
  await page.waitForFunction(() => document.querySelector('#toggle-partial').getAttribute('aria-pressed') === 'true');
  assert.deepEqual(
    [await pressed('toggle-offline'), await pressed('toggle-throttle'), await pressed('toggle-partial'), await pressed('toggle-clock')],
    ['false', 'true', 'true', 'true'],
  );
  for (const id of ['toggle-throttle', 'toggle-partial', 'toggle-clock']) await page.click(`#${id}`);
  await page.waitForFunction(() => document.querySelector('#events').textContent.includes('Server clock +10 min: off'));
  assert.deepEqual(standins.proxy.faults().rules, []);
  assert.equal(standins.proxy.faults().clockOffsetMs, 0);
  await page.close();
});

// Resolves once the page's panel agrees the producer is idle and the stream holds what it sent, and
// the panel's counters show it.
function settled(page, timeout = 30_000) {
  return page.waitForFunction(() => {
    const s = window.demo.snapshot();
    const shown = (id) => Number(document.querySelector(id).textContent.replace(/\D/g, ''));
    return s.buffered === 0 && s.inFlight === 0 && s.readBack === s.sent && s.confirmed === s.tracked
      && shown('#count-sent') === s.sent && shown('#count-read') === s.readBack;
  }, null, { timeout, polling: 100 });
}

const snapshotOf = (page) => page.evaluate(() => {
  const { shards, latest, ...counters } = window.demo.snapshot();
  return counters;
});

test('clicking through the shop under throttling, partial failures, offline, clock skew and a reload loses nothing',
  async () => {
    const site = await startSite('demo-flow');
    const { page, errors } = await openPage(site);
    await page.evaluate(() => window.demo.ready);
    assert.equal(await page.getAttribute('#status', 'data-state'), 'ready');

    // Shopping: clicks, a product page view, add to cart, scrolling to the bottom, checkout.
    await page.click('#add-p01');
    await page.click('#add-p02');
    await page.click('#product-p05');
    await page.waitForSelector('#view-product:not([hidden])');
    await page.click('#detail-add');
    await page.click('#view-product a[href="#/"]');
    await page.waitForSelector('#view-list:not([hidden])');
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 400);
    await page.waitForFunction(() => window.scrollY + innerHeight >= document.documentElement.scrollHeight - 1);
    await page.click('#checkout');
    await page.evaluate(() => scrollTo(0, 0));

    // Throttling and partial failures: everything still arrives, with retries.
    await page.click('#toggle-throttle');
    await page.click('#toggle-partial');
    await page.waitForFunction(() => document.querySelector('#events').textContent.includes('Partial failures 30%: on'));
    await page.click('#burst');
    await page.click('#add-p08');
    await settled(page);
    const throttled = await snapshotOf(page);
    assert.ok(throttled.retried > 0, `retries happened under faults: ${JSON.stringify(throttled)}`);
    await page.click('#toggle-throttle');
    await page.click('#toggle-partial');

    // Offline: events wait in the producer; a reload flushes first, so it waits until the proxy is back.
    await page.click('#toggle-offline');
    await page.waitForFunction(() => document.querySelector('#events').textContent.includes('Go offline: on'));
    await page.click('#add-p03');
    await page.click('#add-p04');
    const offlineIds = await page.evaluate(() => window.demo.trackedIds().slice(-2));
    const resets = () => standins.proxy.log().filter((e) => e.target === 'PutRecords' && e.fault === 'reset').length;
    const deadline = Date.now() + 15_000;
    while (resets() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(resets() >= 2, 'the offline proxy dropped the producer\'s requests');
    await page.click('#reload');
    await page.waitForFunction(() => document.querySelector('#reload').textContent === 'Flushing…');
    const offline = await snapshotOf(page);
    assert.equal(offline.buffered + offline.inFlight, 2, 'the offline events are still held');
    const readWhileOffline = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: site.streamName });
    const idsIn = (records) => records.map((r) => JSON.parse(Buffer.from(r.data).toString('utf8')).id);
    assert.ok(offlineIds.every((id) => !idsIn(readWhileOffline).includes(id)), 'nothing got through while offline');
    await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), page.click('#toggle-offline')]);

    // After the reload: a new producer; the server clock runs 10 minutes ahead and the producer corrects.
    await page.evaluate(() => window.demo.ready);
    assert.equal(await page.getAttribute('#toggle-offline', 'aria-pressed'), 'false');
    await page.click('#toggle-clock');
    await page.waitForFunction(() => document.querySelector('#events').textContent.includes('Server clock +10 min: on'));
    await page.click('#add-p06');
    await page.click('#flush');
    await page.waitForFunction(() => Math.abs(window.demo.snapshot().clockOffsetMs - 600_000) <= 2000, null, { timeout: 15_000 });
    await page.click('#add-p09');
    await settled(page);

    // The panel against an independent read of the stream.
    const final = await snapshotOf(page);
    const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: site.streamName });
    const panelSent = Number((await page.textContent('#count-sent')).replace(/\D/g, ''));
    assert.equal(panelSent, read.length, 'the panel\'s "sent" equals the records read back');
    assert.equal(final.failed, 0);
    const events = read.map((r) => JSON.parse(Buffer.from(r.data).toString('utf8')));
    const tracked = await page.evaluate(() => window.demo.trackedIds());
    assert.deepEqual(events.map((e) => e.id).sort(), [...tracked].sort(), 'every tracked id read back exactly once');
    assert.equal(new Set(tracked).size, tracked.length);
    assert.ok(offlineIds.every((id) => tracked.includes(id)));
    const names = new Set(events.map((e) => e.name));
    for (const name of ['page_view', 'add_to_cart', 'product_click', 'nav_click', 'scroll', 'checkout', 'burst']) {
      assert.ok(names.has(name), `a ${name} event was read back`);
    }
    const depths = events.filter((e) => e.name === 'scroll').map((e) => e.attributes.depthPercent);
    assert.deepEqual([...new Set(depths)].sort((a, b) => a - b), [25, 50, 75, 100]);
    assert.equal(new Set(events.map((e) => e.sessionId)).size, 2, 'two page loads, two sessions');

    // The per-shard bars count what each shard holds (once they are redrawn after the last read).
    await page.waitForFunction((total) => [...document.querySelectorAll('#shards .shard')]
      .reduce((sum, row) => sum + Number(row.dataset.records), 0) === total, read.length);
    const bars = await page.$$eval('#shards .shard', (rows) => rows.map((r) => [r.dataset.shard, Number(r.dataset.records)]));
    const perShard = new Map();
    for (const r of read) perShard.set(r.shardId, (perShard.get(r.shardId) ?? 0) + 1);
    assert.deepEqual(new Map(bars), perShard);
    assert.equal(bars.length, SHARDS);
    assert.equal(await page.getAttribute('#verdict', 'data-state'), 'good');

    const faults = standins.proxy.log().map((e) => e.fault ?? '');
    assert.ok(faults.some((f) => f.startsWith('partial:')), 'partial failures were injected');
    assert.ok(faults.some((f) => f.startsWith('error:400 ProvisionedThroughputExceededException')), 'throttling was injected');
    assert.ok(faults.includes('clock-skew'), 'the skewed clock rejected a request');
    assert.deepEqual(errors, []);

    await page.evaluate(() => scrollTo(0, 0));
    await page.waitForTimeout(1100); // one more chart second
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}demo.png` });
    await page.close();
  });

test('the partition key choice flushes, reloads and keys product events by product',
  async () => {
    const site = await startSite('partition-choice');
    const { page, errors } = await openPage(site);
    await page.evaluate(() => window.demo.ready);
    await page.click('#add-p01');
    await Promise.all([page.waitForEvent('load'), page.selectOption('#partition-key', 'product')]);
    await page.evaluate(() => window.demo.ready);
    assert.match(await page.textContent('#status'), /partition key: product/);
    await page.click('#add-p02');
    await page.click('#add-p02');
    await page.click('#product-p07');
    await settled(page);
    const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: site.streamName });
    const events = read.map((r) => ({ key: r.partitionKey, ...JSON.parse(Buffer.from(r.data).toString('utf8')) }));
    const secondLoad = events.filter((e) => e.sessionId === events.find((x) => x.attributes.productId === 'p02').sessionId);
    assert.deepEqual(
      secondLoad.map((e) => [e.name, e.key === e.sessionId ? 'session' : e.key]).sort(),
      [['add_to_cart', 'p02'], ['add_to_cart', 'p02'], ['page_view', 'p07'], ['page_view', 'session'], ['product_click', 'p07']].sort(),
    );
    const firstLoad = events.filter((e) => !secondLoad.includes(e));
    assert.equal(firstLoad.length, 2, 'page_view and add_to_cart of the first load, flushed before the reload');
    assert.ok(firstLoad.every((e) => e.key !== e.sessionId && !/^p\d\d$/.test(e.key)), 'random keys before the change');
    assert.deepEqual(errors, []);
    await page.close();
  });
