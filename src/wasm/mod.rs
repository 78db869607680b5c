//! The thin JavaScript edge over [`crate::core`]; compiled only for `wasm32`.
//!
//! It reads the time, moves bytes through the global `fetch`, hashes with WebCrypto, schedules
//! wake-ups with `setTimeout` and exports the JS `Producer` class. Every decision stays in the core.

pub mod api;
pub mod config;
pub mod connectivity;
pub mod credentials;
pub mod driver;
pub mod dynamic;
pub mod envelope;
pub mod handoff;
pub mod js_error;
pub mod lifecycle;
pub mod local_cache;
pub mod log;
pub mod ownership;
pub mod page_exit;
pub mod random;
pub mod storage;
pub mod storage_local;
pub mod storage_records;
pub mod task;
pub mod text;
pub mod timer;
pub mod transport;
pub mod types;

/// The local time in ms since the Unix epoch (`Date.now()`).
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
