// Follows a Kinesis stream on kinesalite for the demo: every record read back is counted per shard and
// kept as a small summary, so the page can show what landed without talking to kinesalite itself.
//
// Routes it answers (through `startStaticServer({api: watch.api})`):
//   GET /api/shards                 → {streamName, total, shards: [{shardId, startingHashKey, endingHashKey, records}]}
//   GET /api/records?since=N&limit=L → {total, next, records: [summary]} with summaries N.. (at most L, default 1000)
// A summary is {index, shardId, sequenceNumber, partitionKey, bytes, id, name, ts, seq, preview}: `id`,
// `name`, `ts` and `seq` are the clickstream envelope's fields when the data is one, else null, null,
// '' and 0. Each poll's new records are indexed in tracking order (ts, then seq), not shard by shard.
import { listShards, tailRecords, preview } from '../tests/support/readback.mjs';

/** Most summaries one `/api/records` answer carries. */
export const MAX_RECORDS_PER_ANSWER = 5000;
const DEFAULT_RECORDS_PER_ANSWER = 1000;
const DEFAULT_INTERVAL_MS = 500;

/**
 * Reads `streamName` at `endpoint` from TRIM_HORIZON every `intervalMs` and calls `onRecords(records)`
 * with each poll's new records (the shape of `tailRecords`). Resolves
 * `{shards(), recordsSince(since, limit), poll(), api(pathname, params), stop()}`; `poll()` reads now
 * (the timer does too) and resolves with that read's records. Poll errors go to `onError`.
 */
export async function startStreamWatch({
  endpoint,
  streamName,
  intervalMs = DEFAULT_INTERVAL_MS,
  onRecords = () => {},
  onError = () => {},
}) {
  const shardList = await listShards({ endpoint, streamName });
  const tail = await tailRecords({ endpoint, streamName });
  const counts = new Map(shardList.map((s) => [s.shardId, 0]));
  const summaries = [];
  let timer;
  let stopped = false;
  let running = Promise.resolve([]);

  async function readOnce() {
    const fresh = await tail.next();
    const summarized = fresh.map((record) => summarize(0, record));
    // One poll's records come shard by shard; in the order they were tracked they read like a clickstream.
    summarized.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
    for (const summary of summarized) {
      counts.set(summary.shardId, (counts.get(summary.shardId) ?? 0) + 1);
      summaries.push({ ...summary, index: summaries.length });
    }
    if (fresh.length > 0) onRecords(fresh);
    return fresh;
  }

  // Reads never overlap: a poll asked for while one runs waits for it, then reads again.
  function poll() {
    running = running.catch(() => []).then(() => (stopped ? [] : readOnce()));
    return running;
  }

  async function loop() {
    try {
      await poll();
    } catch (err) {
      if (!stopped) onError(err);
    }
    if (!stopped) timer = setTimeout(loop, intervalMs);
  }
  loop();

  function shards() {
    return {
      streamName,
      total: summaries.length,
      shards: shardList.map((s) => ({
        shardId: s.shardId,
        startingHashKey: s.startingHashKey.toString(),
        endingHashKey: s.endingHashKey.toString(),
        records: counts.get(s.shardId) ?? 0,
      })),
    };
  }

  function recordsSince(since = 0, limit = DEFAULT_RECORDS_PER_ANSWER) {
    const start = Math.max(0, Math.min(since, summaries.length));
    const page = summaries.slice(start, start + Math.min(limit, MAX_RECORDS_PER_ANSWER));
    return { total: summaries.length, next: start + page.length, records: page };
  }

  /** Answers an `/api/...` path: `{status, body}`, or undefined for a path it does not know. */
  function api(pathname, params) {
    if (pathname === '/api/shards') return { status: 200, body: shards() };
    if (pathname === '/api/records') {
      const since = integerParam(params, 'since', 0);
      const limit = integerParam(params, 'limit', DEFAULT_RECORDS_PER_ANSWER);
      if (since === null || limit === null || limit < 1) {
        return { status: 400, body: { message: `since must be an integer >= 0 and limit 1..=${MAX_RECORDS_PER_ANSWER}` } };
      }
      return { status: 200, body: recordsSince(since, limit) };
    }
    return undefined;
  }

  async function stop() {
    stopped = true;
    clearTimeout(timer);
    await running.catch(() => {});
    tail.close();
  }

  return { shards, recordsSince, poll, api, stop };
}

function integerParam(params, name, fallback) {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The summary the page sees of one record read back. */
export function summarize(index, record) {
  let envelope;
  try {
    envelope = JSON.parse(Buffer.from(record.data).toString('utf8'));
  } catch {
    envelope = undefined;
  }
  const field = (name) => (typeof envelope?.[name] === 'string' ? envelope[name] : null);
  return {
    index,
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    partitionKey: record.partitionKey,
    bytes: record.data.length,
    id: field('id'),
    name: field('name'),
    ts: field('ts') ?? '',
    seq: Number.isSafeInteger(envelope?.seq) ? envelope.seq : 0,
    preview: preview(record.data, 120),
  };
}
