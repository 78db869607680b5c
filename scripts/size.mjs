#!/usr/bin/env node
// Prints the shipped size of the browser build (pkg/: the .wasm and its JS glue) raw, gzip -9 and
// brotli (max quality), and exits 1 when wasm + glue together exceed the gzip budget.
//
//   node scripts/size.mjs [--dir pkg] [--budget-kib 52]
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compressedSizes } from './compressed-sizes.mjs';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'pkg' },
    'budget-kib': { type: 'string', default: '52' },
  },
});
const budgetBytes = Number(values['budget-kib']) * 1024;
const files = ['kinesis_clickstream_bg.wasm', 'kinesis_clickstream.js'].map((name) => join(values.dir, name));
const missing = files.filter((file) => !existsSync(file));
if (missing.length > 0) {
  console.error(`size: missing ${missing.join(', ')}; run scripts/build.sh (make build) first`);
  process.exit(1);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

const total = { raw: 0, gzip: 0, brotli: 0 };
console.log(`${'file'.padEnd(40)} ${'raw'.padStart(11)} ${'gzip -9'.padStart(11)} ${'brotli'.padStart(11)}`);
for (const file of files) {
  const size = compressedSizes(readFileSync(file));
  for (const key of Object.keys(total)) total[key] += size[key];
  console.log(`${file.padEnd(40)} ${kib(size.raw).padStart(11)} ${kib(size.gzip).padStart(11)} ${kib(size.brotli).padStart(11)}`);
}
console.log(`${'total (each file compressed alone)'.padEnd(40)} ${kib(total.raw).padStart(11)} ${kib(total.gzip).padStart(11)} ${kib(total.brotli).padStart(11)}`);
if (total.gzip > budgetBytes) {
  console.error(`size: gzip total ${kib(total.gzip)} is over the budget of ${kib(budgetBytes)}`);
  process.exit(1);
}
console.log(`size: gzip total ${kib(total.gzip)} within the budget of ${kib(budgetBytes)}`);
