// AWS SDK v3 KinesisClient.send(PutRecordsCommand) with a request handler that answers at once without
// network, so serialization, every middleware (retry, user agent, signing with the payload hash) and
// response parsing run as in a page. Node loads the SDK's Node build, the page its browser build.
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CREDENTIALS, REGION, STREAM_NAME } from '../lib/workload.mjs';
import { putRecordsReply } from '../lib/reply.mjs';

/** A handler shaped like the SDK's HTTP handlers: answers every request with a full success reply. */
class InstantHandler {
  constructor(recordCount) {
    this.recordCount = recordCount;
    this.metadata = { handlerProtocol: 'http/1.1' };
  }
  async handle() {
    return {
      response: {
        statusCode: 200,
        reason: 'OK',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'bench' },
        body: putRecordsReply(this.recordCount),
      },
    };
  }
  updateHttpClientConfig() {}
  httpHandlerConfigs() {
    return {};
  }
  destroy() {}
}

/** Build + sign (+ parse the reply) of one PutRecords per `run(batch)`. */
export async function create({ endpoint, recordCount }) {
  const client = new KinesisClient({
    region: REGION,
    endpoint,
    credentials: { ...CREDENTIALS, expiration: new Date(Date.now() + 3600e3) },
    requestHandler: new InstantHandler(recordCount),
  });
  return {
    async run(batch) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: STREAM_NAME,
          Records: batch.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })),
        }),
      );
      if (out.FailedRecordCount !== 0 || out.Records.length !== batch.length) throw new Error('sdk: unexpected reply');
    },
    close() {
      client.destroy();
    },
  };
}
