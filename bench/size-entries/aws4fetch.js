// aws4fetch: a PutRecords fetch signed with caller-supplied temporary credentials.
import { AwsClient } from 'aws4fetch';

export function connect(credentials) {
  const aws = new AwsClient({ ...credentials, service: 'kinesis', region: 'us-east-1' });
  return (events) =>
    aws.fetch('https://kinesis.us-east-1.amazonaws.com/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Kinesis_20131202.PutRecords' },
      body: JSON.stringify({
        StreamName: 'clickstream',
        Records: events.map((e) => ({ Data: btoa(JSON.stringify(e)), PartitionKey: e.sessionId })),
      }),
    });
}
