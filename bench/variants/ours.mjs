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
      if (stats.failed || stats.buffered) throw new Error(`ours: flush left ${JSON.stringify(stats)} (${JSON.stringify(report)})`);
    },
    async close() {
      await producer.close();
    },
  };
}
