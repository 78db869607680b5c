const encoder = new TextEncoder();
// What `encodeData` left for the next `encodeKept`: a string or a Uint8Array.
let kept;

// Writes `value` (a string as UTF-8, or a Uint8Array) into the Uint8Array `view`, which has room for
// it; returns the bytes written.
const write = (value, view) =>
  typeof value === 'string' ? encoder.encodeInto(value, view).written : (view.set(value), value.length);

// What `put` stores for `data`, written into `view` (a kept view of wasm memory, empty once its
// buffer is detached) in one call: a string's UTF-8; the bytes of a Uint8Array, of any other
// ArrayBuffer view (the bytes it views) or of an ArrayBuffer (the type checks count as false when
// they throw, as for a Proxy whose prototype lookup throws); else the UTF-8 of its JSON text. Returns
// the bytes written; -1 when JSON has no text for `data`; -2 - n when `view` may be too small for
// them: they are kept for encodeKept() into a view of n bytes. Throws what JSON.stringify throws
// (cycles, BigInt).
export function encodeData(data, view) {
  let value = data;
  if (typeof data !== 'string') {
    value = undefined;
    try {
      if (data instanceof Uint8Array) value = data;
      else if (ArrayBuffer.isView(data)) value = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      else if (data instanceof ArrayBuffer) value = new Uint8Array(data);
    } catch {}
    value ??= JSON.stringify(data);
    if (value === undefined) return -1;
  }
  // Up to three UTF-8 bytes per UTF-16 unit.
  const size = typeof value === 'string' ? 3 * value.length : value.length;
  if (size > view.length) {
    kept = value;
    return -2 - size;
  }
  return write(value, view);
}

// Writes what encodeData kept into `view` and returns the bytes written.
export function encodeKept(view) {
  const written = write(kept, view);
  kept = undefined;
  return written;
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
