// The JS-value work of the API calls, in JS because it is smaller there than through bindings: what
// put() stores for non-string data (api.rs), track()'s envelope (envelope.rs) and the parts of the
// endpoint URL (config.rs). Every check, message and error code stays in Rust.

// What `put` stores for a non-string `data`: a Uint8Array as is, any other ArrayBuffer view over the
// bytes it views, an ArrayBuffer whole (the type checks count as false when they throw, as for a
// Proxy whose prototype lookup throws); else its JSON text (undefined when JSON has none). Throws
// what JSON.stringify throws (cycles, BigInt).
export function putData(data) {
  try {
    if (data instanceof Uint8Array) return data;
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
  } catch {}
  return JSON.stringify(data);
}

// The clickstream envelope `track` puts, as JSON text, in its documented key order; `page` only where
// a global `document` exists. Throws what JSON.stringify throws (cycles, BigInt).
export function envelopeJson(id, ts, sessionId, seq, name, attributes) {
  const envelope = { id, ts, sessionId, seq, name, attributes };
  const page = pageContext();
  if (page) envelope.page = page;
  return JSON.stringify(envelope);
}

// `{url, referrer, title}` (each only when a string) of the global `document`; undefined where there
// is none or reading it throws. Read through globalThis, never `window`.
function pageContext() {
  try {
    const document = globalThis.document;
    if (typeof document !== 'object' || document === null) return;
    const page = {};
    const { URL: url, referrer, title } = document;
    if (typeof url === 'string') page.url = url;
    if (typeof referrer === 'string') page.referrer = referrer;
    if (typeof title === 'string') page.title = title;
    return page;
  } catch {}
}

// The parts of `new URL(text)` the endpoint check reads: [protocol, host, pathname + search + hash,
// username + password]; undefined when `text` is not an absolute URL.
export function urlParts(text) {
  try {
    const url = new URL(text);
    return [url.protocol, url.host, url.pathname + url.search + url.hash, url.username + url.password];
  } catch {}
}
