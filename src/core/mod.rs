//! The sans-IO core: pure Rust, deterministic, tested natively with a manual clock.
//!
//! Nothing here reads a clock, sleeps or does I/O: time comes in as milliseconds since the Unix
//! epoch, requests go out as plain data and responses come back as plain data.

pub mod config;
pub mod error;
pub mod limits;
pub mod partition;
pub mod record;
pub mod wire;
