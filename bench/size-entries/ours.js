// kinesis-clickstream through its browser entry (Producer.create loads the .wasm, counted beside this bundle).
import { Producer } from 'kinesis-clickstream';

export function start(credentials) {
  return Producer.create({ streamName: 'clickstream', region: 'us-east-1', credentials });
}
