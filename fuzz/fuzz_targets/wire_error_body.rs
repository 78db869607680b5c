//! cargo-fuzz target `wire_error_body`: see `entry_points::wire_error_body`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry_points::wire_error_body(data));
