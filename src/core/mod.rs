//! The sans-IO core: pure Rust, deterministic, tested natively with a manual clock.
//!
//! Nothing here reads a clock, sleeps or does I/O: time comes in as milliseconds since the Unix
//! epoch, requests go out as plain data and responses come back as plain data.

pub mod clock;
pub mod cognito;
pub mod cognito_flow;
pub mod config;
pub mod credential_refresh;
pub mod credentials;
pub mod crypto;
pub mod decimal;
pub mod error;
pub mod event_id;
pub mod events;
pub mod flush;
pub mod http_date;
pub mod json;
pub mod keepalive;
pub mod key_map;
pub mod lease;
pub mod limits;
pub mod name_map;
pub mod offline;
pub mod partition;
pub mod persisted;
pub mod producer;
pub mod queue;
pub mod record;
pub mod retry;
pub mod rng;
pub mod sigv4;
pub mod stats;
pub mod text;
pub mod wire;
