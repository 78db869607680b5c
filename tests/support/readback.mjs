// Reads back everything a Kinesis stream holds and compares it byte for byte with what was sent.
import { createHash } from 'node:crypto';
import { ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand } from '@aws-sdk/client-kinesis';
import { localKinesisClient } from './kinesalite.mjs';

/** Every shard of `streamName` with its hash-key range as BigInts: [{shardId, startingHashKey, endingHashKey}]. */
export async function listShards({ endpoint, streamName, client }) {
  const kinesis = client ?? localKinesisClient(endpoint, { maxAttempts: 3 });
  try {
    const shards = [];
    let nextToken;
    do {
      const page = await kinesis.send(new ListShardsCommand(
        nextToken ? { NextToken: nextToken } : { StreamName: streamName },
      ));
      for (const shard of page.Shards ?? []) {
        shards.push({
          shardId: shard.ShardId,
          startingHashKey: BigInt(shard.HashKeyRange.StartingHashKey),
          endingHashKey: BigInt(shard.HashKeyRange.EndingHashKey),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return shards;
  } finally {
    if (!client) kinesis.destroy();
  }
}

/**
 * Reads every record of every shard from TRIM_HORIZON, following NextShardIterator until a read comes
 * back empty and 0 ms behind latest (or the shard is closed). Resolves with
 * [{shardId, sequenceNumber, partitionKey, data: Uint8Array, explicitHashKey?}] sorted by shard, then
 * sequence number. (Kinesis does not return ExplicitHashKey on reads; it is set only if the server does.)
 */
export async function readAllRecords({ endpoint, streamName, client }) {
  const kinesis = client ?? localKinesisClient(endpoint, { maxAttempts: 3 });
  try {
    const shards = await listShards({ streamName, client: kinesis });
    const records = [];
    for (const { shardId } of shards) {
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({
        StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON',
      }));
      let iterator = ShardIterator;
      while (iterator) {
        const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10000 }));
        for (const r of page.Records ?? []) records.push(toRecord(shardId, r));
        if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return records.sort(byShardThenSequence);
  } finally {
    if (!client) kinesis.destroy();
  }
}

/**
 * Follows every shard of a stream from a starting point, returning only records that arrived since the
 * previous call: `const tail = await tailRecords({endpoint, streamName}); await tail.next()` → records
 * (same shape as `readAllRecords`). `from: 'TRIM_HORIZON'` (default) or `'LATEST'`. `close()` frees the client.
 */
export async function tailRecords({ endpoint, streamName, from = 'TRIM_HORIZON' }) {
  const kinesis = localKinesisClient(endpoint, { maxAttempts: 3 });
  const iterators = new Map();
  for (const { shardId } of await listShards({ streamName, client: kinesis })) {
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({
      StreamName: streamName, ShardId: shardId, ShardIteratorType: from,
    }));
    iterators.set(shardId, ShardIterator);
  }
  return {
    async next() {
      const fresh = [];
      for (const [shardId, iterator] of iterators) {
        if (!iterator) continue;
        let current = iterator;
        for (;;) {
          const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: current, Limit: 10000 }));
          for (const r of page.Records ?? []) fresh.push(toRecord(shardId, r));
          current = page.NextShardIterator;
          if (!current || (page.Records ?? []).length === 0) break;
        }
        iterators.set(shardId, current);
      }
      return fresh.sort(byShardThenSequence);
    },
    close() {
      kinesis.destroy();
    },
  };
}

/** The 128-bit hash key Kinesis gives a partition key: MD5 of its UTF-8 bytes, big-endian. */
export function hashKeyOf(partitionKey) {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** The shard (from `listShards`) whose hash-key range holds `hashKey` (a BigInt or a decimal string). */
export function shardForHashKey(shards, hashKey) {
  const key = BigInt(hashKey);
  return shards.find((s) => s.startingHashKey <= key && key <= s.endingHashKey);
}

/**
 * Compares what was sent with what was read as multisets of (partitionKey, data bytes).
 * `expected`: [{partitionKey, data}] with data a Uint8Array/Buffer or a string (UTF-8).
 * Resolves to `{ok, missing, duplicated, unexpected}`: `missing` = expected but not (or less often) read,
 * `duplicated` = read more often than sent, `unexpected` = read but never sent; each entry is
 * `{partitionKey, data: Uint8Array, expected, actual}` counts.
 */
export function compareRecords(expected, actual) {
  const counts = new Map();
  const slot = (r) => {
    const bytes = toBytes(r.data);
    const key = `${r.partitionKey}\u0000${Buffer.from(bytes).toString('base64')}`;
    if (!counts.has(key)) counts.set(key, { partitionKey: r.partitionKey, data: bytes, expected: 0, actual: 0 });
    return counts.get(key);
  };
  for (const r of expected) slot(r).expected += 1;
  for (const r of actual) slot(r).actual += 1;
  const missing = [];
  const duplicated = [];
  const unexpected = [];
  for (const entry of counts.values()) {
    if (entry.actual < entry.expected) missing.push(entry);
    else if (entry.expected === 0) unexpected.push(entry);
    else if (entry.actual > entry.expected) duplicated.push(entry);
  }
  return { ok: missing.length + duplicated.length + unexpected.length === 0, missing, duplicated, unexpected };
}

/** Throws an Error summarising the first differences unless `compareRecords(expected, actual).ok`. */
export function assertSameRecords(expected, actual) {
  const result = compareRecords(expected, actual);
  if (result.ok) return result;
  const show = (list) => list.slice(0, 5).map((e) =>
    `  key=${JSON.stringify(e.partitionKey)} data=${preview(e.data)} sent ${e.expected}× read ${e.actual}×`).join('\n');
  const parts = [`records differ: sent ${expected.length}, read ${actual.length}`];
  if (result.missing.length) parts.push(`${result.missing.length} missing:\n${show(result.missing)}`);
  if (result.duplicated.length) parts.push(`${result.duplicated.length} duplicated:\n${show(result.duplicated)}`);
  if (result.unexpected.length) parts.push(`${result.unexpected.length} unexpected:\n${show(result.unexpected)}`);
  const error = new Error(parts.join('\n'));
  error.comparison = result;
  throw error;
}

/** Up to `max` bytes of `data` as text when printable, hex otherwise, for logs and messages. */
export function preview(data, max = 80) {
  const bytes = toBytes(data).subarray(0, max);
  const text = Buffer.from(bytes).toString('utf8');
  // eslint-disable-next-line no-control-regex
  const printable = !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text);
  const shown = printable ? JSON.stringify(text) : `0x${Buffer.from(bytes).toString('hex')}`;
  return toBytes(data).length > max ? `${shown}…` : shown;
}

function toRecord(shardId, r) {
  const record = {
    shardId,
    sequenceNumber: r.SequenceNumber,
    partitionKey: r.PartitionKey,
    data: r.Data instanceof Uint8Array ? r.Data : new Uint8Array(Buffer.from(r.Data ?? '', 'base64')),
  };
  if (r.ExplicitHashKey !== undefined) record.explicitHashKey = r.ExplicitHashKey;
  return record;
}

function byShardThenSequence(a, b) {
  if (a.shardId !== b.shardId) return a.shardId < b.shardId ? -1 : 1;
  const x = BigInt(a.sequenceNumber);
  const y = BigInt(b.sequenceNumber);
  return x < y ? -1 : x > y ? 1 : 0;
}

function toBytes(data) {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`record data must be a string, Uint8Array or ArrayBuffer, got ${typeof data}`);
}
