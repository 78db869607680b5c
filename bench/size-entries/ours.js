// kinesis-clickstream: the package's web build (its .wasm is counted beside this bundle).
import init, { Producer } from 'kinesis-clickstream';

export async function start(credentials) {
  await init();
  return Producer.create({ streamName: 'clickstream', region: 'us-east-1', credentials });
}
