//! kinesis-clickstream: buffers clickstream events and sends them to Amazon Kinesis Data Streams.
//!
//! [`core`] holds every decision (validation, batching, encoding, signing, retries) as pure Rust that
//! never reads a clock and never does I/O. The `wasm` module, compiled only for `wasm32`, moves bytes,
//! time and events between that core and JavaScript.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
