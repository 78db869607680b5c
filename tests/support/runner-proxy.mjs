#!/usr/bin/env node
// Runs a `wasm-pack test --headless --chrome` command with Chromium's requests to the test runner's own
// server going through a proxy that sends each request on a connection of its own (`Connection: close`).
//
//   node tests/support/runner-proxy.mjs -- <command...>
//
// Why: wasm-bindgen-test-runner 0.2.130 serves the test page with tiny_http 0.12, whose connection pool
// starts with 4 threads and keeps one thread per open connection. When Chromium opens a burst of new
// keep-alive connections (a worker's module graph with several snippet modules opens 5), the pool can lose
// the wake-up for one of them: that connection's requests are never read, the module graph never loads
// and the runner times out with "Failed to detect test as having been run". Connections that close after
// one request hand their thread back, so a connection left waiting is picked up at once.
//
// The runner's port is chosen here (WASM_BINDGEN_TEST_ADDRESS). Chromium sends its requests for 127.0.0.1 to
// the proxy, except those to the stand-ins (KINESALITE_URL, FAULT_PROXY_URL), which stay direct; a request
// to a refused port still fails without an HTTP answer. The browser arguments from ./webdriver.json (or
// WASM_BINDGEN_TEST_WEBDRIVER_JSON) are kept; the proxy arguments are added in a temporary copy.
// RUNNER_PROXY_DEBUG=1 prints each proxied request. Exits with the command's exit code (128 + signal number
// if it was killed).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';

/** Resolves a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a forward proxy on 127.0.0.1 that passes each request for http://127.0.0.1:PORT/... to that port
 * on a fresh connection closed after the response (a failed upstream connection closes the browser's
 * connection, as a refused one would); other hosts get 403. Resolves `{port, stop()}`.
 */
export function startCloseProxy() {
  const server = http.createServer((req, res) => {
    if (process.env.RUNNER_PROXY_DEBUG) console.error(`runner-proxy: ${req.method} ${req.url}`);
    let url;
    try {
      url = new URL(req.url);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (url.protocol !== 'http:' || url.hostname !== HOST) {
      res.writeHead(403).end();
      return;
    }
    const headers = { ...req.headers, connection: 'close' };
    delete headers['proxy-connection'];
    delete headers['keep-alive'];
    const upstream = http.request(
      { host: HOST, port: url.port || 80, method: req.method, path: url.pathname + url.search, headers, agent: false },
      (upstreamRes) => {
        const responseHeaders = { ...upstreamRes.headers };
        delete responseHeaders.connection;
        res.writeHead(upstreamRes.statusCode, upstreamRes.statusMessage, responseHeaders);
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      resolve({
        port: server.address().port,
        stop: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

/**
 * The webdriver capabilities of `source` (or none) with Chromium sending its requests for 127.0.0.1 to
 * the proxy on `proxyPort`, except those to the `direct` origins (host:port).
 */
export function capabilitiesWithProxy(source, proxyPort, direct) {
  const capabilities = source ? JSON.parse(fs.readFileSync(source, 'utf8')) : {};
  const options = (capabilities['goog:chromeOptions'] ??= {});
  options.args = [
    ...(options.args ?? []),
    `--proxy-server=http://${HOST}:${proxyPort}`,
    // `<-loopback>` lifts Chromium's implicit "never proxy loopback" rule.
    `--proxy-bypass-list=${['<-loopback>', ...direct].join(';')}`,
  ];
  return capabilities;
}

/** The host:port of each stand-in URL in `env` (KINESALITE_URL, FAULT_PROXY_URL) that is set. */
export function standinOrigins(env) {
  return ['KINESALITE_URL', 'FAULT_PROXY_URL'].filter((name) => env[name]).map((name) => new URL(env[name]).host);
}

async function main() {
  const separator = process.argv.indexOf('--');
  const command = separator === -1 ? [] : process.argv.slice(separator + 1);
  if (command.length === 0) {
    console.error('runner-proxy: no command given after --');
    process.exit(2);
  }
  const runnerPort = await freePort();
  const proxy = await startCloseProxy();
  const source = process.env.WASM_BINDGEN_TEST_WEBDRIVER_JSON ?? 'webdriver.json';
  const capabilitiesFile = path.join(os.tmpdir(), `runner-proxy-${process.pid}.json`);
  fs.writeFileSync(
    capabilitiesFile,
    JSON.stringify(capabilitiesWithProxy(fs.existsSync(source) ? source : null, proxy.port, standinOrigins(process.env)), null, 2),
  );
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: {
      ...process.env,
      WASM_BINDGEN_TEST_ADDRESS: `${HOST}:${runnerPort}`,
      WASM_BINDGEN_TEST_WEBDRIVER_JSON: capabilitiesFile,
    },
  });
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  const code = await new Promise((resolve) => {
    child.on('error', (err) => { console.error(`runner-proxy: ${err.message}`); resolve(127); });
    child.on('exit', (status, signal) => resolve(signal ? 128 + os.constants.signals[signal] : status));
  });
  await proxy.stop();
  fs.rmSync(capabilitiesFile, { force: true });
  process.exit(code);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
