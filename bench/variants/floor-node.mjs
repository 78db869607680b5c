// Native floor in Node: the body written straight into one Buffer, SHA-256 and HMAC by node:crypto,
// the signing key derived once per day. The least work any PutRecords build + sign can do here.
import { createHash, createHmac } from 'node:crypto';
import { CREDENTIALS, REGION } from '../lib/workload.mjs';
import { BODY_PARTS as P, amzDates, bodyLength, canonicalRequest, signedHeaders, stringToSign } from '../lib/sigv4-text.mjs';

const hmac = (key, text) => createHmac('sha256', key).update(text).digest();

/** The body bytes of `batch`, built in a single Buffer. */
export function buildBodyNode(batch) {
  const buf = Buffer.allocUnsafe(bodyLength(batch));
  let at = buf.write(P.head, 0, 'latin1');
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i];
    if (i) at += buf.write(P.separator, at, 'latin1');
    at += buf.write(P.dataOpen, at, 'latin1');
    at += buf.write(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64'), at, 'latin1');
    at += buf.write(P.keyOpen, at, 'latin1');
    at += buf.write(r.partitionKey, at, 'latin1');
    at += buf.write(P.recordClose, at, 'latin1');
  }
  at += buf.write(P.tail, at, 'latin1');
  if (at !== buf.length) throw new Error(`floor: body length ${at} != ${buf.length}`);
  return buf;
}

/** Signs bodies for `host`; returns `{headers, body}`. */
export function nodeSigner(host) {
  let keyDay = '';
  let key;
  return (body, now = Date.now()) => {
    const { amzDate, day } = amzDates(now);
    if (day !== keyDay) {
      key = hmac(hmac(hmac(hmac('AWS4' + CREDENTIALS.secretAccessKey, day), REGION), 'kinesis'), 'aws4_request');
      keyDay = day;
    }
    const payloadHex = createHash('sha256').update(body).digest('hex');
    const canonicalHex = createHash('sha256').update(canonicalRequest(host, amzDate, payloadHex)).digest('hex');
    const signature = createHmac('sha256', key).update(stringToSign(amzDate, day, canonicalHex)).digest('hex');
    return { headers: signedHeaders(amzDate, day, signature), body };
  };
}

/** Build + sign of one PutRecords per `run(batch)`; with `send`, also POSTs it to the endpoint. */
export async function create({ endpoint, send = false }) {
  const sign = nodeSigner(new URL(endpoint).host);
  return {
    async run(batch) {
      const { headers, body } = sign(buildBodyNode(batch));
      if (send) {
        const res = await fetch(endpoint + '/', { method: 'POST', headers, body });
        if (!res.ok) throw new Error(`floor: HTTP ${res.status}`);
        await res.arrayBuffer();
      }
    },
  };
}
