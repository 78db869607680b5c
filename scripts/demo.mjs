#!/usr/bin/env node
// `make demo`: kinesalite (stream `clickstream`, 4 shards) behind the fault proxy, the demo page and the
// built package served on 127.0.0.1, and every record that lands in the stream printed as it arrives.
// The page reads the same read-back through /api/shards and /api/records (scripts/stream-watch.mjs).
//
//   node scripts/demo.mjs [--port N] [--check]
//
// --port N            serve the page on this port (default 8080, or a free one if 8080 is taken; env DEMO_PORT)
// --check             start everything, prove the page, its config and the stream path work, exit 0 or 1
// DEMO_EXIT_AFTER_MS  stop by itself after this many milliseconds (exit 0), for scripted runs
// Ctrl-C stops everything.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startStandins } from '../tests/support/standins.mjs';
import { localKinesisClient, LOCAL_CREDENTIALS, LOCAL_REGION } from '../tests/support/kinesalite.mjs';
import { preview } from '../tests/support/readback.mjs';
import { startStaticServer } from './serve.mjs';
import { startStreamWatch } from './stream-watch.mjs';

const STREAM_NAME = 'clickstream';
const SHARDS = 4;
const DEFAULT_PORT = 8080;
const TAIL_INTERVAL_MS = 500;

