// One reliability scenario run, the same code in Node and in a Chromium page (no Node imports).
//
// `runScenario` configures the fault proxy over HTTP (POST /__faults), creates a producer against it,
// puts `events` events — each a JSON object carrying its own event id, so the read-back counts
// duplicates by id — waiting whenever the buffer is full, changes the faults at the scenario's phase
// points, then flushes until nothing is held and returns the producer's own numbers. Reading the
// stream back and counting lost/duplicated ids is the caller's job (`countDelivery` in run.mjs).

/** Access key id of the local credentials (kinesalite and the fault proxy never check signatures). */
export const LOCAL_ACCESS_KEY_ID = 'ASIARELIABILITYTEST';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The event id of event `n` of run `runId`; the read-back parses it from the record's JSON. */
export function eventId(runId, n) {
  return `${runId}-${n}`;
}

async function configureProxy(proxyUrl, faults) {
  const response = await fetch(`${proxyUrl}/__faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`fault proxy refused ${JSON.stringify(faults)}: ${await response.text()}`);
}

/**
 * Runs one scenario. `scenario`: {name, seed, rules, clockOffsetMs?, phases?: [{at: fraction of
 * events, clockOffsetMs?, rules?}], bursts?: {every: events, rule}, tokenLifetimeMs?, spreadMs? (pace
 * the puts evenly over this long, so time-driven faults happen mid-stream), producer?: extra producer
 * options}. Resolves {put, ids: first/last, stats, report, wallMs, peakHeldBytes,
 * peakHeldRecords, peakWasmBytes, fullWaits, refreshes, errors}.
 */
export async function runScenario({ Producer, wasmMemory, proxyUrl, streamName, runId, events, scenario, log = () => {} }) {
  let proxyOffsetMs = scenario.clockOffsetMs ?? 0;
  let rules = scenario.rules ?? [];
  await fetch(`${proxyUrl}/__reset`, { method: 'POST' });
  await configureProxy(proxyUrl, { seed: scenario.seed ?? 1, clockOffsetMs: proxyOffsetMs, rules });

  let refreshes = 0;
  const issuedTokens = [];
  // Tokens expire in the proxy's (the service's) time, as STS expirations do; the producer is not told
  // the expiry, so only the service's ExpiredTokenException makes it refresh.
  const credentials = scenario.tokenLifetimeMs
    ? async () => {
      refreshes += 1;
      const expiresAt = Date.now() + proxyOffsetMs + scenario.tokenLifetimeMs;
      const sessionToken = `reliability-${refreshes};exp=${expiresAt}`;
      issuedTokens.push(sessionToken);
      return { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'local-secret', sessionToken };
    }
    : { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'local-secret', sessionToken: 'reliability-static' };

  const errors = new Map();
  const producer = await Producer.create({
    streamName,
    region: 'us-east-1',
    endpoint: proxyUrl,
    credentials,
    logLevel: 'silent',
    maxAttempts: 100,
    retryBaseMs: 50,
    retryMaxMs: 2000,
    onError: (error) => errors.set(error.code, (errors.get(error.code) ?? 0) + 1),
    ...scenario.producer,
  });

  let peakHeldBytes = 0;
  let peakHeldRecords = 0;
  let peakWasmBytes = wasmMemory?.buffer.byteLength ?? 0;
  const sample = () => {
    const s = producer.stats();
    peakHeldBytes = Math.max(peakHeldBytes, s.bufferedBytes + s.inFlightBytes);
    peakHeldRecords = Math.max(peakHeldRecords, s.buffered + s.inFlight);
    if (wasmMemory) peakWasmBytes = Math.max(peakWasmBytes, wasmMemory.buffer.byteLength);
    return s;
  };

  const phases = [...(scenario.phases ?? [])].sort((a, b) => a.at - b.at);
  const padding = 'x'.repeat(scenario.padBytes ?? 100);
  const started = Date.now();
  let fullWaits = 0;
  for (let n = 0; n < events; n++) {
    while (phases.length > 0 && n >= phases[0].at * events) {
      const phase = phases.shift();
      const change = {};
      if (phase.clockOffsetMs !== undefined) {
        // The proxy's clock moving back would stretch the tokens issued so far by the jump; they
        // expire at the jump instead, so a token never outlives tokenLifetimeMs.
        if (phase.clockOffsetMs < proxyOffsetMs && issuedTokens.length > 0) change.expiredTokens = [...issuedTokens];
        proxyOffsetMs = phase.clockOffsetMs;
      }
      if (phase.rules !== undefined) rules = phase.rules;
      await configureProxy(proxyUrl, { ...change, clockOffsetMs: proxyOffsetMs, rules });
      log(`${scenario.name}: phase at event ${n}: offset ${proxyOffsetMs} ms, ${rules.length} rules`);
    }
    if (scenario.bursts && n > 0 && n % scenario.bursts.every === 0) {
      await configureProxy(proxyUrl, { rules: [scenario.bursts.rule, ...rules] });
    }
    const data = JSON.stringify({ id: eventId(runId, n), n, scenario: scenario.name, padding });
    for (;;) {
      try {
        producer.put(data, { partitionKey: `user-${n % 97}` });
        break;
      } catch (error) {
        if (error?.code !== 'BufferFull') throw error;
        fullWaits += 1;
        sample();
        await sleep(5);
      }
    }
    if (scenario.spreadMs && n % 100 === 0) {
      const due = started + (n / events) * scenario.spreadMs;
      if (Date.now() < due) await sleep(due - Date.now());
    }
    if (n % 500 === 0) {
      sample();
      // Yield so timers and responses run between bursts of synchronous puts.
      await sleep(0);
    }
  }
  log(`${scenario.name}: ${events} events put in ${Date.now() - started} ms; flushing`);

  let report;
  let stats = sample();
  const sampler = setInterval(sample, 50);
  try {
    for (let round = 0; round < 1000; round++) {
      report = await producer.flush();
      stats = sample();
      if (stats.buffered === 0 && stats.inFlight === 0) break;
      if (stats.paused) producer.resume();
      await sleep(20);
    }
  } finally {
    clearInterval(sampler);
  }
  const wallMs = Date.now() - started;
  await configureProxy(proxyUrl, { rules: [], clockOffsetMs: 0, expiredTokens: [] });
  await producer.close();
  return {
    put: events,
    stats,
    report,
    wallMs,
    peakHeldBytes,
    peakHeldRecords,
    peakWasmBytes,
    fullWaits,
    refreshes,
    errors: Object.fromEntries(errors),
  };
}
