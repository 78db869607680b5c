// Reorders the functions of a .wasm so that gzip and brotli find more and nearer repeats.
//
// The order the compiler leaves is arbitrary for compression. This script starts from the smallest
// function and appends, each time, the one among the WINDOW smallest functions left whose body deflates
// best after the last CONTEXT bytes placed. It names each function by its rank in that order and lets
// wasm-opt move them (`--reorder-functions-by-name`); wasm-opt rewrites every call, table entry and
// export to match, and re-runs the final local and stack passes of the shipped pipeline, which reading a
// stack-optimised module undoes. No instruction changes: only the order of bodies and the numbering.
//
//   node scripts/order-functions.mjs <in.wasm> <out.wasm>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const WINDOW = 256;
const CONTEXT = 4096;
// The same wasm features as the release wasm-opt run (Cargo.toml's wasm-opt list).
const FEATURES = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8').match(/"--enable-[a-z-]+"/g)
  .map((flag) => flag.slice(1, -1));

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function leb(value) {
  const out = [];
  do {
    const low = value % 128;
    value = Math.floor(value / 128);
    out.push(value ? low | 0x80 : low);
  } while (value);
  return out;
}

function skipLimits(bytes, at) {
  const flags = bytes[at++];
  at = readLeb(bytes, at)[1];
  return flags & 1 ? readLeb(bytes, at)[1] : at;
}

/** The module's sections, its imported function count and its function bodies. */
function parse(bytes) {
  const sections = [];
  let importedFunctions = 0;
  let bodies = null;
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    const payload = bytes.subarray(start, start + size);
    sections.push({ id, whole: bytes.subarray(at, start + size), payload });
    at = start + size;
    if (id === 2) {
      let [count, p] = readLeb(payload, 0);
      while (count--) {
        for (let name = 0; name < 2; name++) {
          const [length, next] = readLeb(payload, p);
          p = next + length;
        }
        const kind = payload[p++];
        if (kind === 0) { p = readLeb(payload, p)[1]; importedFunctions++; }
        else if (kind === 1) p = skipLimits(payload, p + 1);
        else if (kind === 2) p = skipLimits(payload, p);
        else if (kind === 3) p += 2;
        else if (kind === 4) p = readLeb(payload, p + 1)[1];
        else throw new Error(`order-functions: unknown import kind ${kind}`);
      }
    } else if (id === 10) {
      bodies = [];
      let [count, p] = readLeb(payload, 0);
      while (count--) {
        const [length, next] = readLeb(payload, p);
        bodies.push(payload.subarray(next, next + length));
        p = next + length;
      }
    }
  }
  if (!bodies) throw new Error('order-functions: no code section');
  return { sections, importedFunctions, bodies };
}

/** Function indices (into `bodies`) in the order to write them. */
function chooseOrder(bodies) {
  const deflated = (bytes) => deflateRawSync(bytes, { level: 9 }).length;
  const left = bodies.map((_, index) => index).sort((a, b) => bodies[a].length - bodies[b].length || a - b);
  const order = [left.shift()];
  let placed = Buffer.from(bodies[order[0]]);
  while (left.length) {
    const context = placed.subarray(Math.max(0, placed.length - CONTEXT));
    const contextSize = deflated(context);
    let best = 0;
    let bestCost = Infinity;
    for (let slot = 0; slot < Math.min(WINDOW, left.length); slot++) {
      const body = bodies[left[slot]];
      const cost = (deflated(Buffer.concat([context, body])) - contextSize) / (body.length + 8);
      if (cost < bestCost) { bestCost = cost; best = slot; }
    }
    const [chosen] = left.splice(best, 1);
    order.push(chosen);
    placed = Buffer.concat([context, bodies[chosen]]);
  }
  return order;
}

/** The module with its name section replaced by one naming each defined function by its rank. */
function withRankNames(bytes, { sections, importedFunctions, bodies }, order) {
  const rank = new Array(bodies.length);
  order.forEach((index, position) => { rank[index] = position; });
  const entries = [...leb(importedFunctions + bodies.length)];
  const name = (text) => [...leb(text.length), ...Buffer.from(text)];
  for (let index = 0; index < importedFunctions; index++) entries.push(...leb(index), ...name(`i${index}`));
  bodies.forEach((_, index) => {
    entries.push(...leb(importedFunctions + index), ...name(`f${String(rank[index]).padStart(6, '0')}`));
  });
  const payload = [...name('name'), 1, ...leb(entries.length), ...entries];
  const kept = sections
    .filter(({ id, payload: p }) => !(id === 0 && Buffer.from(p.subarray(0, 5)).equals(Buffer.from([4, ...Buffer.from('name')]))))
    .map(({ whole }) => whole);
  return Buffer.concat([bytes.subarray(0, 8), ...kept, Buffer.from([0, ...leb(payload.length), ...payload])]);
}

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: order-functions.mjs <in.wasm> <out.wasm>');
const bytes = readFileSync(input);
const module = parse(bytes);
const order = chooseOrder(module.bodies);
const scratch = mkdtempSync(join(tmpdir(), 'order-functions-'));
try {
  const named = join(scratch, 'named.wasm');
  writeFileSync(named, withRankNames(bytes, module, order));
  execFileSync('wasm-opt', [
    ...FEATURES, '--optimize-level', '2', '--shrink-level', '2', '--reorder-functions-by-name',
    '--coalesce-locals', '--reorder-locals', '--generate-stack-ir', '--optimize-stack-ir', '--strip-debug',
    named, '-o', output,
  ], { stdio: 'inherit' });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const after = parse(readFileSync(output));
if (after.bodies.length !== module.bodies.length) {
  throw new Error(`order-functions: ${module.bodies.length} functions became ${after.bodies.length}`);
}
