// Runs the throughput and enqueue rounds in a fresh Node process (the instant server lives in the
// parent, on the other core). Input: one JSON argument; output: one JSON line on stdout.
import * as sdk from './variants/sdk.mjs';
import * as aws4fetch from './variants/aws4fetch.mjs';
import * as floor from './variants/floor-node.mjs';
import * as ours from './variants/ours.mjs';
import { createSuite } from './lib/suite.mjs';
import { loadOursInNode } from './lib/ours.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const config = JSON.parse(process.argv[2]);
const glue = config.withOurs ? await loadOursInNode() : undefined;
const factories = {
  ...(glue ? { ours: ours.create, 'ours/in-page fetch': ours.createWithInPageFetch } : {}),
  sdk: sdk.create,
  aws4fetch: aws4fetch.create,
  floor: floor.create,
  'floor+fetch': (env) => floor.create({ ...env, send: true }),
};
const suite = createSuite({
  factories,
  env: { endpoint: config.endpoint, glue },
  nowNs: () => Number(process.hrtime.bigint()),
  timerResolutionNs: 1,
});
const out = { throughput: [], enqueue: null };
for (const shape of config.throughput.shapes) {
  out.throughput.push(await suite.throughput(shape, config.throughput.rounds, config.throughput.timing[shape]));
}
out.enqueue = await suite.enqueue(config.enqueue.rounds, config.enqueue.count);
await suite.close();
process.stdout.write(JSON.stringify(out) + '\n');
