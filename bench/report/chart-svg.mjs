// bench/chart.svg: horizontal bars (median) with min–max whiskers and dashed target marks, in panels.
// Plain SVG text, no charting dependency.
import { deriveEndToEnd, deriveEnqueue, deriveMainThread, deriveThroughput } from './derive.mjs';
import { num } from '../lib/stats.mjs';

const WIDTH = 900;
const LABEL_W = 330;
const BAR_W = 470;
const ROW_H = 20;
const COLORS = { ours: '#d9480f', anchor: '#1c7ed6', floor: '#868e96' };

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const point = (v) => ({ median: v, min: v, max: v, n: 1 });

function colorOf(label) {
  if (/^ours/.test(label) || /: ours/.test(label)) return COLORS.ours;
  if (/floor|none|raw|ceiling/.test(label)) return COLORS.floor;
  return COLORS.anchor;
}

function panel(y, { title, unit, rows, reference }) {
  const usable = rows.filter((r) => r.s && Number.isFinite(r.s.median));
  // The scale follows the medians; a whisker reaching past it is cut at the edge and marked with "›".
  const max = Math.max(1e-9, ...usable.map((r) => Math.max(r.s.median * 1.6, r.target ?? 0)));
  const x = (v) => LABEL_W + (Math.min(max, Math.max(0, v)) / max) * BAR_W;
  const parts = [`<text x="10" y="${y + 16}" font-weight="bold">${esc(title)}</text>`];
  let ry = y + 28;
  for (const r of rows) {
    parts.push(`<text x="${LABEL_W - 8}" y="${ry + 14}" text-anchor="end">${esc(r.label)}</text>`);
    if (r.s && Number.isFinite(r.s.median)) {
      const color = colorOf(r.label);
      parts.push(`<rect x="${LABEL_W}" y="${ry + 3}" width="${(x(r.s.median) - LABEL_W).toFixed(1)}" height="${ROW_H - 6}" fill="${color}" opacity="0.8"/>`);
      if (r.s.max > r.s.min) {
        parts.push(`<line x1="${x(r.s.min).toFixed(1)}" x2="${x(r.s.max).toFixed(1)}" y1="${ry + ROW_H / 2}" y2="${ry + ROW_H / 2}" stroke="#212529"/>`);
      }
      const cut = r.s.max > max ? '›' : '';
      parts.push(`<text x="${(x(r.s.max) + 6).toFixed(1)}" y="${ry + 14}">${esc(cut + ' ' + num(r.s.median) + unit)}</text>`);
    } else {
      parts.push(`<text x="${LABEL_W + 4}" y="${ry + 14}" fill="#868e96">${esc(r.missing ?? 'not measured')}</text>`);
    }
    if (r.target !== undefined) {
      parts.push(`<line x1="${x(r.target).toFixed(1)}" x2="${x(r.target).toFixed(1)}" y1="${ry}" y2="${ry + ROW_H}" stroke="#2b8a3e" stroke-width="2" stroke-dasharray="3,2"/>`);
    }
    ry += ROW_H;
  }
  if (reference !== undefined) {
    parts.push(`<line x1="${x(reference).toFixed(1)}" x2="${x(reference).toFixed(1)}" y1="${y + 26}" y2="${ry}" stroke="#495057" stroke-dasharray="1,3"/>`);
    parts.push(`<text x="${x(reference).toFixed(1)}" y="${ry + 10}" text-anchor="middle" font-size="10" fill="#495057">${esc(num(reference) + unit)}</text>`);
  }
  return { svg: parts.join('\n'), height: ry - y + (reference !== undefined ? 24 : 14) };
}

/** The SVG document for one run's results. */
export function renderChart(r) {
  const panels = [];
  const missing = r.ours.built ? 'failed' : 'ours: not built';
  const size = r.sections.size;
  if (size) {
    const sdk = size.find((x) => x.id === 'sdk-cognito');
    const rows = size.map((x) => ({ label: x.id === 'ours' ? 'ours (wasm + glue)' : x.id, s: point(x.gzip / 1024) }));
    if (!size.find((x) => x.id === 'ours')) rows.unshift({ label: 'ours (wasm + glue)', missing });
    rows[0].target = sdk ? (0.75 * sdk.gzip) / 1024 : undefined;
    panels.push({ title: 'Size, gzip -9 KiB (dashed: target for ours, 0.75 × SDK + Cognito)', unit: ' KiB', rows });
  }
  for (const [env, label] of [['node', 'Node'], ['chromium', 'Chromium']]) {
    const sec = r.sections[env];
    if (!sec) continue;
    for (const t of sec.throughput) {
      const d = deriveThroughput(t);
      const target = t.shape === 'small' ? 1.0 : 1.3;
      const rows = [];
      for (const v of ['ours', 'ours/in-page fetch', 'sdk', 'aws4fetch', 'floor+fetch']) {
        if (d[v]) rows.push({ label: `${v}`, s: d[v].overFloor, target: v.startsWith('ours') ? target : undefined });
        else if (v.startsWith('ours')) rows.push({ label: v, missing, target });
      }
      panels.push({ title: `${label}, ${t.shape === 'small' ? '500 × 200 B' : '500 × 10,000 B'}: build + sign time / native floor (lower is better)`, unit: '×', rows, reference: 1 });
    }
  }
  const other = [];
  for (const [env, label] of [['node', 'Node'], ['chromium', 'Chromium']]) {
    const e = r.sections[env]?.enqueue;
    if (e) {
      const d = deriveEnqueue(e);
      other.push({ label: `${label}: ours put() / floor, ns per event`, s: d.oursNs.n ? d.ratio : undefined, target: 1.5, missing });
    }
  }
  if (r.sections.e2e) {
    const d = deriveEndToEnd(r.sections.e2e);
    other.push({ label: 'End to end: ours / kinesalite ceiling', s: d.oursOverCeiling.n ? d.oursOverCeiling : undefined, target: 0.9, missing });
  }
  if (other.length) panels.push({ title: 'Enqueue (target ≤ 1.5×) and end to end (target ≥ 0.9×)', unit: '×', rows: other });
  const mt = r.sections.mainThread;
  if (mt) {
    const d = deriveMainThread(mt);
    const rows = Object.entries(d).map(([v, x]) => ({ label: `${v}: main-thread busy ms/s`, s: x.cpuMsPerS }));
    if (!d.ours) rows.unshift({ label: 'ours: main-thread busy ms/s', missing });
    panels.push({ title: `Main thread at ${mt.rate} events/s (busy ms per second)`, unit: ' ms', rows });
  }

  let y = 40;
  const body = [];
  for (const p of panels) {
    const { svg, height } = panel(y, p);
    body.push(svg);
    y += height;
  }
  const header = `kinesis-clickstream benchmarks: median over ${r.rounds} rounds, whiskers min–max (› cut at the edge) (${r.startedAt.slice(0, 16)}Z, ${r.machine.nproc} CPUs)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 10}" viewBox="0 0 ${WIDTH} ${y + 10}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" font-size="14" font-weight="bold">${esc(header)}</text>
${body.join('\n')}
</svg>
`;
}
