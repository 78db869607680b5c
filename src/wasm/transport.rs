//! One HTTP POST through the global `fetch`, with a per-request timeout, the response read fully.
//!
//! `fetch` and `AbortController` are looked up as globals (never through `window`), so the same code
//! runs in pages, dedicated and service workers, Node 20 and workerd. Every failure to obtain a full
//! response (DNS, refused connection, CORS rejection, timeout, abort) becomes a [`TransportError`];
//! an HTTP error status is a normal [`HttpReply`], interpreted by the core.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::dynamic::{call, construct, get};
use super::timer::JsTimer;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(url, init)`; throws synchronously only for a malformed `init`.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;
}

/// A request to send: always `POST`.
#[derive(Debug)]
pub struct HttpPost<'a> {
    /// The absolute URL.
    pub url: &'a str,
    /// Header names and values, sent as given.
    pub headers: &'a [(String, String)],
    /// The body, already copied into JS memory.
    pub body: &'a Uint8Array,
    /// Ask the runtime to finish the request even if the page goes away (`fetch`'s `keepalive`).
    pub keepalive: bool,
    /// Abort the request, including reading the body, after this many milliseconds.
    pub timeout_ms: u32,
}

/// A complete HTTP response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpReply {
    /// The HTTP status code.
    pub status: u16,
    /// The whole response body.
    pub body: Vec<u8>,
    /// The `Date` header, when the server sent it and (cross-origin) exposed it.
    pub date: Option<String>,
    /// The `x-amzn-ErrorType` header, when present and readable.
    pub error_type: Option<String>,
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

/// Owned copies of header pairs, for [`HttpPost::headers`].
pub fn owned_headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut headers = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        headers.push(((*name).to_owned(), (*value).to_owned()));
    }
    headers
}

/// Sends `request` and reads the whole response, or says why that was impossible.
pub async fn post(request: HttpPost<'_>) -> Result<HttpReply, TransportError> {
    // `AbortController`, `Response` and `Headers` are used through property reads and method calls
    // on the objects the runtime returns: no binding per member.
    let controller = construct("AbortController", &[]).map_err(|e| network_error(&e))?;
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let controller = controller.clone();
        let timed_out = Rc::clone(&timed_out);
        JsTimer::once(
            request.timeout_ms,
            Box::new(move || {
                timed_out.set(true);
                let _ = call(&controller, "abort", &[]);
            }),
        )
    };
    let result = send_and_read(&request, &controller).await;
    drop(timer);
    result.map_err(|thrown| classify_failure(&thrown, timed_out.get()))
}

async fn send_and_read(request: &HttpPost<'_>, controller: &JsValue) -> Result<HttpReply, JsValue> {
    let init = request_init(request, controller)?;
    let response = JsFuture::from(global_fetch(request.url, &init)?).await?;
    let headers = get(&response, "headers");
    let header = |name: &str| {
        call(&headers, "get", &[&JsValue::from_str(name)])
            .ok()
            .and_then(|value| value.as_string())
    };
    let date = header("date");
    let error_type = header("x-amzn-errortype");
    let buffer = JsFuture::from(Promise::from(call(&response, "arrayBuffer", &[])?)).await?;
    Ok(HttpReply {
        status: get(&response, "status").as_f64().unwrap_or(0.0) as u16,
        body: Uint8Array::new(&buffer).to_vec(),
        date,
        error_type,
    })
}

fn request_init(request: &HttpPost<'_>, controller: &JsValue) -> Result<Object, JsValue> {
    let headers = Object::new();
    for (name, value) in request.headers {
        Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )?;
    }
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &"POST".into())?;
    Reflect::set(&init, &"headers".into(), &headers)?;
    Reflect::set(&init, &"body".into(), request.body)?;
    Reflect::set(&init, &"signal".into(), &get(controller, "signal"))?;
    if request.keepalive {
        Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE)?;
    }
    Ok(init)
}

fn classify_failure(thrown: &JsValue, timed_out: bool) -> TransportError {
    let message = super::js_error::describe_js_value(thrown);
    let name = Reflect::get(thrown, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string());
    let kind = if timed_out {
        TransportErrorKind::Timeout
    } else if name.as_deref() == Some("AbortError") {
        TransportErrorKind::Aborted
    } else {
        TransportErrorKind::Network
    };
    TransportError { kind, message }
}

fn network_error(thrown: &JsValue) -> TransportError {
    TransportError {
        kind: TransportErrorKind::Network,
        message: super::js_error::describe_js_value(thrown),
    }
}
