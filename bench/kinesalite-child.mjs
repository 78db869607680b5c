// Kinesalite in its own process for the end-to-end section, so the server and the measured client do not
// share a thread. Prints its URL as one JSON line, then runs until its stdin closes.
import { startKinesalite } from '../tests/support/kinesalite.mjs';

const { shards = 4, streams = ['clickstream'] } = JSON.parse(process.argv[2] ?? '{}');
const k = await startKinesalite({ shards, streams });
process.stdout.write(JSON.stringify({ url: k.url }) + '\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  await k.stop();
  process.exit(0);
});
