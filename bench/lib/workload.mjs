// Deterministic inputs shared by every variant in Node and in the page: record batches, clickstream
// events and the fake temporary credentials (no network target ever checks them).

/** Stream, region and credentials every variant signs with. */
export const STREAM_NAME = 'clickstream';
export const REGION = 'us-east-1';
export const CREDENTIALS = Object.freeze({
  accessKeyId: 'ASIABENCHMARK0000000',
  secretAccessKey: 'bench-secret-key-not-a-secret-0000000000',
  sessionToken: 'bench-session-token-' + 'x'.repeat(300),
});

/** The two batch shapes of issue 9: 500 records of 200 B and 500 records of 10,000 B. */
export const BATCH_SHAPES = Object.freeze({
  small: { records: 500, bytes: 200 },
  large: { records: 500, bytes: 10000 },
});

/** A small seeded PRNG (mulberry32): same numbers in Node and Chromium. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` records of `bytes` seeded random bytes each, partition keys `user-<n>`. */
export function makeBatch({ records, bytes }, seed = 9) {
  const next = prng(seed);
  const batch = [];
  for (let i = 0; i < records; i++) {
    const data = new Uint8Array(bytes);
    for (let j = 0; j < bytes; j++) data[j] = (next() * 256) | 0;
    batch.push({ data, partitionKey: `user-${(next() * 1e6) | 0}` });
  }
  return batch;
}

/** Bytes of record data (keys excluded) in a batch: the numerator of every MB/s figure. */
export function batchDataBytes(batch) {
  let total = 0;
  for (const r of batch) total += r.data.length;
  return total;
}

/** `count` distinct 15-field clickstream events, each about 320 bytes as JSON. */
export function makeEvents(count, seed = 15) {
  const next = prng(seed);
  const pages = ['/', '/products', '/products/42', '/cart', '/checkout', '/account/orders'];
  const kinds = ['click', 'view', 'scroll', 'submit'];
  const events = [];
  for (let i = 0; i < count; i++) {
    events.push({
      type: kinds[(next() * kinds.length) | 0],
      ts: 1764000000000 + i * 7,
      sessionId: 's-7f3c9a1e-4b2d-4c8e-9f10-' + String(100000 + ((next() * 899999) | 0)),
      seq: i,
      page: pages[(next() * pages.length) | 0],
      referrer: 'https://www.example.com/search?q=shoes',
      elementId: 'btn-' + ((next() * 1000) | 0),
      elementText: 'Add to cart',
      x: (next() * 1920) | 0,
      y: (next() * 1080) | 0,
      viewportW: 1920,
      viewportH: 1080,
      locale: 'en-US',
      experiment: 'checkout-v2',
      value: Math.round(next() * 10000) / 100,
    });
  }
  return events;
}
