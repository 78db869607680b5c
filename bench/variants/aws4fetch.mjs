// aws4fetch: the caller builds the PutRecords JSON (JSON.stringify with base64 data) and AwsClient.sign()
// hashes it and returns the signed Request; nothing is sent.
import { AwsClient } from 'aws4fetch';
import { CREDENTIALS, REGION, STREAM_NAME } from '../lib/workload.mjs';
import { toBase64 } from '../lib/base64.mjs';

/** Build + sign of one PutRecords Request per `run(batch)`. */
export async function create({ endpoint }) {
  const aws = new AwsClient({ ...CREDENTIALS, service: 'kinesis', region: REGION, retries: 0 });
  return {
    async run(batch) {
      const body = JSON.stringify({
        StreamName: STREAM_NAME,
        Records: batch.map((r) => ({ Data: toBase64(r.data), PartitionKey: r.partitionKey })),
      });
      const request = await aws.sign(endpoint + '/', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'Kinesis_20131202.PutRecords',
        },
        body,
      });
      if (!request.headers.get('authorization')) throw new Error('aws4fetch: unsigned');
    },
  };
}
