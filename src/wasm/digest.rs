//! SHA-256 hex of a request body: Node's synchronous `node:crypto` hash where
//! `process.getBuiltinModule` exists (Node ≥ 20.16), else WebCrypto (`crypto.subtle.digest`), else
//! the Rust `sha2` hash. All three give the same lowercase hex string.
//!
//! Everything is found by feature detection on the global object: pages, workers and workerd
//! (without `nodejs_compat`) have no `process.getBuiltinModule` and take WebCrypto; `subtle` is
//! absent on insecure (plain http, non-localhost) pages, where the Rust hash runs.

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::dynamic;

/// `target[name](argument)`; `None` when it is not a function or throws.
fn call_method(target: &JsValue, name: &str, argument: &JsValue) -> Option<JsValue> {
    dynamic::method(target, name)?.call1(target, argument).ok()
}

/// `process.getBuiltinModule("node:crypto")`, when that function exists and returns an object.
fn node_crypto() -> Option<JsValue> {
    let process = dynamic::global("process")?;
    let crypto = call_method(&process, "getBuiltinModule", &"node:crypto".into())?;
    crypto.is_object().then_some(crypto)
}

/// Whether [`sha256_hex`] will use `node:crypto` in this runtime.
pub fn has_node_crypto() -> bool {
    node_crypto()
        .and_then(|crypto| dynamic::method(&crypto, "createHash"))
        .is_some()
}

/// SHA-256 through `createHash("sha256").update(body).digest("hex")` of `node:crypto`,
/// synchronously; `None` when `node:crypto` is absent or a call fails.
pub fn sha256_hex_node(body: &Uint8Array) -> Option<String> {
    let hash = call_method(&node_crypto()?, "createHash", &"sha256".into())?;
    call_method(&hash, "update", body)?;
    call_method(&hash, "digest", &"hex".into())?.as_string()
}

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

/// SHA-256 of `body` as lowercase hex, through `node:crypto` when present, else WebCrypto, else in
/// Rust.
///
/// `body` is the JS copy of the bytes that will also be handed to `fetch`; `bytes` is the same
/// content on the Rust side, hashed only when both JS hashes are missing or fail.
pub async fn sha256_hex(body: &Uint8Array, bytes: &[u8]) -> String {
    let hex = match sha256_hex_node(body) {
        Some(hex) => Some(hex),
        None => sha256_hex_webcrypto(body).await,
    };
    hex.unwrap_or_else(|| sha256_hex_rust(bytes))
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
