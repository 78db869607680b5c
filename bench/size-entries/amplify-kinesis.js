// Amplify v6: Analytics Kinesis (guest identities of a Cognito identity pool), configure + record.
import { Amplify } from 'aws-amplify';
import { record } from 'aws-amplify/analytics/kinesis';

Amplify.configure({
  Auth: { Cognito: { identityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000', allowGuestAccess: true } },
  Analytics: { Kinesis: { region: 'us-east-1' } },
});

export function track(event) {
  record({ streamName: 'clickstream', partitionKey: event.sessionId, data: event });
}
