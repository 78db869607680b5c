//! Replays every committed fuzz corpus file (fuzz/corpus/<target>/*) through the same entry points
//! the cargo-fuzz targets call, so `cargo test` guards every input the fuzzers kept or crashed on.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

#[path = "../fuzz/entry_points.rs"]
mod entry_points;

use entry_points::TARGETS;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

fn replay(target: &str, entry: fn(&[u8])) {
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {} is missing: {e}", dir.display()))
        .map(|entry| entry.expect("readable corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "corpus {target} holds {} files; at least 5 expected",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let data = fs::read(path).expect("readable corpus file");
        if catch_unwind(AssertUnwindSafe(|| entry(&data))).is_err() {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: {} of {} corpus files panic: {failures:?}",
        failures.len(),
        files.len()
    );
}

#[test]
fn every_target_has_a_corpus_and_nothing_else_is_there() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut found: Vec<String> = fs::read_dir(&root)
        .expect("fuzz/corpus exists")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut expected: Vec<String> = TARGETS.iter().map(|(name, _)| name.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn wire_response_corpus() {
    replay("wire_response", entry_points::wire_response);
}

#[test]
fn wire_error_body_corpus() {
    replay("wire_error_body", entry_points::wire_error_body);
}

#[test]
fn wire_request_corpus() {
    replay("wire_request", entry_points::wire_request);
}

#[test]
fn cognito_corpus() {
    replay("cognito", entry_points::cognito);
}

#[test]
fn http_date_corpus() {
    replay("http_date", entry_points::http_date);
}

#[test]
fn config_corpus() {
    replay("config", entry_points::config);
}
