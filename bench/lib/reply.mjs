// The PutRecords success reply a stand-in gives for a request of n records (ShardId/SequenceNumber each).

const cache = new Map();

/** UTF-8 bytes of `{"FailedRecordCount":0,"Records":[...n successes]}`, built once per n. */
export function putRecordsReply(n) {
  let bytes = cache.get(n);
  if (!bytes) {
    const records = [];
    for (let i = 0; i < n; i++) {
      records.push({ SequenceNumber: String(49600000000000000000000000000000000000000000000000000n + BigInt(i)), ShardId: 'shardId-000000000000' });
    }
    bytes = new TextEncoder().encode(JSON.stringify({ FailedRecordCount: 0, Records: records }));
    cache.set(n, bytes);
  }
  return bytes;
}
