// The parts of `new URL(text)` the endpoint check reads: [protocol, host, pathname + search + hash,
// username + password]; undefined when `text` is not an absolute URL.
export function urlParts(text) {
  try {
    const url = new URL(text);
    return [url.protocol, url.host, url.pathname + url.search + url.hash, url.username + url.password];
  } catch {}
}
