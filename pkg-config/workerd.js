// Entry for Cloudflare Workers / workerd: the .wasm is imported as a compiled WebAssembly.Module
// (Wrangler's default rule for `.wasm` imports) and instantiated on the first Producer.create(),
// since workerd compiles no WebAssembly at run time.
import wasmModule from './kinesis_clickstream_bg.wasm';
import { initSync, Producer as WasmProducer } from './kinesis_clickstream.js';
import { loadingOnCreate } from './loading-on-create.js';

let loaded = false;

/**
 * Instantiates the WebAssembly module once; `Producer.create` calls it, so calling it yourself is
 * optional. `source` overrides the module (a `WebAssembly.Module`).
 */
export async function initialize(source) {
  if (loaded) return;
  initSync({ module: source ?? wasmModule });
  loaded = true;
}

/** The wasm-bindgen class, its `create` first loading the module (a value, so no bundler drops it). */
export const Producer = loadingOnCreate(WasmProducer, initialize);
