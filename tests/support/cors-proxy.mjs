// A tiny CORS-answering HTTP proxy on 127.0.0.1 for browser tests against stand-ins that cannot
// answer preflights themselves (moto with IAM auth on rejects the unsigned OPTIONS request).
//
// - OPTIONS with Access-Control-Request-Method: answered here with 204, allowing the requested
//   method and headers from any origin; never forwarded.
// - Everything else: forwarded to `target` unchanged, Host header included (SigV4 signs the host
//   the browser sent, which is this proxy's); the response gets Access-Control-Allow-Origin and
//   Access-Control-Expose-Headers (Date, so the client can learn clock skew, and the AWS request
//   id / error type headers).
// - An unreachable target gives 502 with an AWS-style JSON error body.

import http from "node:http";

export const EXPOSED_HEADERS = "Date, x-amzn-RequestId, x-amzn-ErrorType, x-amz-id-2";

function allowOrigin(request) {
  return request.headers.origin ?? "*";
}

function answerPreflight(request, response) {
  response.writeHead(204, {
    "Access-Control-Allow-Origin": allowOrigin(request),
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers":
      request.headers["access-control-request-headers"] ?? "content-type",
    "Access-Control-Max-Age": "600",
    Vary: "Origin, Access-Control-Request-Headers",
    "Content-Length": "0",
  });
  response.end();
}

function forward(target, request, response) {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
    },
    (upstreamResponse) => {
      const headers = { ...upstreamResponse.headers };
      headers["access-control-allow-origin"] = allowOrigin(request);
      headers["access-control-expose-headers"] = EXPOSED_HEADERS;
      headers.vary = headers.vary ? `${headers.vary}, Origin` : "Origin";
      response.writeHead(upstreamResponse.statusCode, headers);
      upstreamResponse.pipe(response);
    },
  );
  upstream.on("error", (error) => {
    if (response.headersSent) {
      response.destroy(error);
      return;
    }
    response.writeHead(502, {
      "Content-Type": "application/x-amz-json-1.1",
      "Access-Control-Allow-Origin": allowOrigin(request),
      "Access-Control-Expose-Headers": EXPOSED_HEADERS,
    });
    response.end(JSON.stringify({ __type: "ProxyError", message: `upstream: ${error.message}` }));
  });
  request.pipe(upstream);
}

/**
 * Starts the proxy in front of `target` (an http://127.0.0.1:PORT URL) on 127.0.0.1 and `port`
 * (0: any free one). Resolves with { url, port, requests, stop() }; `requests` counts what was
 * forwarded and what was answered here, for tests.
 */
export function startCorsProxy({ target, port = 0 }) {
  const targetUrl = new URL(target);
  if (targetUrl.protocol !== "http:") {
    throw new Error(`cors-proxy forwards to http:// targets only, got ${target}`);
  }
  const requests = { preflights: 0, forwarded: 0 };
  const server = http.createServer((request, response) => {
    if (request.method === "OPTIONS" && request.headers["access-control-request-method"]) {
      requests.preflights += 1;
      answerPreflight(request, response);
    } else {
      requests.forwarded += 1;
      forward(targetUrl, request, response);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const actualPort = server.address().port;
      resolve({
        url: `http://127.0.0.1:${actualPort}`,
        port: actualPort,
        requests,
        stop: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
