// AWS SDK v3: PutRecords with caller-supplied temporary credentials.
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';

export function connect(getCredentials) {
  const client = new KinesisClient({ region: 'us-east-1', credentials: getCredentials });
  return (events) =>
    client.send(
      new PutRecordsCommand({
        StreamName: 'clickstream',
        Records: events.map((e) => ({ Data: new TextEncoder().encode(JSON.stringify(e)), PartitionKey: e.sessionId })),
      }),
    );
}
