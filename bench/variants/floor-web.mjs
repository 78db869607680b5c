// Native floor in the page: the body hand-built in one Uint8Array, SHA-256 and HMAC by WebCrypto, the
// signing key derived once per day and kept as a CryptoKey.
import { CREDENTIALS, REGION } from '../lib/workload.mjs';
import { BODY_PARTS as P, amzDates, bodyLength, canonicalRequest, hex, signedHeaders, stringToSign } from '../lib/sigv4-text.mjs';

const encoder = new TextEncoder();
const subtle = globalThis.crypto.subtle;

async function hmacRaw(keyBytes, text) {
  const key = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', key, encoder.encode(text)));
}

const ALPHABET = encoder.encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const EQUALS = 61;

/** Writes the base64 of `bytes` into `out` at `at`; returns the end offset. */
function base64Into(out, at, bytes) {
  const whole = bytes.length - (bytes.length % 3);
  let i = 0;
  for (; i < whole; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[at] = ALPHABET[v >>> 18];
    out[at + 1] = ALPHABET[(v >>> 12) & 63];
    out[at + 2] = ALPHABET[(v >>> 6) & 63];
    out[at + 3] = ALPHABET[v & 63];
    at += 4;
  }
  const rest = bytes.length - whole;
  if (rest) {
    const v = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[at] = ALPHABET[v >>> 18];
    out[at + 1] = ALPHABET[(v >>> 12) & 63];
    out[at + 2] = rest === 2 ? ALPHABET[(v >>> 6) & 63] : EQUALS;
    out[at + 3] = EQUALS;
    at += 4;
  }
  return at;
}

/**
 * The body bytes of `batch`, written into one Uint8Array: base64 straight from the record bytes and the
 * ASCII pieces copied by hand (measured faster here than toBase64 + encodeInto or one big string).
 */
export function buildBodyWeb(batch) {
  const out = new Uint8Array(bodyLength(batch));
  let at = 0;
  const put = (s) => {
    for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  };
  put(P.head);
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i];
    if (i) put(P.separator);
    put(P.dataOpen);
    at = base64Into(out, at, r.data);
    put(P.keyOpen);
    put(r.partitionKey);
    put(P.recordClose);
  }
  put(P.tail);
  if (at !== out.length) throw new Error(`floor: body length ${at} != ${out.length}`);
  return out;
}

/** Signs bodies for `host` with WebCrypto; resolves `{headers, body}`. */
export function webSigner(host) {
  let keyDay = '';
  let key;
  return async (body, now = Date.now()) => {
    const { amzDate, day } = amzDates(now);
    if (day !== keyDay) {
      let k = encoder.encode('AWS4' + CREDENTIALS.secretAccessKey);
      for (const part of [day, REGION, 'kinesis', 'aws4_request']) k = await hmacRaw(k, part);
      key = await subtle.importKey('raw', k, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      keyDay = day;
    }
    const payloadHex = hex(await subtle.digest('SHA-256', body));
    const canonicalHex = hex(await subtle.digest('SHA-256', encoder.encode(canonicalRequest(host, amzDate, payloadHex))));
    const signature = hex(await subtle.sign('HMAC', key, encoder.encode(stringToSign(amzDate, day, canonicalHex))));
    return { headers: signedHeaders(amzDate, day, signature), body };
  };
}

/** Build + sign of one PutRecords per `run(batch)`; with `send`, also POSTs it to the endpoint. */
export async function create({ endpoint, send = false }) {
  const sign = webSigner(new URL(endpoint).host);
  return {
    async run(batch) {
      const { headers, body } = await sign(buildBodyWeb(batch));
      if (send) {
        const res = await fetch(endpoint + '/', { method: 'POST', headers, body });
        if (!res.ok) throw new Error(`floor: HTTP ${res.status}`);
        await res.arrayBuffer();
      }
    },
  };
}
