// The I/O of one request, sequenced in JS so that no Rust future is needed; every decision (headers,
// keepalive, timeout, what a failure means) stays in Rust.

// SHA-256 of `body` as lowercase hex: node:crypto's one-shot hash (Node >= 20.16), else WebCrypto,
// else undefined (the caller hashes in Rust). All give the same string.
export async function sha256Hex(body) {
  try {
    const hex = globalThis.process?.getBuiltinModule?.('node:crypto')?.hash('sha256', body, 'hex');
    if (hex) return hex;
  } catch {}
  try {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
    return Array.from(digest, (byte) => (byte | 256).toString(16).slice(1)).join('');
  } catch {}
}

// POSTs `body` with the global fetch, aborted after `timeoutMs` (reading the body included). Resolves
// (never rejects) with `{ status, body, date }` (body as text, date null when absent or
// not exposed) or `{ error, timedOut }`.
export async function post(url, headers, body, timeoutMs, keepalive) {
  let timedOut = false;
  let timer;
  try {
    const controller = new AbortController();
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const response = await fetch(url, { method: 'POST', headers, body, keepalive, signal: controller.signal });
    return { status: response.status, date: response.headers.get('date'), body: await response.text() };
  } catch (error) {
    return { error, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

// The buffer of the last body whose fetch settled, reused for the next body that fits: copying into
// memory already touched costs a fraction of a fresh allocation (6.7 MB in Node: 0.6 ms against 4 ms).
let spareBody;

// Sends one request: copies `bytes` (a view of wasm memory, valid only during this call) into the
// spare buffer when it fits (fetch copies the body when called; the buffer is reused only once that
// fetch settled), else into a new one; hashes it here when `hashHere` (else `hash` stays undefined),
// then calls `sign(request)`, which sets `request.{url, headers, timeout, keepalive, done}`
// synchronously, right before fetch; `done` gets what `post` resolves with.
export async function send(bytes, hashHere, sign) {
  const length = bytes.length;
  const body = new Uint8Array(spareBody?.byteLength >= length ? spareBody : new ArrayBuffer(length), 0, length);
  spareBody = undefined;
  body.set(bytes);
  const request = { hash: hashHere ? await sha256Hex(body) : undefined };
  sign(request);
  const outcome = await post(request.url, request.headers, body, request.timeout, request.keepalive);
  spareBody = body.buffer;
  request.done(outcome);
}

// A new pending promise; its `resolve` and `reject` functions are set on `holder`, and it resolves
// after `resolveAfterMs` by the global setTimeout when that is a delay setTimeout honours (< 2^31).
export function pending(holder, resolveAfterMs) {
  return new Promise((resolve, reject) => {
    holder.resolve = resolve;
    holder.reject = reject;
    if (resolveAfterMs < 2 ** 31) setTimeout(resolve, resolveAfterMs);
  });
}

// Whether the global `navigator.userAgent` is `agent`.
export function isUserAgent(agent) {
  return globalThis.navigator?.userAgent === agent;
}
