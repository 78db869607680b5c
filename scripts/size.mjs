#!/usr/bin/env node
// Prints the shipped size of both browser builds (the .wasm and its JS glue) raw, gzip -9 and brotli
// (max quality): pkg/ (the full package) and pkg-lite/ (without durable delivery). Exits 1 when the
// lite build's wasm + glue exceed the gzip budget of issue 5, which covers what the core, signing and
// the wasm producer add: the lite build is exactly that; durable delivery (issue 6) came after the
// budget and is printed beside it.
//
//   node scripts/size.mjs [--budget-kib 52]
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compressedSizes } from './compressed-sizes.mjs';

const { values } = parseArgs({ options: { 'budget-kib': { type: 'string', default: '52' } } });
const budgetBytes = Number(values['budget-kib']) * 1024;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const row = (label, size) =>
  console.log(`${label.padEnd(44)} ${kib(size.raw).padStart(11)} ${kib(size.gzip).padStart(11)} ${kib(size.brotli).padStart(11)}`);

/** Prints the files of the build in `dir` and returns their summed sizes. */
function measureBuild(dir) {
  const files = ['kinesis_clickstream_bg.wasm', 'kinesis_clickstream.js'].map((name) => join(dir, name));
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    console.error(`size: missing ${missing.join(', ')}; run scripts/build.sh (make build) first`);
    process.exit(1);
  }
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const size = compressedSizes(readFileSync(file));
    for (const key of Object.keys(total)) total[key] += size[key];
    row(file, size);
  }
  row(`total ${dir} (each file compressed alone)`, total);
  return total;
}

console.log(`${'file'.padEnd(44)} ${'raw'.padStart(11)} ${'gzip -9'.padStart(11)} ${'brotli'.padStart(11)}`);
const full = measureBuild('pkg');
const lite = measureBuild('pkg-lite');
console.log(`size: the full build (with durable delivery) is ${kib(full.gzip)} gzip`);
if (lite.gzip > budgetBytes) {
  console.error(`size: the lite build's gzip total ${kib(lite.gzip)} is over the budget of ${kib(budgetBytes)}`);
  process.exit(1);
}
console.log(`size: the lite build's gzip total ${kib(lite.gzip)} is within the budget of ${kib(budgetBytes)}`);
