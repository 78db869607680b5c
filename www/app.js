// The demo page's entry: loads /config.json and the wasm package, creates the producer, and wires the
// shop's events, the panel, the stream read-back and the fault toggles together.
//
// `window.demo` lets a browser test drive the page: {config, producer, ready, trackedIds(), snapshot()}.
import { startShop } from './shop.js';
import { createPanel } from './panel.js';
import { followStream } from './stream.js';
import { startFaultToggles } from './faults.js';
import { followProxyLog } from './proxylog.js';
import { loadTally } from './tally.js';

// Generous retries so a couple of minutes offline or throttled lose nothing: up to 100 sends per record,
// backoff at most 3 s between them (so records move again within 3 s of coming back online).
const PRODUCER_OPTIONS = { maxAttempts: 100, retryMaxMs: 3000, flushIntervalMs: 500 };
const STATS_INTERVAL_MS = 500;
const BURST_SIZE = 1000;

const statusLine = document.querySelector('#status');
const panel = createPanel();
const tally = loadTally();
const demo = { config: undefined, producer: undefined, trackedIds: tally.trackedIds, snapshot };
window.demo = demo;
let stream = { total: 0, shards: [], latest: [], countOf: () => 0 };
demo.ready = start();

// A report or callback payload in one line: numbers as they are, lists by their length.
function describe(value) {
  if (typeof value !== 'object' || value === null) return String(value);
  return Object.entries(value).map(([key, v]) => {
    if (Array.isArray(v)) return `${key}: ${v.length}`;
    if (typeof v === 'object' && v !== null) return `${key}: {${describe(v)}}`;
    return `${key}: ${v}`;
  }).join(', ');
}

function setStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

/** Everything the panel shows, from the producer, the tally and the stream read-back. */
function snapshot() {
  const stats = demo.producer?.stats() ?? {};
  const carried = tally.carried();
  const ids = tally.trackedIds();
  let confirmed = 0;
  let duplicated = 0;
  for (const id of ids) {
    const count = stream.countOf(id);
    if (count > 0) confirmed += 1;
    if (count > 1) duplicated += 1;
  }
  const number = (value) => Number(value ?? 0);
  return {
    tracked: ids.length,
    buffered: number(stats.buffered),
    inFlight: number(stats.inFlight),
    sent: carried.sent + number(stats.sent),
    retried: carried.retried + number(stats.retried),
    failed: carried.failed + number(stats.failed),
    readBack: stream.total,
    confirmed,
    duplicated,
    clockOffsetMs: number(stats.clockOffsetMs),
    shards: stream.shards,
    latest: stream.latest,
  };
}

function partitionKeyOption(mode, producerRef) {
  if (mode !== 'product') return mode;
  // Product events go by product, so one product's events stay in order on one shard; the rest by session.
  return (attributes) => attributes?.productId ?? producerRef.current?.sessionId ?? 'session';
}

function track(name, attributes) {
  if (!demo.producer) return;
  try {
    tally.addTracked(demo.producer.track(name, attributes));
  } catch (err) {
    panel.note(`track ${name} rejected: ${err.code ?? ''} ${err.message}`);
  }
}

async function start() {
  demo.config = await fetch('/config.json').then((r) => {
    if (!r.ok) throw new Error(`/config.json answered ${r.status}`);
    return r.json();
  });
  stream = followStream({ onUpdate: (view) => { stream = view; } });
  await startFaultToggles(demo.config.faultProxyUrl, panel.note);
  followProxyLog(demo.config.faultProxyUrl, panel.note);

  let pkg;
  try {
    pkg = await import('/pkg/kinesis_clickstream.js');
    await pkg.default();
  } catch (err) {
    setStatus('error', `The wasm package is not built or failed to load (${err.message}). Run \`make build\`, then reload.`);
    startShop({ track });
    throw err;
  }

  const { streamName, region, endpoint, credentials } = demo.config;
  const keyMode = tally.partitionKey();
  document.querySelector('#partition-key').value = keyMode;
  const producerRef = {};
  try {
    demo.producer = await pkg.Producer.create({
      streamName,
      region,
      endpoint,
      credentials,
      ...PRODUCER_OPTIONS,
      // IndexedDB where the package supports it (durability work), memory until then.
      persistence: 'auto',
      partitionKey: partitionKeyOption(keyMode, producerRef),
      onError: (error) => panel.note(`error ${error?.code ?? ''}: ${error?.message ?? error}`),
      onFlush: (batch) => panel.note(`delivered a batch of ${batch?.sent ?? '?'} record(s)`),
    });
    producerRef.current = demo.producer;
  } catch (err) {
    setStatus('error', `Producer.create failed: ${err.code ?? ''} ${err.message}`);
    throw err;
  }
  setStatus('ready', `Tracking into stream "${streamName}" through the fault proxy at ${endpoint}; partition key: ${keyMode}.`);

  addEventListener('pagehide', () => {
    tally.save(demo.producer.stats());
    panel.saveChart();
  });
  wirePanelButtons();
  panel.tick(snapshot()); // the chart's baseline: what earlier page loads counted
  setInterval(() => panel.tick(snapshot()), 1000);
  startShop({ track });
  refresh();
  return demo;
}

function refresh() {
  try {
    panel.update(snapshot());
  } catch (err) {
    panel.note(`panel update failed: ${err.message}`);
  }
  setTimeout(refresh, STATS_INTERVAL_MS);
}

// Runs `action` with `button` disabled, noting what it resolves to or why it failed.
async function busy(button, action) {
  button.disabled = true;
  try {
    await action();
  } catch (err) {
    panel.note(`${button.textContent.trim()} failed: ${err.code ?? ''} ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

// A reload must not lose what is buffered: the producer keeps its buffer in memory, so the page
// flushes first (this waits while the proxy is "offline") and reloads once everything is acknowledged.
async function flushThenReload(button) {
  const label = button.textContent;
  button.textContent = 'Flushing…';
  const pending = snapshot();
  panel.note(`reload: flushing ${pending.buffered + pending.inFlight} buffered/in-flight record(s) first`);
  await busy(button, async () => {
    const report = await demo.producer.flush();
    panel.note(`reload: flushed (${describe(report)})`);
    tally.save(demo.producer.stats());
    location.reload();
  });
  button.textContent = label;
}

function wirePanelButtons() {
  const burst = document.querySelector('#burst');
  burst.addEventListener('click', () => {
    for (let i = 0; i < BURST_SIZE; i++) track('burst', { index: i });
    panel.note(`burst: ${BURST_SIZE} events tracked`);
  });
  const flush = document.querySelector('#flush');
  flush.addEventListener('click', () => busy(flush, async () => {
    panel.note('flush started');
    panel.note(`flush done (${describe(await demo.producer.flush())})`);
  }));
  const reload = document.querySelector('#reload');
  reload.addEventListener('click', () => flushThenReload(reload));
  document.querySelector('#partition-key').addEventListener('change', (event) => {
    tally.setPartitionKey(event.target.value);
    panel.note(`partition key "${event.target.value}" from the next page load on`);
    flushThenReload(reload);
  });
}
