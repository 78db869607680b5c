// Entry for browsers, web and service workers, Deno and bundlers (Vite, webpack, Rollup, esbuild):
// on the first Producer.create() the .wasm next to this file is fetched and instantiated.
// Bundlers see `new URL('./…wasm', import.meta.url)` and emit the file as an asset.
import init, { Producer as WasmProducer } from './kinesis_clickstream.js';
import { loadingOnCreate } from './loading-on-create.js';

let loading;

/**
 * Loads the WebAssembly module once; `Producer.create` calls it, so calling it yourself is optional.
 * `source` overrides where the module comes from: a URL, a `Response`, bytes or a `WebAssembly.Module`.
 */
export function initialize(source) {
  loading ??= init({ module_or_path: source ?? new URL('./kinesis_clickstream_bg.wasm', import.meta.url) }).then(
    () => undefined,
    (error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The wasm-bindgen class, its `create` first loading the module (a value, so no bundler drops it). */
export const Producer = loadingOnCreate(WasmProducer, initialize);
