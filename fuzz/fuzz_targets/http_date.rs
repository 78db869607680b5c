//! cargo-fuzz target `http_date`: see `entry_points::http_date`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry_points::http_date(data));
