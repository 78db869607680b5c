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
import { CODE_SECTION, CUSTOM_SECTION, IMPORT_SECTION, Reader, nameBytes, readImport, sections, u32Bytes } from './wasm-binary.mjs';

const WINDOW = 256;
const CONTEXT = 4096;
// The same wasm features as the release wasm-opt run (Cargo.toml's wasm-opt list).
const FEATURES = readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8').match(/"--enable-[a-z-]+"/g)
  .map((flag) => flag.slice(1, -1));

/** The module's sections, its imported function count and its function bodies. */
function parse(bytes) {
  const found = sections(bytes);
  let importedFunctions = 0;
  let bodies = null;
  for (const { id, contentStart } of found) {
    const reader = new Reader(bytes, contentStart);
    if (id === IMPORT_SECTION) {
      for (let count = reader.u32(); count > 0; count--) {
        if (readImport(reader).kind === 0) importedFunctions++;
      }
    } else if (id === CODE_SECTION) {
      bodies = [];
      for (let count = reader.u32(); count > 0; count--) {
        const length = reader.u32();
        bodies.push(bytes.subarray(reader.at, reader.at + length));
        reader.at += length;
      }
    }
  }
  if (!bodies) throw new Error('order-functions: no code section');
  return { sections: found, importedFunctions, bodies };
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
function withRankNames(bytes, { sections: found, importedFunctions, bodies }, order) {
  const rank = new Array(bodies.length);
  order.forEach((index, position) => { rank[index] = position; });
  const entries = [...u32Bytes(importedFunctions + bodies.length)];
  for (let index = 0; index < importedFunctions; index++) entries.push(...u32Bytes(index), ...nameBytes(`i${index}`));
  bodies.forEach((_, index) => {
    entries.push(...u32Bytes(importedFunctions + index), ...nameBytes(`f${String(rank[index]).padStart(6, '0')}`));
  });
  const payload = [...nameBytes('name'), 1, ...u32Bytes(entries.length), ...entries];
  const kept = found
    .filter(({ id, contentStart }) => !(id === CUSTOM_SECTION && new Reader(bytes, contentStart).name() === 'name'))
    .map(({ start, end }) => bytes.subarray(start, end));
  return Buffer.concat([bytes.subarray(0, 8), ...kept, Buffer.from([CUSTOM_SECTION, ...u32Bytes(payload.length), ...payload])]);
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
