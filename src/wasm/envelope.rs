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
use crate::core::http_date::format_iso8601;
use crate::core::text::text;
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

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

/// The envelope's property names, made once (a JS string from Rust costs a UTF-8 decode).
struct Keys {
    id: JsValue,
    ts: JsValue,
    session_id: JsValue,
    seq: JsValue,
    name: JsValue,
    attributes: JsValue,
    page: JsValue,
    document: JsValue,
    /// `(envelope key, document property)` of the page context.
    page_fields: [(JsValue, JsValue); 3],
}

thread_local! {
    static KEYS: Keys = Keys {
        id: JsValue::from_str("id"),
        ts: JsValue::from_str("ts"),
        session_id: JsValue::from_str("sessionId"),
        seq: JsValue::from_str("seq"),
        name: JsValue::from_str("name"),
        attributes: JsValue::from_str("attributes"),
        page: JsValue::from_str("page"),
        document: JsValue::from_str("document"),
        page_fields: [("url", "URL"), ("referrer", "referrer"), ("title", "title")]
            .map(|(key, property)| (JsValue::from_str(key), JsValue::from_str(property))),
    };
}

fn set(target: &Object, key: &JsValue, value: &JsValue) -> Result<()> {
    Reflect::set(target, key, value).map(|_| ()).map_err(|_| {
        invalid_data(text!(
            "could not set {} on the envelope",
            key.as_string().unwrap_or_default()
        ))
    })
}

/// Checks an event name: a string of 1..=256 characters.
pub fn check_name(name: &JsValue) -> Result<String> {
    let Some(text) = name.dyn_ref::<js_sys::JsString>() else {
        return Err(must_be(
            ErrorCode::InvalidData,
            "track name",
            "a string",
            &type_of(name),
        ));
    };
    let length = text.length();
    if length == 0 || length > MAX_NAME_LENGTH {
        return Err(invalid_data(text!(
            "track name must be 1..={} characters, got {}",
            MAX_NAME_LENGTH,
            length
        )));
    }
    Ok(String::from(text))
}

/// `{url, referrer, title}` of the global `document`, or `None` where there is no document.
pub fn page_context() -> Option<Object> {
    KEYS.with(|keys| {
        let document = Reflect::get(&js_sys::global(), &keys.document).ok()?;
        if !document.is_object() {
            return None;
        }
        let page = Object::new();
        for (key, property) in &keys.page_fields {
            let value = Reflect::get(&document, property).ok()?;
            if value.is_string() {
                Reflect::set(&page, key, &value).ok()?;
            }
        }
        Some(page)
    })
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
    KEYS.with(|keys| -> Result<()> {
        set(&envelope, &keys.id, &JsValue::from_str(header.id))?;
        // `Date.prototype.toISOString`'s format, written here: no `Date` binding in the glue.
        let ts = format_iso8601(header.time_ms as u64);
        set(&envelope, &keys.ts, &JsValue::from_str(&ts))?;
        set(
            &envelope,
            &keys.session_id,
            &JsValue::from_str(header.session_id),
        )?;
        // Sequence numbers stay far below 2^53, so the f64 is exact.
        set(&envelope, &keys.seq, &JsValue::from_f64(header.seq as f64))?;
        set(&envelope, &keys.name, &JsValue::from_str(name))?;
        set(&envelope, &keys.attributes, &attributes)?;
        if let Some(page) = page_context() {
            set(&envelope, &keys.page, &page)?;
        }
        Ok(())
    })?;
    let text = JSON::stringify(&envelope).map_err(|thrown| {
        super::js_error::from_js_value(
            ErrorCode::InvalidData,
            "track attributes cannot be serialised to JSON",
            &thrown,
        )
    })?;
    Ok(super::text::utf8_bytes(&text))
}
