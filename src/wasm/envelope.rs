//! The clickstream envelope `track(name, attributes)` puts: one JSON object per event.
//!
//! ```json
//! {"id":"<event id>","ts":"2026-11-26T13:44:37.123Z","sessionId":"<uuid>","seq":0,"name":"click",
//!  "attributes":{...},"page":{"url":"…","referrer":"…","title":"…"}}
//! ```
//! `seq` counts the session's tracked events from 0. `page` is present only where a global `document`
//! exists (pages, not workers or edge runtimes); it is read through the global object, never `window`.

use super::js_error::{must_be, type_of};
use crate::core::error::{Error, ErrorCode, Result};
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;

/// Longest accepted event name, in UTF-16 code units as JS counts them.
pub const MAX_NAME_LENGTH: u32 = 256;

/// The fields of one envelope besides the user's attributes.
#[derive(Clone, Copy, Debug)]
pub struct EnvelopeHeader<'a> {
    /// The event id `put` returns for it.
    pub id: &'a str,
    /// When `track` was called, ms since the epoch.
    pub time_ms: f64,
    /// The producer's session id.
    pub session_id: &'a str,
    /// The event's number within the session, from 0.
    pub seq: u64,
}

fn invalid_data(message: String) -> Error {
    Error::new(ErrorCode::InvalidData, message)
}

fn set(target: &Object, key: &str, value: &JsValue) -> Result<()> {
    Reflect::set(target, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| invalid_data(format!("could not set {key} on the envelope")))
}

/// Checks an event name: a string of 1..=256 characters.
pub fn check_name(name: &JsValue) -> Result<String> {
    let Some(text) = name.as_string() else {
        return Err(must_be(
            ErrorCode::InvalidData,
            "track name",
            "a string",
            &type_of(name),
        ));
    };
    let length = js_sys::JsString::from(text.as_str()).length();
    if length == 0 || length > MAX_NAME_LENGTH {
        return Err(invalid_data(format!(
            "track name must be 1..={MAX_NAME_LENGTH} characters, got {length}"
        )));
    }
    Ok(text)
}

/// `{url, referrer, title}` of the global `document`, or `None` where there is no document.
pub fn page_context() -> Option<Object> {
    let document = Reflect::get(&js_sys::global(), &JsValue::from_str("document")).ok()?;
    if !document.is_object() {
        return None;
    }
    let page = Object::new();
    for (key, property) in [("url", "URL"), ("referrer", "referrer"), ("title", "title")] {
        let value = Reflect::get(&document, &JsValue::from_str(property)).ok()?;
        if value.is_string() {
            Reflect::set(&page, &JsValue::from_str(key), &value).ok()?;
        }
    }
    Some(page)
}

/// The envelope as UTF-8 JSON. `attributes` must be `undefined` (becomes `{}`) or a JSON-serialisable
/// object; anything else, or a value `JSON.stringify` rejects (cycles, BigInt), is `InvalidData`.
pub fn encode(header: EnvelopeHeader<'_>, name: &str, attributes: &JsValue) -> Result<Vec<u8>> {
    let attributes = if attributes.is_undefined() {
        Object::new().into()
    } else if attributes.is_object() && !js_sys::Array::is_array(attributes) {
        attributes.clone()
    } else {
        return Err(must_be(
            ErrorCode::InvalidData,
            "track attributes",
            "an object",
            &type_of(attributes),
        ));
    };
    let envelope = Object::new();
    set(&envelope, "id", &JsValue::from_str(header.id))?;
    let ts = js_sys::Date::new(&JsValue::from_f64(header.time_ms)).to_iso_string();
    set(&envelope, "ts", &ts)?;
    set(
        &envelope,
        "sessionId",
        &JsValue::from_str(header.session_id),
    )?;
    // Sequence numbers stay far below 2^53, so the f64 is exact.
    set(&envelope, "seq", &JsValue::from_f64(header.seq as f64))?;
    set(&envelope, "name", &JsValue::from_str(name))?;
    set(&envelope, "attributes", &attributes)?;
    if let Some(page) = page_context() {
        set(&envelope, "page", &page)?;
    }
    let text = JSON::stringify(&envelope).map_err(|thrown| {
        invalid_data(format!(
            "track attributes cannot be serialised to JSON: {}",
            super::js_error::describe_js_value(&thrown)
        ))
    })?;
    Ok(String::from(text).into_bytes())
}
