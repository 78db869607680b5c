// Section 5: records/s one producer delivers to kinesalite on 127.0.0.1, against the server's ceiling: a
// raw Node client POSTing requests signed before the clock starts, with 1 and with 4 requests in flight.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_DIR } from '../lib/bundle.mjs';
import { makeBatch } from '../lib/workload.mjs';
import { rotation } from '../lib/measure.mjs';
import { buildBodyNode, nodeSigner } from '../variants/floor-node.mjs';
import { benchProducerConfig } from '../variants/ours.mjs';

/** Starts kinesalite in a child process; resolves `{url, stop()}`. */
export async function startKinesaliteProcess() {
  const child = spawn(process.execPath, [path.join(BENCH_DIR, 'kinesalite-child.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`kinesalite exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const { url } = JSON.parse(line);
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', resolve);
        child.stdin.end();
      }),
  };
}

function post(agent, url, { headers, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': body.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) return reject(new Error(`raw client: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        const reply = JSON.parse(text);
        if (reply.FailedRecordCount) return reject(new Error(`raw client: ${reply.FailedRecordCount} records failed`));
        resolve(reply.Records.length);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends every pre-signed request with `concurrency` in flight; resolves records/s. */
async function rawClient(url, requests, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let delivered = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) delivered += await post(agent, url + '/', requests[next++]);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return delivered / seconds;
}

/**
 * put() of every record then flush(); resolves records/s, checked against the producer's counters.
 * `maxInFlight` is the producer option (its default is 4).
 */
async function producerRun(glue, url, batches, maxInFlight) {
  const producer = await glue.Producer.create(benchProducerConfig(url, { maxInFlight }));
  const total = batches.reduce((n, b) => n + b.length, 0);
  const t0 = performance.now();
  for (const batch of batches) for (const r of batch) producer.put(r.data, { partitionKey: r.partitionKey });
  await producer.flush();
  const seconds = (performance.now() - t0) / 1000;
  const stats = producer.stats();
  await producer.close();
  if (stats.sent !== total) throw new Error(`ours: sent ${stats.sent} of ${total} (${JSON.stringify(stats)})`);
  return total / seconds;
}

/** Runs `rounds` interleaved rounds of `requests` x 500 records of `bytes`; resolves per-round rows. */
export async function runEndToEnd({ glue, rounds, requests, bytes, log }) {
  const server = await startKinesaliteProcess();
  try {
    const batches = Array.from({ length: requests }, (_, i) => makeBatch({ records: 500, bytes }, 100 + i));
    const sign = nodeSigner(new URL(server.url).host);
    const variants = {
      'raw x1': () => rawClient(server.url, batches.map((b) => sign(buildBodyNode(b))), 1),
      'raw x4': () => rawClient(server.url, batches.map((b) => sign(buildBodyNode(b))), 4),
      ...(glue
        ? {
            'ours x1': () => producerRun(glue, server.url, batches, 1),
            'ours x4': () => producerRun(glue, server.url, batches, 4),
          }
        : {}),
    };
    await variants['raw x1'](); // warm-up: JIT in kinesalite and here
    const perRound = [];
    for (let round = 0; round < rounds; round++) {
      const row = {};
      for (const name of rotation(Object.keys(variants), round)) row[name] = await variants[name]();
      row.ceiling = Math.max(row['raw x1'], row['raw x4']);
      // The producer gets the same choice of concurrency as the ceiling: the better of its two runs.
      if (glue) row.ours = Math.max(row['ours x1'], row['ours x4']);
      perRound.push(row);
      log?.(`end to end round ${round + 1}/${rounds}`);
    }
    return { requests, recordsPerRequest: 500, bytes, perRound };
  } finally {
    await server.stop();
  }
}
