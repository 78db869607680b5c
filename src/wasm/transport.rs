//! HTTP POSTs through the global `fetch`, sequenced by the snippet `src/wasm/js/send.js` (hash, sign,
//! fetch with a per-request timeout, read the whole body), and what their outcomes mean here.
//!
//! `fetch` and `AbortController` are globals (never reached through `window`), so the same code runs
//! in pages, dedicated and service workers, Node 20 and workerd. Every failure to obtain a full
//! response (DNS, refused connection, CORS rejection, timeout, abort) becomes a [`TransportError`];
//! an HTTP error status is a normal [`HttpReply`], interpreted by the core.

use js_sys::{Function, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::dynamic::{get, set};

#[wasm_bindgen(module = "/src/wasm/js/send.js")]
extern "C" {
    /// Copies `body` into a JS buffer (reusing the last settled request's buffer when it fits),
    /// hashes it in JS when `hash_here` (node:crypto, else WebCrypto), calls `sign(request)` with
    /// `request.hash` (undefined when not hashed), fetches as `sign` set `request.{url, headers,
    /// timeout, keepalive}` and calls `request.done(outcome)`; see [`reply_from_js`].
    #[wasm_bindgen(js_name = send)]
    pub fn send(body: &[u8], hash_here: bool, sign: &JsValue);

    /// POSTs `body` to `url` with `headers` (an object), aborted after `timeout_ms`; a promise that
    /// resolves (never rejects) with the outcome [`reply_from_js`] reads.
    #[wasm_bindgen(js_name = post)]
    pub fn post(
        url: &str,
        headers: &JsValue,
        body: &Uint8Array,
        timeout_ms: u32,
        keepalive: bool,
    ) -> Promise;

    /// A new pending promise whose `resolve` and `reject` functions are set on `holder`; it
    /// resolves after `resolve_after_ms` by the global `setTimeout` when that is below 2^31 (never
    /// for `u32::MAX`).
    #[wasm_bindgen(js_name = pending)]
    fn pending_on(holder: &JsValue, resolve_after_ms: u32) -> Promise;

    /// Whether the global `navigator.userAgent` is `agent`.
    #[wasm_bindgen(js_name = isUserAgent)]
    fn is_user_agent(agent: &str) -> bool;

    /// SHA-256 of `body` as lowercase hex through node:crypto, else WebCrypto; a promise of
    /// `undefined` where neither works (the caller then hashes in Rust).
    #[wasm_bindgen(js_name = sha256Hex)]
    pub fn sha256_hex(body: &Uint8Array) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    type Thenable;

    #[wasm_bindgen(method, js_name = then)]
    fn then(this: &Thenable, callback: &JsValue);
}

/// Calls `callback` (a closure already given to JS, e.g. by `Closure::once_into_js`) with what
/// `promise` resolves to.
pub fn then(promise: &Promise, callback: &JsValue) {
    promise.unchecked_ref::<Thenable>().then(callback);
}

/// A new pending promise with its `resolve` and `reject` functions: one snippet call, where
/// `Promise::new` brings a closure shim of its own into the `.wasm` and the glue.
pub fn pending() -> (Promise, Function, Function) {
    let holder: JsValue = Object::new().into();
    let promise = pending_on(&holder, u32::MAX);
    (
        promise,
        get(&holder, "resolve").unchecked_into(),
        get(&holder, "reject").unchecked_into(),
    )
}

/// A new pending promise with its `resolve` function; it also resolves (with `undefined`) after
/// `resolve_after_ms` by the global `setTimeout` when that is given (at most `i32::MAX`, the longest
/// delay `setTimeout` honours).
pub fn pending_until(resolve_after_ms: Option<u32>) -> (Promise, Function) {
    let holder: JsValue = Object::new().into();
    let promise = pending_on(&holder, resolve_after_ms.unwrap_or(u32::MAX));
    (promise, get(&holder, "resolve").unchecked_into())
}

/// Whether this runtime ties I/O to requests: Cloudflare Workers / workerd, which identify
/// themselves through `navigator.userAgent`.
pub fn is_request_scoped_runtime() -> bool {
    is_user_agent("Cloudflare-Workers")
}

/// A complete HTTP response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpReply {
    /// The HTTP status code.
    pub status: u16,
    /// The whole response body, decoded as UTF-8 (as `Response.text()` does).
    pub body: String,
    /// The `Date` header, when the server sent it and (cross-origin) exposed it.
    pub date: Option<String>,
}

/// Why no complete response arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The network or the browser refused the request (connection, DNS, CORS, mixed content).
    Network,
    /// No complete response within the timeout.
    Timeout,
    /// The request was aborted by something other than our timeout (e.g. the runtime shutting down).
    Aborted,
}

impl TransportErrorKind {
    /// The variant's name, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportErrorKind::Network => "Network",
            TransportErrorKind::Timeout => "Timeout",
            TransportErrorKind::Aborted => "Aborted",
        }
    }
}

/// A failed request: its kind and the runtime's own description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// The runtime's message (e.g. `Failed to fetch`), for logs.
    pub message: String,
}

/// Header pairs as the plain object `fetch` takes.
pub fn headers_to_js(pairs: &[(&str, &str)]) -> JsValue {
    let headers: JsValue = Object::new().into();
    for (name, value) in pairs {
        set(&headers, name, &JsValue::from_str(value));
    }
    headers
}

/// Reads an outcome of send.js's `post`: `{ status, body, date }` is a reply; `{ error, timedOut }`
/// a failure, classified as [`TransportErrorKind::Timeout`] when our timer aborted it,
/// [`TransportErrorKind::Aborted`] for another `AbortError`, else [`TransportErrorKind::Network`].
pub fn reply_from_js(outcome: &JsValue) -> Result<HttpReply, TransportError> {
    let status = get(outcome, "status");
    if let Some(status) = status.as_f64() {
        return Ok(HttpReply {
            status: status as u16,
            // Through `encodeInto`: wasm-bindgen's own conversion walks the text in a JS loop
            // first (0.36 ms for the 50 kB reply to 500 records in Node).
            body: String::from_utf8(super::text::utf8_bytes(
                get(outcome, "body").unchecked_ref(),
            ))
            .unwrap_or_default(),
            date: get(outcome, "date").as_string(),
        });
    }
    let thrown = get(outcome, "error");
    let kind = if get(outcome, "timedOut") == JsValue::TRUE {
        TransportErrorKind::Timeout
    } else if super::dynamic::error_name(&thrown).as_deref() == Some("AbortError") {
        TransportErrorKind::Aborted
    } else {
        TransportErrorKind::Network
    };
    Err(TransportError {
        kind,
        message: super::js_error::describe_js_value(&thrown),
    })
}
