//! The thin JavaScript edge over [`crate::core`]; compiled only for `wasm32`.
//!
//! It reads the time, moves bytes through the global `fetch`, hashes with WebCrypto, schedules
//! wake-ups with `setTimeout` and exports the JS `Producer` class. Every decision stays in the core.

pub mod api;
pub mod config;
pub mod credentials;
pub mod digest;
pub mod driver;
pub mod envelope;
pub mod js_error;
pub mod lifecycle;
pub mod log;
pub mod random;
pub mod timer;
pub mod transport;
pub mod types;

/// The local time in ms since the Unix epoch (`Date.now()`).
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
