//! SHA-256 hex of a request body: Node's synchronous one-shot `node:crypto` `hash` where
//! `process.getBuiltinModule` exists (Node ≥ 20.16), else WebCrypto (`crypto.subtle.digest`), else
//! the Rust hash (`core::crypto::sha256`). All three give the same lowercase hex string.
//!
//! Everything is found by feature detection on the global object: pages, workers and workerd
//! (without `nodejs_compat`) have no `process.getBuiltinModule` and take WebCrypto; `subtle` is
//! absent on insecure (plain http, non-localhost) pages, where the Rust hash runs.

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::dynamic;

/// `process.getBuiltinModule("node:crypto")`, when that function exists (the result is
/// `undefined` for a module Node does not have).
fn node_crypto() -> Option<JsValue> {
    let process = dynamic::global("process")?;
    dynamic::call(&process, "getBuiltinModule", &[&"node:crypto".into()]).ok()
}

/// Whether [`sha256_hex`] will use `node:crypto` in this runtime.
pub fn has_node_crypto() -> bool {
    node_crypto()
        .and_then(|crypto| dynamic::method(&crypto, "hash"))
        .is_some()
}

/// The digest of `body` from `node:crypto`'s one-shot `hash("sha256", body, "buffer")` (a
/// `Buffer`, Node ≥ 20.12), computed synchronously; `None` when it is absent or fails.
fn node_digest(body: &Uint8Array) -> Option<JsValue> {
    dynamic::call(
        &node_crypto()?,
        "hash",
        &[&"sha256".into(), body, &"buffer".into()],
    )
    .ok()
}

/// SHA-256 through `node:crypto` (see [`sha256_hex`]); `None` when it is absent or fails.
pub fn sha256_hex_node(body: &Uint8Array) -> Option<String> {
    node_digest(body).map(|digest| hex_of(&digest))
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
    let digest = match node_digest(body) {
        Some(digest) => Some(digest),
        None => webcrypto_digest(body).await,
    };
    match digest {
        Some(digest) => hex_of(&digest),
        None => sha256_hex_rust(bytes),
    }
}

/// The `ArrayBuffer` from `crypto.subtle.digest("SHA-256", body)`; `None` when WebCrypto is absent
/// or the digest call fails.
async fn webcrypto_digest(body: &Uint8Array) -> Option<JsValue> {
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
    JsFuture::from(promise).await.ok()
}

/// SHA-256 through `crypto.subtle.digest("SHA-256", body)`; `None` when WebCrypto is absent or the
/// digest call fails.
pub async fn sha256_hex_webcrypto(body: &Uint8Array) -> Option<String> {
    webcrypto_digest(body).await.map(|digest| hex_of(&digest))
}

/// SHA-256 computed in Rust (the signer's own payload hash).
pub fn sha256_hex_rust(bytes: &[u8]) -> String {
    crate::core::sigv4::payload_sha256_hex(bytes)
}

/// Lowercase hex of the bytes of a digest (`ArrayBuffer` or `Uint8Array`).
fn hex_of(digest: &JsValue) -> String {
    crate::core::crypto::hex::to_hex(&Uint8Array::new(digest).to_vec())
}
