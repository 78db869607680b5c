// The live panel: counters, the events/s chart, records per shard, the latest records read back, the
// verdict ("is everything tracked in the stream?") and a log of producer and fault events.
import { drawRateChart } from './chart.js';

const CHART_SECONDS = 60;
const MAX_NOTES = 200;
const LATEST_SHOWN = 12;
const SERIES = [
  { key: 'tracked', name: 'tracked/s', color: '#2563eb' },
  { key: 'sent', name: 'sent/s', color: '#16a34a' },
  { key: 'read', name: 'read back/s', color: '#d97706' },
];

const $ = (selector) => document.querySelector(selector);

const HISTORY_KEY = 'kinesis-clickstream-demo-chart';

// The chart's last minute as an earlier page load of this tab left it, the seconds since then as zeros.
function restoredHistory() {
  const history = Object.fromEntries(SERIES.map((s) => [s.key, []]));
  try {
    const stored = JSON.parse(sessionStorage.getItem(HISTORY_KEY) ?? 'null');
    if (!stored || !Number.isFinite(stored.at)) return history;
    const gap = Math.min(CHART_SECONDS, Math.max(0, Math.round((Date.now() - stored.at) / 1000) - 1));
    for (const { key } of SERIES) {
      if (!Array.isArray(stored.history?.[key])) continue;
      history[key] = stored.history[key].concat(new Array(gap).fill(0)).slice(-CHART_SECONDS);
    }
  } catch {
    // Unreadable: start with an empty chart.
  }
  return history;
}

/**
 * Creates the panel; `update(snapshot)` redraws it, `tick(snapshot)` adds a second to the chart and
 * `saveChart()` keeps the chart for the tab's next page load.
 */
export function createPanel() {
  const history = restoredHistory();
  let previous;

  function note(text) {
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
    const list = $('#events');
    list.prepend(item);
    while (list.children.length > MAX_NOTES) list.lastElementChild.remove();
  }

  /**
   * `snapshot`: {tracked, buffered, inFlight, sent, retried, failed, readBack, confirmed, duplicated,
   * clockOffsetMs, shards: [{shardId, records}], latest: [record summary]}.
   */
  function update(snapshot) {
    const set = (selector, value) => { $(selector).textContent = value; };
    set('#count-tracked', snapshot.tracked.toLocaleString());
    set('#count-buffered', snapshot.buffered.toLocaleString());
    set('#count-inflight', snapshot.inFlight.toLocaleString());
    set('#count-sent', snapshot.sent.toLocaleString());
    set('#count-retried', snapshot.retried.toLocaleString());
    set('#count-failed', snapshot.failed.toLocaleString());
    set('#count-read', snapshot.readBack.toLocaleString());
    set('#count-confirmed', `${snapshot.confirmed.toLocaleString()} / ${snapshot.tracked.toLocaleString()}`);
    set('#clock-offset', `${snapshot.clockOffsetMs.toLocaleString()} ms`);
    $('#count-failed').closest('div').dataset.alert = String(snapshot.failed > 0);
    renderVerdict(snapshot);
    renderShards(snapshot.shards);
    renderLatest(snapshot.latest);
  }

  function tick(snapshot) {
    const now = { tracked: snapshot.tracked, sent: snapshot.sent, read: snapshot.readBack };
    for (const { key } of SERIES) {
      const values = history[key];
      values.push(previous ? Math.max(0, now[key] - previous[key]) : 0);
      if (values.length > CHART_SECONDS) values.shift();
    }
    previous = now;
    drawRateChart($('#rate-chart'), SERIES.map((s) => ({ ...s, values: history[s.key] })), CHART_SECONDS);
  }

  function saveChart() {
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify({ at: Date.now(), history }));
  }

  drawRateChart($('#rate-chart'), SERIES.map((s) => ({ ...s, values: history[s.key] })), CHART_SECONDS);
  return { note, update, tick, saveChart };
}

function renderVerdict(s) {
  const verdict = $('#verdict');
  const pending = s.buffered + s.inFlight;
  const missing = s.tracked - s.confirmed;
  let state;
  let text;
  if (s.failed > 0) {
    state = 'bad';
    text = `${s.failed} record(s) failed for good`;
  } else if (s.duplicated > 0) {
    state = 'bad';
    text = `${s.duplicated} tracked event(s) arrived more than once`;
  } else if (missing === 0) {
    state = 'good';
    text = `All ${s.tracked.toLocaleString()} tracked events are in the stream, each once`;
  } else if (pending > 0) {
    state = 'waiting';
    text = `${missing.toLocaleString()} event(s) on their way (${pending.toLocaleString()} buffered or in flight)`;
  } else {
    state = 'waiting';
    text = `${missing.toLocaleString()} event(s) sent, not read back yet`;
  }
  verdict.dataset.state = state;
  verdict.textContent = text;
}

function renderShards(shards) {
  const total = shards.reduce((sum, s) => sum + s.records, 0);
  $('#shards').replaceChildren(...shards.map((shard) => {
    const row = document.createElement('div');
    row.className = 'shard';
    const label = document.createElement('span');
    label.textContent = shard.shardId.replace('shardId-', '').replace(/^0+(?=.)/, '#');
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('span');
    fill.style.width = `${total === 0 ? 0 : (100 * shard.records) / total}%`;
    bar.append(fill);
    const count = document.createElement('span');
    count.className = 'shard-count';
    count.textContent = shard.records.toLocaleString();
    row.append(label, bar, count);
    row.dataset.shard = shard.shardId;
    row.dataset.records = String(shard.records);
    return row;
  }));
}

function renderLatest(latest) {
  $('#records').replaceChildren(...latest.slice(-LATEST_SHOWN).reverse().map((r) => {
    const item = document.createElement('li');
    const shard = r.shardId.replace('shardId-', '').replace(/^0+(?=.)/, '#');
    item.textContent = `${shard}  ${r.name ?? '(raw)'}  key ${r.partitionKey.slice(0, 12)}  ${r.bytes} B`;
    item.title = r.preview;
    return item;
  }));
}
