// Base64 of bytes with the fastest built-in each runtime has: Uint8Array#toBase64 (recent Chromium),
// Buffer (Node), else btoa over latin1 chunks.

const CHUNK = 0x8000;

/** Standard base64 (with padding) of `bytes`. */
export const toBase64 =
  typeof Uint8Array.prototype.toBase64 === 'function'
    ? (bytes) => bytes.toBase64()
    : typeof globalThis.Buffer === 'function'
      ? (bytes) => globalThis.Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
      : (bytes) => {
          let s = '';
          for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
          return btoa(s);
        };
