//! kinesis-clickstream: buffers clickstream events and sends them to Amazon Kinesis Data Streams.
//!
//! [`core`] holds every decision (validation, batching, encoding, signing, retries) as pure Rust that
//! never reads a clock and never does I/O. The `wasm` module, compiled only for `wasm32`, moves bytes,
//! time and events between that core and JavaScript.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The `.wasm`'s heap allocator: talc instead of the default dlmalloc (smaller and faster for the
/// many small allocations of `put()`; the module is single-threaded).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
