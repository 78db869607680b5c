//! SHA-256 hex of a request body: WebCrypto (`crypto.subtle.digest`) where the runtime has it, the
//! Rust `sha2` hash elsewhere. Both give the same lowercase hex string.
//!
//! WebCrypto is looked up on the global object (`globalThis.crypto.subtle`), so pages, workers,
//! Node 20 and workerd all take the fast path; `subtle` is absent on insecure (plain http, non-localhost)
//! pages, where the Rust hash runs.

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `globalThis.crypto.subtle` when it exists and has a `digest` function.
fn subtle_crypto() -> Option<Object> {
    let global = js_sys::global();
    let crypto = Reflect::get(&global, &JsValue::from_str("crypto")).ok()?;
    if !crypto.is_object() {
        return None;
    }
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    let digest = Reflect::get(&subtle, &JsValue::from_str("digest")).ok()?;
    if subtle.is_object() && digest.is_function() {
        Some(subtle.unchecked_into())
    } else {
        None
    }
}

/// Whether [`sha256_hex`] will use WebCrypto in this runtime.
pub fn has_webcrypto() -> bool {
    subtle_crypto().is_some()
}

/// SHA-256 of `body` as lowercase hex, through WebCrypto when present, else in Rust.
///
/// `body` is the JS copy of the bytes that will also be handed to `fetch`; `bytes` is the same
/// content on the Rust side, hashed only when WebCrypto is missing or fails.
pub async fn sha256_hex(body: &Uint8Array, bytes: &[u8]) -> String {
    match sha256_hex_webcrypto(body).await {
        Some(hex) => hex,
        None => sha256_hex_rust(bytes),
    }
}

/// SHA-256 through `crypto.subtle.digest("SHA-256", body)`; `None` when WebCrypto is absent or the
/// digest call fails.
pub async fn sha256_hex_webcrypto(body: &Uint8Array) -> Option<String> {
    let subtle = subtle_crypto()?;
    let digest = Reflect::get(&subtle, &JsValue::from_str("digest"))
        .ok()?
        .unchecked_into::<js_sys::Function>();
    let promise = digest
        .apply(
            &subtle,
            &js_sys::Array::of2(&JsValue::from_str("SHA-256"), body),
        )
        .ok()?;
    let promise = Promise::resolve(&promise);
    let buffer = JsFuture::from(promise).await.ok()?;
    Some(hex(&Uint8Array::new(&buffer).to_vec()))
}

/// SHA-256 computed in Rust (the signer's own payload hash).
pub fn sha256_hex_rust(bytes: &[u8]) -> String {
    crate::core::sigv4::payload_sha256_hex(bytes)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    text
}
