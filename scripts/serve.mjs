#!/usr/bin/env node
// A small static file server on 127.0.0.1 for the demo page (www/) and the built package (pkg/ at /pkg/).
//
//   node scripts/serve.mjs [--port N] [--config FILE.json]
//
// With a config, `/config.json` answers it (the demo passes the stand-ins' endpoint to the page that way);
// with an `api` function, paths under `/api/` are answered by it as JSON (the demo's stream read-back).
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listenOnLoopback, closeServer } from '../tests/support/ports.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Content types by file extension; anything else is served as application/octet-stream. */
export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The routes `make demo` serves: the built package under /pkg/, the page at /. */
export const DEFAULT_ROUTES = [
  { prefix: '/pkg/', dir: path.join(REPO_ROOT, 'pkg') },
  { prefix: '/', dir: path.join(REPO_ROOT, 'www') },
];

/**
 * Serves files under each route's `dir` at its URL `prefix` (first matching prefix wins; a directory
 * serves its index.html; a route's `types`, by extension, override MIME_TYPES) on 127.0.0.1:`port`
 * (0 = free port). `config`, when given, is answered as `/config.json`. `api(pathname, searchParams)`,
 * when given, answers GETs under `/api/` with `{status, body}` (sent as JSON) or undefined (404). Never
 * serves a path outside a route's directory. Resolves `{url, port, stop()}`.
 */
export async function startStaticServer({ routes = DEFAULT_ROUTES, config, api, port = 0 } = {}) {
  const server = http.createServer((req, res) => {
    serve(req, res, routes, config, api).catch((err) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `server error: ${err.message}\n`);
      else res.destroy();
    });
  });
  const { url, port: boundPort } = await listenOnLoopback(server, port);
  return { url, port: boundPort, stop: () => closeServer(server) };
}

async function serve(req, res, routes, config, api) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
  }
  let pathname;
  let url;
  try {
    url = new URL(req.url, 'http://localhost');
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'bad path\n');
  }
  if (api && pathname.startsWith('/api/')) {
    const answer = (await api(pathname, url.searchParams)) ?? { status: 404, body: { message: `no API route ${pathname}` } };
    return send(res, answer.status, MIME_TYPES['.json'], JSON.stringify(answer.body), {}, req.method === 'HEAD');
  }
  if (pathname === '/config.json' && config !== undefined) {
    return send(res, 200, MIME_TYPES['.json'], JSON.stringify(config, null, 2), {}, req.method === 'HEAD');
  }
  const route = routes.find((r) => pathname.startsWith(r.prefix));
  if (!route) return send(res, 404, 'text/plain; charset=utf-8', `not found: ${pathname}\n`);
  const root = path.resolve(route.dir);
  let file = path.resolve(root, `.${path.sep}${pathname.slice(route.prefix.length)}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    return send(res, 403, 'text/plain; charset=utf-8', 'outside the served directory\n');
  }
  let stat = await fs.stat(file).catch(() => null);
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = await fs.stat(file).catch(() => null);
  }
  if (!stat?.isFile()) return send(res, 404, 'text/plain; charset=utf-8', `not found: ${pathname}\n`);
  const body = await fs.readFile(file);
  const extension = path.extname(file).toLowerCase();
  const type = route.types?.[extension] ?? MIME_TYPES[extension] ?? 'application/octet-stream';
  send(res, 200, type, body, {}, req.method === 'HEAD');
}

function send(res, status, type, body, extra = {}, headOnly = false) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': bytes.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(headOnly ? undefined : bytes);
}

async function main() {
  const args = process.argv.slice(2);
  let port = 0;
  let config;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--config') config = JSON.parse(await fs.readFile(args[++i], 'utf8'));
    else {
      console.error(`serve: unknown option ${args[i]}\nusage: node scripts/serve.mjs [--port N] [--config FILE.json]`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port must be 0..65535, got ${port}`);
    process.exit(2);
  }
  const server = await startStaticServer({ port, config });
  console.log(`serving www/ and pkg/ at ${server.url}/`);
  const stop = () => server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
