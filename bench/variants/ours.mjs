// kinesis-clickstream through its public API only: put() every record of the batch, then flush(). The
// endpoint is a 127.0.0.1 stand-in that answers at once, so one loopback fetch per request is included
// (the "floor + fetch" variant measures what that costs the floor). `glue` is the loaded package module.
import { CREDENTIALS, REGION, STREAM_NAME } from '../lib/workload.mjs';

/** Producer options of a real page: stream, region, the local endpoint and temporary credentials. */
export function defaultProducerConfig(endpoint) {
  return {
    streamName: STREAM_NAME,
    region: REGION,
    endpoint,
    credentials: { ...CREDENTIALS, expiration: Date.now() + 3600e3 },
  };
}

/** Producer options that keep the producer from flushing on its own timer during a measurement. */
export function benchProducerConfig(endpoint, extra = {}) {
  return { ...defaultProducerConfig(endpoint), flushIntervalMs: 60000, maxBatchRecords: 500, ...extra };
}

/** Build + sign + loopback send of one PutRecords per `run(batch)`. */
export async function create({ endpoint, glue }) {
  const producer = await glue.Producer.create(benchProducerConfig(endpoint));
  return {
    async run(batch) {
      for (const r of batch) producer.put(r.data, { partitionKey: r.partitionKey });
      const report = await producer.flush();
      const stats = producer.stats();
      if (stats.failed || stats.buffered || stats.retried) throw new Error(`ours: flush left ${JSON.stringify(stats)} (${JSON.stringify(report)})`);
    },
    async close() {
      await producer.close();
    },
  };
}

/**
 * The same through an in-page answer: for the duration of each run the global fetch (which the producer
 * calls to send) is replaced by one that answers at once without network, as the SDK's handler does:
 * like that handler it answers with the success reply for the batch's record count (`env.recordCount`)
 * without reading the body (a reply whose count did not match the request would fail the records, which
 * the stats check after each flush catches). Throws if the producer never called the replaced fetch
 * (then this variant cannot be measured).
 */
export async function createWithInPageFetch(env) {
  const { putRecordsReply } = await import('../lib/reply.mjs');
  const inner = await create(env);
  const realFetch = globalThis.fetch;
  const reply = putRecordsReply(env.recordCount);
  let calls = 0;
  const instantFetch = async () => {
    calls++;
    return new Response(reply, {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', date: new Date().toUTCString() },
    });
  };
  return {
    async run(batch) {
      const before = calls;
      globalThis.fetch = instantFetch;
      try {
        await inner.run(batch);
      } finally {
        globalThis.fetch = realFetch;
      }
      if (calls === before) throw new Error('ours: the producer did not call the global fetch at send time');
    },
    close: inner.close,
  };
}
