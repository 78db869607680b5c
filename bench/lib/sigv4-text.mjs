// The text parts of a SigV4 PutRecords signature (canonical request, string to sign, header values),
// shared by the Node and WebCrypto floors; hashing and HMAC are the callers'.
import { CREDENTIALS, REGION, STREAM_NAME } from './workload.mjs';

export const SIGNED_HEADERS = 'content-type;host;x-amz-date;x-amz-security-token;x-amz-target';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET = 'Kinesis_20131202.PutRecords';

/** `{amzDate: YYYYMMDDTHHMMSSZ, day: YYYYMMDD}` of `ms`. */
export function amzDates(ms) {
  const amzDate = new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { amzDate, day: amzDate.slice(0, 8) };
}

/** Credential scope of `day` for Kinesis in the bench region. */
export const scopeOf = (day) => `${day}/${REGION}/kinesis/aws4_request`;

/** The canonical request of a PutRecords POST / to `host` whose body hashes to `payloadHex`. */
export function canonicalRequest(host, amzDate, payloadHex) {
  return (
    'POST\n/\n\n' +
    `content-type:${CONTENT_TYPE}\nhost:${host}\nx-amz-date:${amzDate}\n` +
    `x-amz-security-token:${CREDENTIALS.sessionToken}\nx-amz-target:${TARGET}\n\n` +
    `${SIGNED_HEADERS}\n${payloadHex}`
  );
}

/** The string to sign over a canonical request whose SHA-256 is `canonicalHex`. */
export const stringToSign = (amzDate, day, canonicalHex) =>
  `AWS4-HMAC-SHA256\n${amzDate}\n${scopeOf(day)}\n${canonicalHex}`;

/** The request headers once the signature is known. */
export function signedHeaders(amzDate, day, signatureHex) {
  return {
    'Content-Type': CONTENT_TYPE,
    'X-Amz-Target': TARGET,
    'X-Amz-Date': amzDate,
    'X-Amz-Security-Token': CREDENTIALS.sessionToken,
    Authorization:
      `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scopeOf(day)}, ` +
      `SignedHeaders=${SIGNED_HEADERS}, Signature=${signatureHex}`,
  };
}

/** ASCII pieces of the PutRecords body around each record's base64 data and key. */
export const BODY_PARTS = Object.freeze({
  head: `{"StreamName":"${STREAM_NAME}","Records":[`,
  dataOpen: '{"Data":"',
  keyOpen: '","PartitionKey":"',
  recordClose: '"}',
  separator: ',',
  tail: ']}',
});

/** Exact byte length of the hand-built body (keys are plain ASCII, base64 is 4 bytes per 3). */
export function bodyLength(batch) {
  const p = BODY_PARTS;
  let n = p.head.length + p.tail.length + Math.max(0, batch.length - 1);
  for (const r of batch) {
    n += p.dataOpen.length + 4 * Math.ceil(r.data.length / 3) + p.keyOpen.length + r.partitionKey.length + p.recordClose.length;
  }
  return n;
}

export const hex = (bytes) => {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
};
