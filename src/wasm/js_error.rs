//! Turns the crate's [`Error`] into a JavaScript `Error` whose `code` property is the stable code.
//!
//! The JS `message` is the core message without the code prefix, so it names the field, the limit and
//! the value; `error.code` carries the code. Failures reported by Kinesis also carry `awsError`, the
//! AWS error name (e.g. `ResourceNotFoundException`).

use crate::core::error::{Error, ErrorCode};
use crate::core::text::text;
use wasm_bindgen::JsValue;

/// The global `String(value)` conversion, called by name (no binding of its own); `None` when it
/// throws (an object whose `toString` throws).
pub fn js_string_of(value: &JsValue) -> Option<String> {
    super::dynamic::call(&super::dynamic::global_object(), "String", &[value])
        .ok()?
        .as_string()
}

/// A JS `Error` with `message` = the error's message and `code` = its stable code string.
pub fn to_js_error(error: &Error) -> JsValue {
    js_error(error.code(), error.message(), None)
}

/// A JS `Error` with the given code and message, plus `awsError` when Kinesis named the failure.
pub fn js_error(code: ErrorCode, message: &str, aws_error: Option<&str>) -> JsValue {
    let error = js_sys::Error::new(message);
    set_string(&error, "code", code.as_str());
    if let Some(name) = aws_error {
        set_string(&error, "awsError", name);
    }
    error.into()
}

/// The edge's one message shape for bad input, `"{subject} must be {rule}, got {got}"`, formatted at
/// one site in the `.wasm` for every option and argument it checks.
#[inline(never)]
pub fn must_be(code: ErrorCode, subject: &str, rule: &str, got: &str) -> Error {
    Error::new(code, text!("{} must be {}, got {}", subject, rule, got))
}

/// `typeof value`, but `"null"` for `null`: how option and credential errors name a wrong type.
#[inline(never)]
pub fn type_name(value: &JsValue) -> String {
    if super::dynamic::is_null(value) {
        "null".to_owned()
    } else {
        type_of(value)
    }
}

/// `typeof value` (`"object"` for `null`).
#[inline(never)]
pub fn type_of(value: &JsValue) -> String {
    value.js_typeof().as_string().unwrap_or_default()
}

/// Wraps a value thrown by JavaScript (an exception from a user callback, a rejected promise) into
/// the crate's error with the given code, keeping the thrown message after `context`.
pub fn from_js_value(code: ErrorCode, context: &str, thrown: &JsValue) -> Error {
    Error::new(code, text!("{}: {}", context, describe_js_value(thrown)))
}

/// A short text for a thrown JS value: an `Error`'s message, a string as is, else its `String()` form.
pub fn describe_js_value(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    let message = super::dynamic::get(value, "message").as_string();
    message
        .or_else(|| js_string_of(value))
        .unwrap_or_else(|| String::from("(unprintable value)"))
}

fn set_string(target: &js_sys::Error, key: &str, value: &str) {
    // Setting a data property on a fresh Error object cannot fail.
    super::dynamic::set(target, key, &JsValue::from_str(value));
}
