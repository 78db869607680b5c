// Renames the .wasm's imports and exports to short names, in the .wasm and in its glue alike.
//
// wasm-bindgen names each import after what it binds plus a 16-digit hash
// (`__wbg_instanceof_Uint8Array_d7aeb0dcb3108fea`), under the module name "./<crate>_bg.js". The
// names appear twice, in the .wasm's import section and as keys of the glue's import object, and
// the hashes do not compress. Here every import becomes `a`, `b`, … `Z`, `aa`, … and the module
// name `w`. Each old name must occur in the glue exactly once (its key), else nothing is written.
// Exports (`producer_put`, `__wbindgen_add_to_stack_pointer`, …) become `A`, `B`, …: only those the
// glue reads, and only when every occurrence in the glue is a property access (`.name`). `memory`
// keeps its name.
//
//   node scripts/shorten-names.mjs pkg/kinesis_clickstream_bg.wasm pkg/kinesis_clickstream.js
import { readFileSync, writeFileSync } from 'node:fs';
import { EXPORT_SECTION, IMPORT_SECTION, Reader, nameBytes, readImport, sections, u32Bytes } from './wasm-binary.mjs';

const KEPT_EXPORTS = new Set(['memory']);
const MODULE_NAME = 'w';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The `index`-th short name: a…Z, then aa, ab, … (starting at `first`, a letter of LETTERS). */
function shortName(index, first = 'a') {
  const letters = LETTERS.slice(LETTERS.indexOf(first)) + LETTERS.slice(0, LETTERS.indexOf(first));
  let name = '';
  for (let n = index; ; n = Math.floor(n / letters.length) - 1) {
    name = letters[n % letters.length] + name;
    if (n < letters.length) return name;
  }
}

/** The import section rebuilt with renamed names; returns it and the old → new names. */
function renameImports(bytes, start, end) {
  const reader = new Reader(bytes, start);
  const count = reader.u32();
  const out = [...u32Bytes(count)];
  const renamed = new Map();
  const modules = new Set();
  for (let i = 0; i < count; i++) {
    const { module, field, descriptionStart } = readImport(reader);
    modules.add(module);
    if (renamed.has(field)) throw new Error(`import ${field} appears twice`);
    renamed.set(field, shortName(i));
    out.push(...nameBytes(MODULE_NAME), ...nameBytes(shortName(i)), ...bytes.subarray(descriptionStart, reader.at));
  }
  if (reader.at !== end) throw new Error('import section: unexpected trailing bytes');
  if (modules.size !== 1) throw new Error(`imports from ${modules.size} modules; expected one`);
  return { section: Uint8Array.from(out), renamed, module: [...modules][0] };
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The export section rebuilt with the exports the glue reads only as `.name` renamed, each to a short
 * name that no `.name` in the glue uses yet; returns it and the old → new names.
 */
function renameExports(bytes, start, end, glue) {
  const reader = new Reader(bytes, start);
  const count = reader.u32();
  const out = [...u32Bytes(count)];
  const renamed = new Map();
  let next = 0;
  const freeShortName = () => {
    for (;;) {
      const candidate = shortName(next++, 'A');
      if (!new RegExp(`\\.${candidate}(?![\\w$])`).test(glue)) return candidate;
    }
  };
  for (let i = 0; i < count; i++) {
    const name = reader.name();
    const descriptionStart = reader.at;
    reader.byte();
    reader.u32();
    const uses = glue.match(new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, 'g'))?.length ?? 0;
    const reads = glue.match(new RegExp(`\\.${escape(name)}(?![\\w$])`, 'g'))?.length ?? 0;
    const short = !KEPT_EXPORTS.has(name) && uses > 0 && uses === reads ? freeShortName() : name;
    if (short !== name) renamed.set(name, short);
    out.push(...nameBytes(short), ...bytes.subarray(descriptionStart, reader.at));
  }
  if (reader.at !== end) throw new Error('export section: unexpected trailing bytes');
  return { section: Uint8Array.from(out), renamed };
}

/** Replaces each whole-word `from` in `text` by `to`, requiring exactly one occurrence. */
function replaceOnce(text, from, to) {
  const pattern = new RegExp(`(?<![\\w$])${escape(from)}(?![\\w$])`, 'g');
  const found = text.match(pattern)?.length ?? 0;
  if (found !== 1) throw new Error(`${from}: found ${found} times in the glue; expected once`);
  return text.replace(pattern, to);
}

const [wasmPath, gluePath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');

const pieces = [];
let pieceStart = 0;
let imports;
let exports;
for (const { id, start, contentStart, end } of sections(wasm)) {
  let section;
  if (id === IMPORT_SECTION) {
    imports = renameImports(wasm, contentStart, end);
    section = imports.section;
  } else if (id === EXPORT_SECTION) {
    exports = renameExports(wasm, contentStart, end, glue);
    section = exports.section;
  } else {
    continue;
  }
  pieces.push(wasm.subarray(pieceStart, start), Uint8Array.of(id, ...u32Bytes(section.length)), section);
  pieceStart = end;
}
if (!imports || !exports) throw new Error(`${wasmPath} lacks an import or export section`);
pieces.push(wasm.subarray(pieceStart));
glue = replaceOnce(glue, JSON.stringify(imports.module), JSON.stringify(MODULE_NAME));
for (const [from, to] of imports.renamed) glue = replaceOnce(glue, from, to);
for (const [from, to] of exports.renamed) glue = glue.replace(new RegExp(`\\.${escape(from)}(?![\\w$])`, 'g'), `.${to}`);
writeFileSync(wasmPath, Buffer.concat(pieces));
writeFileSync(gluePath, glue);
console.log(`shorten-names: ${imports.renamed.size} imports and ${exports.renamed.size} exports renamed`);
