// The memory bound: many puts against an endpoint where every PutRecords stalls. The producer must keep
// what it holds within maxBufferedRecords / maxBufferedBytes, count and report every drop, and its wasm
// memory must stop growing once the buffer has filled: it may not exceed the memory seen after the
// first fill plus WASM_GROWTH_ALLOWANCE_BYTES (documented in RELIABILITY.md), whatever the put count.
// Runs in Node or a page (no Node imports).

/** Growth allowed past the memory measured once the buffer first filled (allocator slack, one batch). */
export const WASM_GROWTH_ALLOWANCE_BYTES = 8 * 1024 * 1024;

const MAX_BUFFERED_RECORDS = 10_000;
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function configureProxy(proxyUrl, faults) {
  const response = await fetch(`${proxyUrl}/__faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`fault proxy refused the configuration: ${await response.text()}`);
}

/**
 * Puts `events` events with overflow `dropOldest` while the proxy stalls every request, then lifts
 * the stall and closes the producer (everything still held is delivered). Resolves the numbers
 * RELIABILITY.md reports and `withinBound`.
 */
export async function runMemoryBound({ Producer, memory, proxyUrl, streamName, events, log = () => {} }) {
  await fetch(`${proxyUrl}/__reset`, { method: 'POST' });
  await configureProxy(proxyUrl, { rules: [{ fault: 'stall', ms: 3_600_000 }] });
  let droppedReported = 0;
  const otherErrors = [];
  const producer = await Producer.create({
    streamName,
    region: 'us-east-1',
    endpoint: proxyUrl,
    credentials: { accessKeyId: 'ASIAMEMORYBOUND', secretAccessKey: 'local-secret', sessionToken: 'memory-bound' },
    logLevel: 'silent',
    overflow: 'dropOldest',
    maxBufferedRecords: MAX_BUFFERED_RECORDS,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    requestTimeoutMs: 5_000,
    onError: (error) => {
      if (error.code === 'BufferFull' && Array.isArray(error.ids)) droppedReported += error.ids.length;
      else otherErrors.push(error.code);
    },
  });
  const padding = 'm'.repeat(120);
  let peakHeldRecords = 0;
  let peakHeldBytes = 0;
  let peakWasmBytes = memory.buffer.byteLength;
  let wasmAfterFill = 0;
  let rejected = 0;
  for (let n = 0; n < events; n++) {
    try {
      producer.put(`{"n":${n},"padding":"${padding}"}`, { partitionKey: `user-${n % 97}` });
    } catch (error) {
      if (error?.code !== 'BufferFull') throw error;
      rejected += 1;
    }
    if (n % 1000 === 999) {
      const s = producer.stats();
      peakHeldRecords = Math.max(peakHeldRecords, s.buffered + s.inFlight);
      peakHeldBytes = Math.max(peakHeldBytes, s.bufferedBytes + s.inFlightBytes);
      peakWasmBytes = Math.max(peakWasmBytes, memory.buffer.byteLength);
      if (wasmAfterFill === 0 && (s.dropped.overflow ?? 0) > 0) wasmAfterFill = memory.buffer.byteLength;
      // Let responses, timers and onError calls run.
      if (n % 20_000 === 19_999) await sleep(0);
    }
  }
  await sleep(10);
  const stats = producer.stats();
  const droppedStats = stats.dropped.overflow ?? 0;
  log(`memory: ${events} puts, held ${stats.buffered + stats.inFlight}, dropped ${droppedStats}, wasm ${memory.buffer.byteLength}`);

  await configureProxy(proxyUrl, { rules: [] });
  const closeReport = await producer.close();
  const wasmBoundBytes = (wasmAfterFill || peakWasmBytes) + WASM_GROWTH_ALLOWANCE_BYTES;
  const accounted = droppedStats + rejected + closeReport.sent + closeReport.failed;
  const withinBound = peakHeldRecords <= MAX_BUFFERED_RECORDS
    && peakHeldBytes <= MAX_BUFFERED_BYTES
    && peakWasmBytes <= wasmBoundBytes
    && droppedReported === droppedStats
    && accounted === events
    && otherErrors.length === 0;
  return {
    events,
    maxBufferedRecords: MAX_BUFFERED_RECORDS,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    peakHeldRecords,
    peakHeldBytes,
    droppedStats,
    droppedReported,
    rejected,
    sentAfterStall: closeReport.sent,
    failedAfterStall: closeReport.failed,
    accounted,
    wasmAfterFill,
    peakWasmBytes,
    wasmBoundBytes,
    otherErrors,
    withinBound,
  };
}
