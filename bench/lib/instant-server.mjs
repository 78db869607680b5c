// A 127.0.0.1 HTTP server for the bench: answers every POST / with a full PutRecords success for as many
// records as the body holds, and serves the bench page, its bundles and the package files with the
// COOP/COEP headers that make the page cross-origin isolated (5 µs performance.now() resolution).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { putRecordsReply } from './reply.mjs';
import { listenOnLoopback, closeServer } from '../../tests/support/ports.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const MARKER = Buffer.from('"PartitionKey"');

function countRecords(body) {
  let n = 0;
  for (let at = body.indexOf(MARKER); at !== -1; at = body.indexOf(MARKER, at + MARKER.length)) n++;
  return n;
}

/**
 * Starts the server; `mounts` maps URL prefixes ("/pkg/") to directories. Resolves
 * `{url, stop(), counts: {requests, records}}`.
 */
export async function startInstantServer(mounts = {}) {
  const counts = { requests: 0, records: 0 };
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const n = countRecords(Buffer.concat(chunks));
        counts.requests++;
        counts.records += n;
        const reply = putRecordsReply(n);
        res.writeHead(200, { ...ISOLATION, 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': reply.length, Date: new Date().toUTCString() });
        res.end(reply);
      });
      return;
    }
    serveFile(req, res, mounts).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  server.keepAliveTimeout = 60000;
  const { url } = await listenOnLoopback(server, 0);
  return { url, counts, stop: () => closeServer(server) };
}

async function serveFile(req, res, mounts) {
  const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (pathname === '/favicon.ico') {
    res.writeHead(204, ISOLATION);
    res.end();
    return;
  }
  for (const [prefix, dir] of Object.entries(mounts)) {
    if (!pathname.startsWith(prefix)) continue;
    const file = path.join(dir, pathname.slice(prefix.length) || 'index.html');
    if (!file.startsWith(path.resolve(dir))) break;
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    } catch {
      break;
    }
  }
  res.writeHead(404, ISOLATION);
  res.end('not found');
}
