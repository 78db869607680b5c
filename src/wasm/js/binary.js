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

const encoder = new TextEncoder();

// Writes the UTF-8 of the string `text` into the Uint8Array `view` (which the caller sized for it)
// and returns the bytes written: one call where TextEncoder.encodeInto and reading `written` take
// three bindings.
export function encodeInto(text, view) {
  return encoder.encodeInto(text, view).written;
}

// `bytes` as the glue passes it: a Uint8Array view of the wasm memory it lies in, kept by the caller.
export const memoryView = (bytes) => bytes;
