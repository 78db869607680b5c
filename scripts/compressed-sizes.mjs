// Byte counts of a file's contents as shipped: raw, `gzip -9` and brotli at quality 11.
//
// gzip is the gzip program itself at -9 (GNU gzip, part of every Debian install), as the size budget of
// issue 5 states it. Node's zlib is a Chromium fork of zlib whose level 9 finds fewer matches in our
// .wasm (about 1.2% larger), so it is not used for gzip.
import { execFileSync } from 'node:child_process';
import { brotliCompressSync, constants } from 'node:zlib';

/** `{raw, gzip, brotli}` byte counts of `bytes` (a Buffer or Uint8Array). */
export function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: execFileSync('gzip', ['-9', '-c', '-n'], { input: bytes, maxBuffer: 64 * 1024 * 1024 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}
