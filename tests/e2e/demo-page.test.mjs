// The demo page in headless Chromium against the stand-ins: cross-origin signed-shape requests to the
// fault proxy (preflight, keepalive, readable Date and error type), the page's fault controls, and —
// once `make build` has produced pkg/ — the wasm producer sending clicks that are read back byte for byte.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startStandins } from '../support/standins.mjs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../support/kinesalite.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';
import { toAmzDate } from '../support/fault-proxy.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PKG_ENTRY = fileURLToPath(new URL('../../pkg/kinesis_clickstream.js', import.meta.url));
let standins;
let site;
let browser;
let page;

before(async () => {
  standins = await startStandins({ shards: 4, streams: ['clickstream'] });
  site = await startStaticServer({
    config: {
      streamName: standins.streamName,
      region: LOCAL_REGION,
      endpoint: standins.faultProxyUrl,
      faultProxyUrl: standins.faultProxyUrl,
      credentials: { ...LOCAL_CREDENTIALS, sessionToken: 'browser-test-session-token' },
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
after(async () => {
  await browser?.close();
  await site?.stop();
  await standins?.stop();
});
beforeEach(async () => {
  standins.proxy.reset();
  await page?.close();
  page = await browser.newPage();
  await page.goto(`${site.url}/`);
});

// Sends one PutRecords from the page's origin with the headers a signed request carries.
function putFromPage(records, { keepalive = false } = {}) {
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
  }, { endpoint: standins.faultProxyUrl, streamName: standins.streamName, records, amzDate: toAmzDate(Date.now()), keepalive });
}

test('a signed-shape keepalive PutRecords from the page is preflighted, delivered, and its Date is readable', async () => {
  const records = [{ partitionKey: 'page-a', text: 'from the page' }, { partitionKey: 'page-b', text: 'second' }];
  const answer = await putFromPage(records, { keepalive: true });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.FailedRecordCount, 0);
  assert.ok(Math.abs(Date.parse(answer.date) - Date.now()) < 5000, `Date header ${answer.date} readable`);
  assert.deepEqual(standins.proxy.log().map((e) => e.method), ['OPTIONS', 'POST']);
  const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: standins.streamName });
  assertSameRecords(records.map((r) => ({ partitionKey: r.partitionKey, data: r.text })), read.filter((r) => r.partitionKey.startsWith('page-')));
});

test('the page sees whole-request faults with a readable x-amzn-ErrorType and the skewed Date', async () => {
  standins.proxy.configure({ rules: [{ fault: 'error', type: 'ProvisionedThroughputExceededException', times: 1 }] });
  const throttled = await putFromPage([{ partitionKey: 'k', text: 'x' }]);
  assert.equal(throttled.status, 400);
  assert.equal(throttled.errorType, 'ProvisionedThroughputExceededException');
  assert.equal(throttled.body.__type, 'ProvisionedThroughputExceededException');

  standins.proxy.configure({ clockOffsetMs: 3_600_000 });
  const skewed = await putFromPage([{ partitionKey: 'k', text: 'x' }]);
  assert.equal(skewed.status, 400);
  assert.equal(skewed.errorType, 'InvalidSignatureException');
  assert.match(skewed.body.message, /^Signature expired/);
  assert.ok(Math.abs(Date.parse(skewed.date) - (Date.now() + 3_600_000)) < 5000, `skewed Date ${skewed.date}`);
});

test("the page's fault buttons configure the proxy and its log table shows the proxy's requests", async () => {
  await page.click('button:has-text("Next 3 requests: 503")');
  await page.waitForFunction(() => document.querySelector('#events').textContent.includes('fault set'));
  assert.deepEqual(standins.proxy.faults().rules.map((r) => [r.fault, r.status, r.times]), [['error', 503, 3]]);
  await putFromPage([{ partitionKey: 'k', text: 'x' }]);
  await page.waitForFunction(() => document.querySelector('#proxy-log').textContent.includes('error:503'), null, { timeout: 5000 });
  await page.click('[data-fault-reset]');
  await page.waitForFunction(() => document.querySelector('#events').textContent.includes('faults cleared'));
  assert.deepEqual(standins.proxy.faults().rules, []);
});

test('the wasm producer on the page sends tracked clicks that are read back from the stream',
  { skip: existsSync(PKG_ENTRY) ? false : 'pkg/ is not built (make build)' },
  async () => {
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.evaluate(() => window.demo.ready);
    assert.equal(await page.getAttribute('#status', 'data-state'), 'ready');
    standins.proxy.configure({ rules: [{ fault: 'partial', fraction: 0.3, times: 1 }] });
    for (const id of ['buy', 'add-to-cart', 'wishlist', 'details']) await page.click(`#${id}`);
    const report = await page.evaluate(() => window.demo.producer.flush());
    assert.ok(report !== undefined);
    const stats = await page.evaluate(() => JSON.parse(JSON.stringify(window.demo.producer.stats(), (_, v) => (typeof v === 'bigint' ? Number(v) : v))));
    assert.equal(stats.buffered, 0, JSON.stringify(stats));
    const read = await readAllRecords({ endpoint: standins.kinesaliteUrl, streamName: standins.streamName });
    const events = read.flatMap((r) => {
      try {
        return [JSON.parse(Buffer.from(r.data).toString('utf8'))];
      } catch {
        return []; // raw records of the other tests
      }
    });
    const clicks = events.filter((e) => e.name === 'click').map((e) => e.attributes?.elementId).sort();
    assert.deepEqual(clicks, ['add-to-cart', 'buy', 'details', 'wishlist'], 'each click read back exactly once');
    assert.ok(events.some((e) => e.name === 'page_view'), 'the page_view was read back');
    assert.deepEqual(pageErrors, []);
  });
