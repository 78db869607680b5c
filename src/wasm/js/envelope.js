// The clickstream envelope `track` puts, as JSON text, in its documented key order; `page` only where
// a global `document` exists. `attributes` undefined becomes `{}`; undefined is returned when it is
// anything but an object that is not an array. Throws what JSON.stringify throws (cycles, BigInt).
export function envelopeJson(id, ts, sessionId, seq, name, attributes) {
  if (attributes === undefined) attributes = {};
  else if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return;
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
