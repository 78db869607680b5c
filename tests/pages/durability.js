// The page tests/e2e/durability.test.mjs drives: one producer with persistence, configured from
// /config.json and the query string:
//   ?stream=NAME               the stream (required)
//   &flushIntervalMs=N         default 1000
//   &persistence=MODE          default indexeddb
//   &gate=1                    credentials come from a provider that waits for window.grant()
// `window.page` = {ready: Promise, producer, errors: [], track(n, prefix) → ids}.
import init, { Producer } from '/pkg/kinesis_clickstream.js';

const params = new URLSearchParams(location.search);
const page = { errors: [], producer: undefined };
window.page = page;

let grant;
const granted = new Promise((resolve) => { grant = resolve; });
window.grant = () => grant();

page.ready = (async () => {
  const config = await fetch('/config.json').then((r) => r.json());
  await init();
  const credentials = params.get('gate') === '1'
    ? async () => { await granted; return { ...config.credentials, expiration: new Date(Date.now() + 3600_000) }; }
    : config.credentials;
  page.producer = await Producer.create({
    streamName: params.get('stream'),
    region: config.region,
    endpoint: config.endpoint,
    credentials,
    persistence: params.get('persistence') ?? 'indexeddb',
    flushIntervalMs: Number(params.get('flushIntervalMs') ?? 1000),
    logLevel: params.get('logLevel') ?? 'warn',
    onError: (error) => page.errors.push(`${error.code}: ${error.message}`),
  });
})();

// Tracks `count` click events; returns their ids (each envelope carries its id).
page.track = (count, prefix) => {
  const ids = [];
  for (let i = 0; i < count; i++) ids.push(page.producer.track('click', { n: i, label: `${prefix}-${i}` }));
  return ids;
};
