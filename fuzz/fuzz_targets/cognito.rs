//! cargo-fuzz target `cognito`: see `entry_points::cognito`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry_points::cognito(data));
