// Proves tests/support/runner-proxy.mjs: each request the browser sends reaches 127.0.0.1 on a connection of
// its own that closes after the response (what keeps the test runner's HTTP server from stalling), other
// hosts are refused, a refused port stays a network error, and Chromium is told to use it for loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startCloseProxy, capabilitiesWithProxy, standinOrigins, freePort } from '../support/runner-proxy.mjs';

let proxy;
let origin;
let upstreamSockets;
let seenHeaders;

before(async () => {
  upstreamSockets = new Set();
  seenHeaders = [];
  origin = http.createServer((req, res) => {
    upstreamSockets.add(req.socket);
    seenHeaders.push(req.headers);
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
  });
  await new Promise((resolve) => origin.listen(0, '127.0.0.1', resolve));
  proxy = await startCloseProxy();
});
after(async () => {
  await proxy?.stop();
  origin?.closeAllConnections();
  await new Promise((resolve) => origin?.close(resolve));
});

/** Sends `method url` in proxy form to the proxy over `agent`; resolves {status, headers, body}. */
function viaProxy(url, { method = 'GET', body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxy.port, method, path: url, agent }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('two requests on one kept-alive browser connection reach the server on two connections, each closed', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = `http://127.0.0.1:${origin.address().port}`;
  const before = upstreamSockets.size;
  const first = await viaProxy(`${base}/worker.js?x=1`, { agent });
  const second = await viaProxy(`${base}/snippets/a.js`, { method: 'POST', body: 'data', agent });
  agent.destroy();
  assert.equal(first.status, 200);
  assert.equal(first.body, 'GET /worker.js?x=1 ');
  assert.equal(second.body, 'POST /snippets/a.js data');
  assert.equal(upstreamSockets.size - before, 2);
  for (const headers of seenHeaders.slice(-2)) {
    assert.equal(headers.connection, 'close');
    assert.equal(headers['proxy-connection'], undefined);
  }
});

test('a host other than 127.0.0.1 gets 403 and never leaves the machine', async () => {
  const res = await viaProxy('http://clients2.google.com/time/1/current');
  assert.equal(res.status, 403);
});

test('a refused port closes the browser connection without an HTTP answer', async () => {
  const port = await freePort();
  await assert.rejects(viaProxy(`http://127.0.0.1:${port}/`), (err) => ['ECONNRESET', 'ECONNREFUSED'].includes(err.code) || /socket hang up/.test(err.message));
});

test('capabilities keep webdriver.json arguments and send loopback through the proxy except the stand-ins', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-proxy-test-'));
  const source = path.join(dir, 'webdriver.json');
  fs.writeFileSync(source, JSON.stringify({ 'goog:chromeOptions': { binary: '/usr/bin/chromium', args: ['--no-sandbox'] } }));
  const direct = standinOrigins({ KINESALITE_URL: 'http://127.0.0.1:4567', FAULT_PROXY_URL: 'http://127.0.0.1:4568/' });
  const capabilities = capabilitiesWithProxy(source, 9999, direct);
  fs.rmSync(dir, { recursive: true });
  assert.deepEqual(capabilities['goog:chromeOptions'], {
    binary: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--proxy-server=http://127.0.0.1:9999',
      '--proxy-bypass-list=<-loopback>;127.0.0.1:4567;127.0.0.1:4568',
    ],
  });
  assert.deepEqual(capabilitiesWithProxy(null, 1, [])['goog:chromeOptions'].args.length, 2);
});
