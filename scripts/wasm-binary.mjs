// The pieces of the WebAssembly binary format the build scripts read and write: sections, LEB128
// integers, names and import entries.

export const CUSTOM_SECTION = 0;
export const IMPORT_SECTION = 2;
export const EXPORT_SECTION = 7;
export const CODE_SECTION = 10;

/** A cursor reading LEB128 integers, bytes, names and limits from `bytes` at `at`. */
export class Reader {
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

/** The module's sections in order: `{ id, start, contentStart, end }` (byte offsets into `bytes`). */
export function sections(bytes) {
  const reader = new Reader(bytes, 8);
  const found = [];
  while (reader.at < bytes.length) {
    const start = reader.at;
    const id = reader.byte();
    const size = reader.u32();
    const contentStart = reader.at;
    reader.at += size;
    found.push({ id, start, contentStart, end: reader.at });
  }
  return found;
}

/**
 * Reads one import entry, leaving the reader after it: its module and field names, its kind (0 for a
 * function) and where its description (kind and type) starts.
 */
export function readImport(reader) {
  const module = reader.name();
  const field = reader.name();
  const descriptionStart = reader.at;
  const kind = reader.byte();
  if (kind === 0) reader.u32();
  else if (kind === 1) (reader.byte(), reader.limits());
  else if (kind === 2) reader.limits();
  else if (kind === 3) (reader.byte(), reader.byte());
  else if (kind === 4) (reader.byte(), reader.u32());
  else throw new Error(`import ${field}: unknown kind ${kind}`);
  return { module, field, kind, descriptionStart };
}

/** `value` as unsigned LEB128 bytes. */
export function u32Bytes(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

/** `text` as a wasm name: its UTF-8 length, then its UTF-8 bytes. */
export function nameBytes(text) {
  const utf8 = new TextEncoder().encode(text);
  return [...u32Bytes(utf8.length), ...utf8];
}
