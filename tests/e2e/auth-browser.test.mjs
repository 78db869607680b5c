// Credentials, signatures and the clock from headless Chromium, with the built package (pkg/) loaded
// by tests/pages/auth.html:
// - moto with IAM auth on, behind tests/support/cors-proxy.mjs: PutRecords signed with STS AssumeRole
//   temporary credentials is accepted (read back); a wrong secret or token gets 403, pauses sending
//   and reaches onError with its code and AWS error name;
// - the Cognito unauthenticated flow against moto (auth off): records arrive; after a reload the
//   identity id kept in localStorage is reused (no second GetId);
// - the fault proxy's clock 15 minutes ahead: the offset learned on one page view is kept in
//   localStorage and seeds the next, so a reload is not rejected again;
// - long-term (AKIA…) keys print one console warning recommending temporary credentials.
// Each test has its own browser context (its own localStorage).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startMoto, setupMoto, setMotoAuth, postAwsJson } from '../support/moto.mjs';
import { startCorsProxy } from '../support/cors-proxy.mjs';
import { startKinesalite } from '../support/kinesalite.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';
import { readAllRecords, assertSameRecords } from '../support/readback.mjs';
import { startStaticServer } from '../../scripts/serve.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FIFTEEN_MINUTES_MS = 15 * 60_000;
const OFFSET_TOLERANCE_MS = 5_000;

let moto;
let setup;
let corsProxy;
let kinesalite;
let faultProxy;
let site;
let browser;

