//! cargo-fuzz target `wire_response`: see `entry_points::wire_response`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry_points::wire_response(data));
