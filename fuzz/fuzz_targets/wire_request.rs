//! cargo-fuzz target `wire_request`: see `entry_points::wire_request`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry_points::wire_request(data));
