// Shared by the per-environment entries: wraps the wasm-bindgen class so that `Producer.create` first
// loads the WebAssembly module. It returns the class as a value, so bundlers honouring
// `sideEffects: false` keep the wrapping.

/** Makes `Class.create(config)` await `initialize()` before calling the wasm `create`. */
export function loadingOnCreate(Class, initialize) {
  const createInWasm = Class.create;
  Class.create = async function create(config) {
    await initialize();
    return createInWasm.call(Class, config);
  };
  return Class;
}
