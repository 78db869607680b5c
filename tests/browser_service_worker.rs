//! The shared browser tests (tests/browser_common) in headless Chromium: in a service worker.
#![cfg(target_arch = "wasm32")]

#[macro_use]
mod browser_common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_service_worker);

all_browser_tests!();
