// The demo page: wires clicks to the wasm producer and the fault buttons to the fault proxy.
// `window.demo` exposes {config, producer, ready} so a browser test can drive the page.
const statusLine = document.querySelector('#status');
const statsView = document.querySelector('#stats');
const eventsList = document.querySelector('#events');
const proxyLog = document.querySelector('#proxy-log');
const MAX_EVENTS_SHOWN = 200;

const demo = { config: undefined, producer: undefined };
window.demo = demo;
demo.ready = start();

function setStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

// Stats and reports may hold BigInt counters; JSON cannot, so they are shown as numbers.
function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? Number(v) : v), 2);
}

function note(text) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  eventsList.prepend(item);
  while (eventsList.children.length > MAX_EVENTS_SHOWN) eventsList.lastElementChild.remove();
}

async function start() {
  demo.config = await fetch('/config.json').then((r) => {
    if (!r.ok) throw new Error(`/config.json answered ${r.status}`);
    return r.json();
  });
  wireFaultButtons(demo.config.faultProxyUrl);
  pollProxyLog(demo.config.faultProxyUrl);

  let pkg;
  try {
    pkg = await import('/pkg/kinesis_clickstream.js');
    await pkg.default();
  } catch (err) {
    setStatus('error', `The wasm package is not built or failed to load (${err.message}). Run \`make build\`, then reload.`);
    throw err;
  }

  const { streamName, region, endpoint, credentials } = demo.config;
  try {
    demo.producer = await pkg.Producer.create({
      streamName,
      region,
      endpoint,
      credentials,
      onError: (error) => note(`error ${error?.code ?? ''}: ${error?.message ?? error}`),
      onFlush: (report) => note(`flushed ${toJson(report).replace(/\s+/g, ' ')}`),
    });
  } catch (err) {
    setStatus('error', `Producer.create failed: ${err.code ?? ''} ${err.message}`);
    throw err;
  }
  setStatus('ready', `Producing to stream "${streamName}" at ${endpoint} (through the fault proxy).`);
  wireTracking(demo.producer);
  demo.producer.track('page_view', { title: document.title });
  refreshStats();
  return demo;
}

function wireTracking(producer) {
  document.addEventListener('click', (event) => {
    const target = event.target.closest('[data-track]');
    if (!target) return;
    if (target.tagName === 'A') event.preventDefault();
    try {
      producer.track('click', { elementId: target.id, text: target.textContent.trim() });
      note(`track click #${target.id}`);
    } catch (err) {
      note(`track rejected: ${err.code ?? ''} ${err.message}`);
    }
  });

  document.querySelector('#burst').addEventListener('click', () => {
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        producer.track('burst', { index: i });
        accepted++;
      } catch {
        rejected++;
      }
    }
    note(`burst: ${accepted} tracked${rejected ? `, ${rejected} rejected` : ''}`);
  });

  document.querySelector('#flush').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    note('flush started');
    try {
      note(`flush done: ${toJson(await producer.flush()).replace(/\s+/g, ' ')}`);
    } catch (err) {
      note(`flush failed: ${err.code ?? ''} ${err.message}`);
    } finally {
      button.disabled = false;
    }
  });
}

function wireFaultButtons(proxyUrl) {
  for (const button of document.querySelectorAll('[data-fault]')) {
    button.addEventListener('click', async () => {
      const answer = await fetch(`${proxyUrl}/__faults`, { method: 'POST', body: button.dataset.fault });
      note(answer.ok ? `fault set: ${button.textContent}` : `fault rejected: ${(await answer.json()).message}`);
    });
  }
  document.querySelector('[data-fault-reset]').addEventListener('click', async () => {
    await fetch(`${proxyUrl}/__reset`, { method: 'POST' });
    note('faults cleared');
  });
}

function refreshStats() {
  try {
    statsView.textContent = toJson(demo.producer.stats());
  } catch (err) {
    statsView.textContent = `stats() failed: ${err.message}`;
  }
  setTimeout(refreshStats, 500);
}

async function pollProxyLog(proxyUrl) {
  try {
    const entries = await fetch(`${proxyUrl}/__log`).then((r) => r.json());
    proxyLog.replaceChildren(...entries.filter((e) => e.method !== 'OPTIONS').slice(-15).reverse().map((e) => {
      const row = document.createElement('tr');
      for (const cell of [new Date(e.time).toLocaleTimeString(), e.target ?? e.method, e.records, e.fault ?? '', e.status ?? 'dropped']) {
        const td = document.createElement('td');
        td.textContent = String(cell);
        row.append(td);
      }
      return row;
    }));
  } catch {
    // The proxy is gone (demo stopped); keep the last table.
  }
  setTimeout(() => pollProxyLog(proxyUrl), 1000);
}
