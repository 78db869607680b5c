// Renames the .wasm's imports to short names, in the .wasm and in its glue alike.
//
// wasm-bindgen names each import after what it binds plus a 16-digit hash
// (`__wbg_instanceof_Uint8Array_d7aeb0dcb3108fea`), under the module name "./<crate>_bg.js". The
// names appear twice, in the .wasm's import section and as keys of the glue's import object, and
// the hashes do not compress. Here every import becomes `a`, `b`, … `Z`, `aa`, … and the module
// name `w`. Each old name must occur in the glue exactly once (its key), else nothing is written.
//
//   node scripts/shorten-imports.mjs pkg/kinesis_clickstream_bg.wasm pkg/kinesis_clickstream.js
import { readFileSync, writeFileSync } from 'node:fs';

const IMPORT_SECTION = 2;
const MODULE_NAME = 'w';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The `index`-th short name: a…Z, then aa, ab, …. */
function shortName(index) {
  let name = '';
  for (let n = index; ; n = Math.floor(n / LETTERS.length) - 1) {
    name = LETTERS[n % LETTERS.length] + name;
    if (n < LETTERS.length) return name;
  }
}

/** A cursor reading the wasm binary format's LEB128 integers and names. */
class Reader {
  constructor(bytes, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }
  u32() {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.bytes[this.at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }
  byte() {
    return this.bytes[this.at++];
  }
  name() {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
  /** Skips a `limits` (table or memory size). */
  limits() {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

function u32Bytes(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

function nameBytes(text) {
  const utf8 = new TextEncoder().encode(text);
  return [...u32Bytes(utf8.length), ...utf8];
}

/** The import section rebuilt with renamed names; returns it and the old → new names. */
function renameImports(bytes, start, end) {
  const reader = new Reader(bytes, start);
  const count = reader.u32();
  const out = [...u32Bytes(count)];
  const renamed = new Map();
  const modules = new Set();
  for (let i = 0; i < count; i++) {
    modules.add(reader.name());
    const field = reader.name();
    const descriptionStart = reader.at;
    const kind = reader.byte();
    if (kind === 0) reader.u32();
    else if (kind === 1) (reader.byte(), reader.limits());
    else if (kind === 2) reader.limits();
    else if (kind === 3) (reader.byte(), reader.byte());
    else throw new Error(`import ${field}: unknown kind ${kind}`);
    if (renamed.has(field)) throw new Error(`import ${field} appears twice`);
    renamed.set(field, shortName(i));
    out.push(...nameBytes(MODULE_NAME), ...nameBytes(shortName(i)), ...bytes.subarray(descriptionStart, reader.at));
  }
  if (reader.at !== end) throw new Error('import section: unexpected trailing bytes');
  if (modules.size !== 1) throw new Error(`imports from ${modules.size} modules; expected one`);
  return { section: Uint8Array.from(out), renamed, module: [...modules][0] };
}

/** Replaces each whole-word `from` in `text` by `to`, requiring exactly one occurrence. */
function replaceOnce(text, from, to) {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\w$])${escaped}(?![\\w$])`, 'g');
  const found = text.match(pattern)?.length ?? 0;
  if (found !== 1) throw new Error(`${from}: found ${found} times in the glue; expected once`);
  return text.replace(pattern, to);
}

const [wasmPath, gluePath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');

const reader = new Reader(wasm, 8);
let rebuilt;
while (reader.at < wasm.length) {
  const sectionStart = reader.at;
  const id = reader.byte();
  const size = reader.u32();
  const contentStart = reader.at;
  reader.at += size;
  if (id !== IMPORT_SECTION) continue;
  const { section, renamed, module } = renameImports(wasm, contentStart, reader.at);
  glue = replaceOnce(glue, JSON.stringify(module), JSON.stringify(MODULE_NAME));
  for (const [from, to] of renamed) glue = replaceOnce(glue, from, to);
  rebuilt = Buffer.concat([
    wasm.subarray(0, sectionStart),
    Uint8Array.of(IMPORT_SECTION, ...u32Bytes(section.length)),
    section,
    wasm.subarray(reader.at),
  ]);
  console.log(`shorten-imports: ${renamed.size} imports renamed`);
}
if (!rebuilt) throw new Error(`${wasmPath} has no import section`);
writeFileSync(wasmPath, rebuilt);
writeFileSync(gluePath, glue);
