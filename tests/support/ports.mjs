// Loopback listening helpers shared by the local stand-ins: every server binds 127.0.0.1 only.
import net from 'node:net';

/** The only host any stand-in binds or any test targets. */
export const LOOPBACK = '127.0.0.1';

/**
 * Starts `server` listening on 127.0.0.1 (`port` 0 = a free port chosen by the OS) and resolves with
 * the bound port and its `http://127.0.0.1:PORT` URL.
 */
export function listenOnLoopback(server, port = 0) {
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    server.once('error', onError);
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      const bound = server.address().port;
      resolve({ port: bound, url: `http://${LOOPBACK}:${bound}` });
    });
  });
}

/**
 * Resolves with a port that was free on 127.0.0.1 a moment ago, for processes (e.g. a Python server)
 * that must be told their port up front. Prefer `listenOnLoopback(server, 0)` when you own the server.
 */
export async function freePort() {
  const server = net.createServer();
  const { port } = await listenOnLoopback(server, 0);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Closes an http(s) server and destroys its open connections (keep-alive sockets and requests still
 * stalled in a handler), so `stop()` never hangs on a client that keeps its socket open.
 */
export function closeServer(server) {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * Polls `url` with GET until it answers with any HTTP status (connection refused is retried) or
 * `timeoutMs` passes; for stand-ins started as child processes.
 */
export async function waitForHttp(url, { timeoutMs = 15000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.status;
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${lastError?.cause?.code ?? lastError}`);
}
