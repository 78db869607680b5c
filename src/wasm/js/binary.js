// `data`'s bytes as a Uint8Array when it is binary: a Uint8Array as is, any other ArrayBuffer view
// over the bytes it views, an ArrayBuffer whole; undefined for anything else (also when the checks
// throw, as for a Proxy whose prototype lookup throws).
export function binaryBytes(data) {
  try {
    if (data instanceof Uint8Array) return data;
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
  } catch {}
}