before(async () => {
  execFileSync('bash', ['scripts/build.sh', '--if-stale'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  [moto, kinesalite, site, browser] = await Promise.all([
    startMoto(),
    startKinesalite({ shards: 1, streams: [] }),
    startStaticServer({
      routes: [
        { prefix: '/pkg/', dir: path.join(root, 'pkg') },
        { prefix: '/', dir: path.join(root, 'tests/pages') },
      ],
    }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
  ]);
  setup = await setupMoto(moto.url);
  corsProxy = await startCorsProxy({ target: moto.url });
  faultProxy = await startFaultProxy({ target: kinesalite.url });
});

after(async () => {
  await browser?.close().catch(() => {});
  await Promise.allSettled([site?.stop(), corsProxy?.stop(), faultProxy?.stop(), kinesalite?.stop(), moto?.stop()]);
});

/** A fresh browser context (empty localStorage) with the test page loaded and the package ready. */
async function openPage(t) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${site.url}/auth.html`);
  await page.evaluate(() => window.ready);
  return { page, pageErrors };
}

/**
 * In the page: creates a producer with `config` (plus an onError collector), puts `records`
 * ([{partitionKey, text} | {partitionKey, bytes: number[]}]), flushes and, unless `keepOpen`, closes.
 * Resolves {report, stats, errors: [{code, awsError, message}], statsAtCreate, closing}.
 */
function runProducer(page, config, records, { keepOpen = false } = {}) {
  return page.evaluate(async ({ config, records, keepOpen }) => {
    const errors = [];
    const producer = await window.Producer.create({
      ...config,
      onError: (error) => errors.push({ code: error.code, awsError: error.awsError, message: error.message }),
    });
    const statsAtCreate = producer.stats();
    for (const record of records) {
      const data = record.bytes ? new Uint8Array(record.bytes) : record.text;
      producer.put(data, { partitionKey: record.partitionKey });
    }
    const report = await producer.flush();
    const stats = producer.stats();
    const closing = keepOpen ? null : await producer.close();
    if (keepOpen) window.producer = producer;
    return { report, stats, errors, statsAtCreate, closing };
  }, { config, records, keepOpen });
}

const expectedOf = (records) =>
  records.map((r) => ({ partitionKey: r.partitionKey, data: r.bytes ? new Uint8Array(r.bytes) : r.text }));

/** Every record of the moto stream (IAM auth must be off); unsigned calls routed by the credential scope. */
async function readMotoStream() {
  const headers = {
    'Content-Type': 'application/x-amz-json-1.1',
    Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${setup.region}/kinesis/aws4_request, SignedHeaders=host, Signature=00`,
  };
  const call = async (operation, body) => {
    const answer = await postAwsJson(moto.url, { ...headers, 'X-Amz-Target': `Kinesis_20131202.${operation}` }, JSON.stringify(body));
    assert.equal(answer.status, 200, `${operation}: ${answer.text}`);
    return answer.json;
  };
  const records = [];
  for (const shard of (await call('ListShards', { StreamName: setup.streamName })).Shards) {
    let iterator = (await call('GetShardIterator', {
      StreamName: setup.streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON',
    })).ShardIterator;
    for (;;) {
      const page = await call('GetRecords', { ShardIterator: iterator });
      for (const r of page.Records) records.push({ partitionKey: r.PartitionKey, data: new Uint8Array(Buffer.from(r.Data, 'base64')) });
      if (page.Records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

describe('SigV4 from the page, verified by moto with IAM auth on (through the CORS proxy)', () => {
  const motoConfig = (credentials) => ({
    streamName: setup.streamName,
    region: setup.region,
    endpoint: corsProxy.url,
    credentials,
    logLevel: 'silent',
  });

  test('STS AssumeRole temporary credentials: accepted and read back; a wrong secret or token: 403, paused, reported', async (t) => {
    const { page, pageErrors } = await openPage(t);
    const good = [
      { partitionKey: 'sts-signed', text: 'signed in Chromium ✓' },
      { partitionKey: 'sts-signed', bytes: [0, 1, 2, 253, 254, 255] },
      { partitionKey: 'sts-signed-2', text: JSON.stringify({ event: 'click', id: 'buy' }) },
    ];
    const rejectedSecret = [{ partitionKey: 'sts-wrong-secret', text: 'must not arrive' }];
    const rejectedToken = [{ partitionKey: 'sts-wrong-token', text: 'must not arrive either' }];
    await setMotoAuth(moto.url, true);
    let accepted;
    let wrongSecret;
    let wrongToken;
    try {
      accepted = await runProducer(page, motoConfig(setup.temporaryCredentials), good);
      wrongSecret = await runProducer(page, motoConfig({ ...setup.temporaryCredentials, secretAccessKey: 'wrong-secret' }), rejectedSecret);
      wrongToken = await runProducer(page, motoConfig({ ...setup.temporaryCredentials, sessionToken: 'FQoGZXIvYXdzEWRONGTOKEN' }), rejectedToken);
    } finally {
      await setMotoAuth(moto.url, false);
    }
    assert.deepEqual(
      { sent: accepted.report.sent, failed: accepted.report.failed, pending: accepted.report.pending, errors: accepted.errors },
      { sent: 3, failed: 0, pending: 0, errors: [] },
    );
    for (const [run, awsError] of [[wrongSecret, 'SignatureDoesNotMatch'], [wrongToken, 'InvalidClientTokenId']]) {
      assert.deepEqual({ sent: run.report.sent, pending: run.report.pending }, { sent: 0, pending: 1 }, JSON.stringify(run.report));
      assert.equal(run.stats.paused, true, 'sending paused');
      assert.equal(run.stats.buffered + run.stats.inFlight, 1, 'the record is kept');
      assert.equal(run.errors.length, 1, JSON.stringify(run.errors));
      assert.equal(run.errors[0].code, 'ServiceError', run.errors[0].message);
      assert.equal(run.errors[0].awsError, awsError, run.errors[0].message);
      assert.equal(run.closing.pending, 1, 'close() keeps the paused record pending');
    }
    assert.deepEqual(pageErrors, []);
    const read = (await readMotoStream()).filter((r) => r.partitionKey.startsWith('sts-'));
    assertSameRecords(expectedOf(good), read);
  });
});

describe('Cognito unauthenticated identities from the page (moto, IAM auth off, through the CORS proxy)', () => {
  test('records arrive; after a reload the kept identity id is reused without GetId', async (t) => {
    const { page, pageErrors } = await openPage(t);
    const targets = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') targets.push(request.headers()['x-amz-target']);
    });
    const config = {
      streamName: setup.streamName,
      region: setup.region,
      endpoint: corsProxy.url,
      credentials: { cognitoIdentityPoolId: setup.identityPoolId, cognitoEndpoint: `${corsProxy.url}/` },
      logLevel: 'silent',
    };
    const firstRecords = [
      { partitionKey: 'cognito-page', text: 'first page view' },
      { partitionKey: 'cognito-page', bytes: [7, 0, 7, 255] },
    ];
    const forwardedBefore = corsProxy.requests.forwarded;
    const first = await runProducer(page, config, firstRecords);
    assert.deepEqual({ sent: first.report.sent, pending: first.report.pending }, { sent: 2, pending: 0 }, JSON.stringify(first));
    assert.deepEqual(first.errors, []);
    assert.deepEqual(targets, [
      'AWSCognitoIdentityService.GetId',
      'AWSCognitoIdentityService.GetCredentialsForIdentity',
      'Kinesis_20131202.PutRecords',
    ]);
    assert.equal(corsProxy.requests.forwarded - forwardedBefore, 3, 'the proxy forwarded the same three calls');
    const key = `kinesis-clickstream:cognito-identity:${setup.identityPoolId}`;
    const kept = await page.evaluate((key) => localStorage.getItem(key), key);
    assert.match(kept ?? '', /^us-east-1:[0-9a-f-]{36}$/, `identity id kept under ${key}`);

    targets.length = 0;
    await page.reload();
    await page.evaluate(() => window.ready);
    const secondRecords = [{ partitionKey: 'cognito-page', text: 'second page view, same identity' }];
    const second = await runProducer(page, config, secondRecords);
    assert.equal(second.report.sent, 1, JSON.stringify(second));
    assert.deepEqual(targets, [
      'AWSCognitoIdentityService.GetCredentialsForIdentity',
      'Kinesis_20131202.PutRecords',
    ], 'no GetId after the reload');
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), key), kept, 'the same identity is still kept');
    assert.deepEqual(pageErrors, []);
    const read = (await readMotoStream()).filter((r) => r.partitionKey === 'cognito-page');
    assertSameRecords(expectedOf([...firstRecords, ...secondRecords]), read);
  });
});

