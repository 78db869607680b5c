//! The thin JavaScript edge over [`crate::core`]; compiled only for `wasm32`.
//!
//! It reads the time, moves bytes through the global `fetch`, hashes with WebCrypto, schedules
//! wake-ups with `setTimeout` and exports the JS `Producer` class. Every decision stays in the core.

pub mod api;
pub mod config;
#[cfg(feature = "durable")]
pub mod connectivity;
pub mod credentials;
pub mod driver;
pub mod dynamic;
pub mod envelope;
#[cfg(feature = "durable")]
pub mod handoff;
pub mod js_error;
#[cfg(feature = "durable")]
pub mod lifecycle;
pub mod local_cache;
pub mod log;
#[cfg(feature = "durable")]
pub mod ownership;
#[cfg(feature = "durable")]
pub mod page_exit;
pub mod random;
#[cfg(feature = "durable")]
pub mod storage;
pub mod storage_local;
#[cfg(feature = "durable")]
pub mod storage_records;
pub mod task;
pub mod text;
pub mod timer;
pub mod transport;
pub mod types;

#[cfg(not(feature = "durable"))]
mod memory_only;
#[cfg(not(feature = "durable"))]
pub use memory_only::{connectivity, lifecycle, ownership, page_exit, storage};

/// The local time in ms since the Unix epoch (`Date.now()`).
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
