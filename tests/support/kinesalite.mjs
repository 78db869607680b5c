// Kinesalite (an in-memory Kinesis data plane) on 127.0.0.1, with its streams created and ACTIVE.
import { createRequire } from 'node:module';
import {
  KinesisClient,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
} from '@aws-sdk/client-kinesis';
// A dependency of @aws-sdk/client-kinesis (hoisted by npm): the client defaults to HTTP/2, which
// neither kinesalite nor the fault proxy speaks, so local clients get the HTTP/1.1 handler.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { listenOnLoopback, closeServer } from './ports.mjs';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite');

/** Region every local stand-in pretends to be in. */
export const LOCAL_REGION = 'us-east-1';

/** Static credentials for the stand-ins; kinesalite never checks signatures, the values only need a shape. */
export const LOCAL_CREDENTIALS = Object.freeze({
  accessKeyId: 'AKIDLOCALSTANDIN0000',
  secretAccessKey: 'local-stand-in-secret-key-not-a-secret',
});

// The SDK warns once per process that Node 20 support ends in 2027; it is noise in every test log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * An AWS SDK v3 Kinesis client for a local endpoint over HTTP/1.1: dummy credentials, region us-east-1
 * and, unless `options` says otherwise, a single attempt so tests see each fault as the service sent it.
 * `requestTimeoutMs` bounds each request (a stalled answer then fails with a `TimeoutError`).
 */
export function localKinesisClient(endpoint, { requestTimeoutMs, ...options } = {}) {
  return new KinesisClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS }, // the SDK annotates the object it is given
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true }),
    ...options,
  });
}

/**
 * Starts kinesalite in memory on a free 127.0.0.1 port (or `port`) and creates `streams`, each with
 * `shards` shards, resolving once every stream is ACTIVE. Returns `{url, port, client, stop(),
 * createStream(name, shards)}`; `createStream` also resolves when the new stream is ACTIVE.
 */
export async function startKinesalite({ shards = 4, streams = ['clickstream'], port = 0 } = {}) {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  const { url, port: boundPort } = await listenOnLoopback(server, port);
  const client = localKinesisClient(url, { maxAttempts: 3 });

  async function createStream(name, shardCount = shards) {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
    await waitUntilActive(client, name);
  }

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    client.destroy();
    await closeServer(server);
  }

  try {
    for (const name of streams) await createStream(name, shards);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port: boundPort, client, stop, createStream };
}

async function waitUntilActive(client, streamName, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary.StreamStatus === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new Error(`stream ${streamName} still ${summary.StreamStatus} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
