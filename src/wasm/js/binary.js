const encoder = new TextEncoder();
// What `encodeData` left for the next `takeKept`: a Uint8Array, or what JSON.stringify threw.
let kept;

// What `put` stores for `data`, in one call: a string's UTF-8, written into `view` (a kept view of
// wasm memory, empty once its buffer is detached) when it surely fits, the count returned; -1 when
// JSON has no text for `data`; else the bytes are kept for takeKept() and -2 returned (-3 when
// `view` was detached): those of a Uint8Array, of any other ArrayBuffer view (the bytes it views) or
// of an ArrayBuffer (the type checks count as false when they throw, as for a Proxy whose prototype
// lookup throws), or the UTF-8 of text that may not fit `view`. Anything else is stored as its JSON
// text; -4 when JSON.stringify threw (cycles, BigInt): what it threw is kept (caught here, not by a
// glue wrapper around every call).
export function encodeData(data, view) {
  if (typeof data !== 'string') {
    try {
      kept =
        data instanceof Uint8Array ? data
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : data instanceof ArrayBuffer ? new Uint8Array(data)
        : undefined;
    } catch {}
    if (kept) return -2;
    try {
      data = JSON.stringify(data);
    } catch (thrown) {
      kept = thrown;
      return -4;
    }
    if (data === undefined) return -1;
  }
  // Up to three UTF-8 bytes per UTF-16 unit; `<` so that a detached (empty) view is never written to.
  if (3 * data.length < view.length) return encoder.encodeInto(data, view).written;
  kept = encoder.encode(data);
  return view.length ? -2 : -3;
}

// What encodeData kept.
export function takeKept() {
  const value = kept;
  kept = undefined;
  return value;
}

// One of `put`'s options read in one call: `which` 0 gives the first own key other than partitionKey
// and explicitHashKey (undefined when there is none), 1 `options.partitionKey`, 2
// `options.explicitHashKey` (undefined when reading it throws).
export function putOption(options, which) {
  if (which) {
    try {
      return which === 1 ? options.partitionKey : options.explicitHashKey;
    } catch {}
    return;
  }
  for (const key of Object.keys(options)) if (key !== 'partitionKey' && key !== 'explicitHashKey') return key;
}

// The `index`th of `Object.keys(object)`; undefined past the last.
export const keyAt = (object, index) => Object.keys(object)[index];

// `bytes` as the glue passes it: a Uint8Array view of the wasm memory it lies in, kept by the caller.
export const memoryView = (bytes) => bytes;
