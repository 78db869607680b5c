// AWS SDK v3: PutRecords with credentials from a Cognito identity pool (unauthenticated identities).
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';

const region = 'us-east-1';
const client = new KinesisClient({
  region,
  credentials: fromCognitoIdentityPool({ identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', clientConfig: { region } }),
});

export function send(events) {
  return client.send(
    new PutRecordsCommand({
      StreamName: 'clickstream',
      Records: events.map((e) => ({ Data: new TextEncoder().encode(JSON.stringify(e)), PartitionKey: e.sessionId })),
    }),
  );
}
