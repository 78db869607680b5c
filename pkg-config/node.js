// Entry for Node (20 or later): on the first Producer.create() the .wasm next to this file is read
// from disk and instantiated synchronously.
import { readFileSync } from 'node:fs';
import { initSync, Producer as WasmProducer } from './kinesis_clickstream.js';
import { loadingOnCreate } from './loading-on-create.js';

let loaded = false;

/**
 * Loads the WebAssembly module once; `Producer.create` calls it, so calling it yourself is optional.
 * `source` overrides where the module comes from: bytes or a `WebAssembly.Module`.
 */
export async function initialize(source) {
  if (loaded) return;
  initSync({ module: source ?? readFileSync(new URL('./kinesis_clickstream_bg.wasm', import.meta.url)) });
  loaded = true;
}

/** The wasm-bindgen class, its `create` first loading the module (a value, so no bundler drops it). */
export const Producer = loadingOnCreate(WasmProducer, initialize);