describe('clock offset kept across page views (fault proxy clock 15 minutes ahead)', () => {
  test('the first view is rejected once and learns the offset; the reloaded view starts with it and is not rejected', async (t) => {
    const streamName = 'auth-browser-skew';
    await kinesalite.createStream(streamName, 1);
    faultProxy.reset();
    faultProxy.configure({ clockOffsetMs: FIFTEEN_MINUTES_MS });
    t.after(() => faultProxy.reset());
    const { page, pageErrors } = await openPage(t);
    const config = {
      streamName,
      region: 'us-east-1',
      endpoint: faultProxy.url,
      credentials: { accessKeyId: 'ASIASKEWBROWSER', secretAccessKey: 'secret', sessionToken: 'token' },
      logLevel: 'silent',
    };
    const posts = () => faultProxy.log().filter((entry) => entry.method === 'POST').map((entry) => entry.fault);
    const firstRecords = [
      { partitionKey: 'skew-a', text: 'signed 15 minutes early' },
      { partitionKey: 'skew-b', bytes: [1, 2, 3, 4, 5] },
    ];
    const first = await runProducer(page, config, firstRecords);
    assert.equal(first.statsAtCreate.clockOffsetMs, 0);
    assert.equal(first.report.sent, 2, JSON.stringify(first));
    assert.ok(Math.abs(first.stats.clockOffsetMs - FIFTEEN_MINUTES_MS) < OFFSET_TOLERANCE_MS, `offset ${first.stats.clockOffsetMs}`);
    assert.deepEqual(posts(), ['clock-skew', null]);
    const key = `kinesis-clickstream:clock-offset:${new URL(faultProxy.url).host}`;
    const stored = Number(await page.evaluate((key) => localStorage.getItem(key), key));
    assert.ok(Math.abs(stored - FIFTEEN_MINUTES_MS) < OFFSET_TOLERANCE_MS, `offset kept under ${key}: ${stored}`);

    await page.reload();
    await page.evaluate(() => window.ready);
    const secondRecords = [{ partitionKey: 'skew-a', text: 'after the reload' }];
    const second = await runProducer(page, config, secondRecords);
    assert.equal(second.statsAtCreate.clockOffsetMs, stored, 'the kept offset seeds the new producer');
    assert.equal(second.report.sent, 1, JSON.stringify(second));
    assert.deepEqual(posts(), ['clock-skew', null, null], 'no second skew rejection');
    assert.deepEqual([...first.errors, ...second.errors], []);
    assert.deepEqual(pageErrors, []);
    assertSameRecords(expectedOf([...firstRecords, ...secondRecords]), await readAllRecords({ endpoint: kinesalite.url, streamName }));
  });
});

describe('long-term access keys', () => {
  async function warningsFor(t, credentials) {
    const { page } = await openPage(t);
    const warnings = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    const streamName = `auth-browser-keys-${credentials.accessKeyId.slice(0, 4).toLowerCase()}`;
    await kinesalite.createStream(streamName, 1);
    const run = await runProducer(page, { streamName, region: 'us-east-1', endpoint: kinesalite.url, credentials },
      [{ partitionKey: 'k', text: 'one' }], { keepOpen: true });
    assert.equal(run.report.sent, 1, JSON.stringify(run));
    // More traffic from the same producer warns no more.
    await page.evaluate(async () => {
      window.producer.put('two', { partitionKey: 'k' });
      await window.producer.flush();
      await window.producer.close();
    });
    return warnings;
  }

  test('AKIA… keys print one console warning recommending temporary credentials', async (t) => {
    const warnings = await warningsFor(t, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' });
    const longTerm = warnings.filter((text) => /long-term/.test(text));
    assert.equal(longTerm.length, 1, JSON.stringify(warnings));
    assert.match(longTerm[0], /^kinesis-clickstream: /);
    assert.match(longTerm[0], /AKIA/);
    assert.match(longTerm[0], /temporary credentials/);
    assert.doesNotMatch(longTerm[0], /EXAMPLE|secret/, 'the key itself is not printed');
  });

  test('temporary (ASIA…) keys print no such warning', async (t) => {
    const warnings = await warningsFor(t, { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
    assert.deepEqual(warnings.filter((text) => /long-term/.test(text)), []);
  });
});