function parseArgs(argv) {
  const options = { check: false, port: process.env.DEMO_PORT ? Number(process.env.DEMO_PORT) : undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') options.check = true;
    else if (argv[i] === '--port') options.port = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]} (usage: node scripts/demo.mjs [--port N] [--check])`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new Error(`--port must be 0..65535, got ${options.port}`);
  }
  return options;
}

/** What the page reads from /config.json: where to send, as whom, and where the fault controls are. */
function pageConfig(standins) {
  return {
    streamName: standins.streamName,
    region: LOCAL_REGION,
    endpoint: standins.faultProxyUrl,
    faultProxyUrl: standins.faultProxyUrl,
    credentials: { ...LOCAL_CREDENTIALS, sessionToken: 'local-demo-session-token' },
  };
}

async function startPageServer(port, config, api) {
  if (port !== undefined) return startStaticServer({ port, config, api });
  try {
    return await startStaticServer({ port: DEFAULT_PORT, config, api });
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    return startStaticServer({ port: 0, config, api });
  }
}

// A clickstream envelope prints as its name and attributes; any other record as its first 80 bytes.
function formatRecord(r) {
  const key = r.partitionKey.length > 24 ? `${r.partitionKey.slice(0, 23)}…` : r.partitionKey.padEnd(24);
  let envelope;
  try {
    envelope = JSON.parse(Buffer.from(r.data).toString('utf8'));
  } catch {
    envelope = undefined;
  }
  let shown = preview(r.data, 80);
  if (typeof envelope?.name === 'string' && typeof envelope?.id === 'string') {
    const attributes = JSON.stringify(envelope.attributes ?? {});
    shown = `${envelope.name.padEnd(12)} ${attributes.length > 70 ? `${attributes.slice(0, 69)}…` : attributes}`;
  }
  return `${r.shardId}  …${r.sequenceNumber.slice(-8)}  ${key}  ${shown}`;
}

function formatFault(e) {
  const status = e.status === null ? 'no answer' : e.status;
  return `fault proxy: ${e.target ?? e.method} ${e.records} record(s): ${e.fault} -> ${status}`;
}

async function selfCheck(pageUrl, standins, seen) {
  const page = await fetch(`${pageUrl}/`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('app.js')) throw new Error(`page ${pageUrl}/ answered ${page.status}`);
  const config = await fetch(`${pageUrl}/config.json`).then((r) => r.json());
  if (config.endpoint !== standins.faultProxyUrl) throw new Error('config.json does not name the fault proxy');
  const pkg = await fetch(`${pageUrl}/pkg/kinesis_clickstream.js`);
  await pkg.arrayBuffer();
  console.log(pkg.status === 200 ? 'check: /pkg/kinesis_clickstream.js is served' : 'check: pkg/ not built yet (run `make build`); page shows a notice');

  const client = localKinesisClient(config.endpoint, { credentials: { ...config.credentials } });
  const keys = ['check-a', 'check-b', 'check-c', 'check-envelope'];
  const data = (k) => (k === 'check-envelope'
    ? JSON.stringify({ id: 'check-id', name: 'check_event', attributes: { ok: true } })
    : `{"check":"${k}"}`);
  const sent = await client.send(new PutRecordsCommand({
    StreamName: config.streamName,
    Records: keys.map((k) => ({ PartitionKey: k, Data: new TextEncoder().encode(data(k)) })),
  }));
  client.destroy();
  if (sent.FailedRecordCount !== 0) throw new Error(`check records failed: ${JSON.stringify(sent.Records)}`);
  const deadline = Date.now() + 10_000;
  while (!keys.every((k) => seen.has(k))) {
    if (Date.now() > deadline) throw new Error('check records did not show in the tail');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.log('check: records sent through the fault proxy were read back from the stream');
  const shards = await fetch(`${pageUrl}/api/shards`).then((r) => r.json());
  const counted = shards.shards.reduce((sum, s) => sum + s.records, 0);
  if (shards.total < keys.length || counted !== shards.total) {
    throw new Error(`/api/shards counts ${counted} of ${shards.total} records, expected at least ${keys.length}`);
  }
  console.log(`check: /api/shards counts ${shards.total} records over ${shards.shards.length} shards`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const standins = await startStandins({ shards: SHARDS, streams: [STREAM_NAME] });
  let pageServer;
  let watch;
  let timer;
  let stopping = false;
  const seenKeys = new Set();

  async function stop(code) {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    await Promise.allSettled([watch?.stop(), pageServer?.stop()]);
    await standins.stop();
    process.exit(code);
  }
  process.on('SIGINT', () => { console.log('\nstopping'); stop(0); });
  process.on('SIGTERM', () => stop(0));

  const printRecords = (records) => {
    for (const r of records) {
      seenKeys.add(r.partitionKey);
      console.log(formatRecord(r));
    }
  };
  try {
    watch = await startStreamWatch({
      endpoint: standins.kinesaliteUrl,
      streamName: STREAM_NAME,
      intervalMs: TAIL_INTERVAL_MS,
      onRecords: printRecords,
      onError: (err) => { if (!stopping) console.error(`tail: ${err.message}`); },
    });
    pageServer = await startPageServer(options.port, pageConfig(standins), watch.api);
  } catch (err) {
    console.error(`demo: could not start: ${err.stack ?? err}`);
    return stop(1);
  }

  console.log(`kinesalite      ${standins.kinesaliteUrl} (stream ${STREAM_NAME}, ${SHARDS} shards)`);
  console.log(`fault proxy     ${standins.faultProxyUrl} (POST /__faults, GET /__log, POST /__reset)`);
  console.log(`\n  demo page:  ${pageServer.url}/\n`);
  console.log('records as they land (shard, sequence, partition key, then event name and attributes or the first 80 bytes); Ctrl-C stops\n');

  let logged = 0;
  const printFaults = () => {
    const log = standins.proxy.log();
    if (log.length < logged) logged = 0; // the page reset the proxy
    for (const e of log.slice(logged)) if (e.fault && e.fault !== 'preflight') console.log(formatFault(e));
    logged = log.length;
    if (!stopping) timer = setTimeout(printFaults, TAIL_INTERVAL_MS);
  };
  printFaults();

  if (options.check) {
    try {
      await selfCheck(pageServer.url, standins, seenKeys);
      console.log('check: ok');
      return stop(0);
    } catch (err) {
      console.error(`check: FAILED: ${err.message}`);
      return stop(1);
    }
  }
  const exitAfter = Number(process.env.DEMO_EXIT_AFTER_MS);
  if (exitAfter > 0) setTimeout(() => stop(0), exitAfter).unref();
}

main().catch((err) => {
  console.error(`demo: ${err.stack ?? err}`);
  process.exit(1);
});
