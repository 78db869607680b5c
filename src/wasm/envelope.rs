//! The clickstream envelope `track(name, attributes)` puts: one JSON object per event.
//!
//! ```json
//! {"id":"<event id>","ts":"2026-11-26T13:44:37.123Z","sessionId":"<uuid>","seq":0,"name":"click",
//!  "attributes":{...},"page":{"url":"…","referrer":"…","title":"…"}}
//! ```
//! `seq` counts the session's tracked events from 0. `page` is present only where a global `document`
//! exists (pages, not workers or edge runtimes); it is read through the global object, never `window`.
//! The object, with the page context, is shaped and stringified by the snippet
//! `src/wasm/js/envelope.js` (an object literal, so the key order above is fixed), which also tells
//! wrong attributes apart; the name is checked and the timestamp written here.

use super::js_error::{must_be, type_of};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::http_date::format_iso8601;
use crate::core::text::text;
use js_sys::JsString;
use wasm_bindgen::prelude::wasm_bindgen;
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

#[wasm_bindgen(module = "/src/wasm/js/envelope.js")]
extern "C" {
    /// `JSON.stringify({id, ts, sessionId, seq, name, attributes, page?})` with the page context of
    /// the global `document`, if any (`attributes` `undefined` as `{}`); `undefined` when
    /// `attributes` is neither `undefined` nor a non-array object; throws what `JSON.stringify`
    /// throws.
    #[wasm_bindgen(catch, js_name = envelopeJson)]
    fn envelope_json(
        id: &str,
        ts: &str,
        session_id: &str,
        seq: f64,
        name: &str,
        attributes: &JsValue,
    ) -> std::result::Result<JsValue, JsValue>;
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

/// The envelope as UTF-8 JSON. `attributes` must be `undefined` (becomes `{}`) or a JSON-serialisable
/// object; anything else, or a value `JSON.stringify` rejects (cycles, BigInt), is `InvalidData`.
pub fn encode(header: EnvelopeHeader<'_>, name: &str, attributes: &JsValue) -> Result<Vec<u8>> {
    // `Date.prototype.toISOString`'s format, written here: no `Date` binding in the glue.
    let ts = format_iso8601(header.time_ms as u64);
    // Sequence numbers stay far below 2^53, so the f64 is exact.
    let text = envelope_json(
        header.id,
        &ts,
        header.session_id,
        header.seq as f64,
        name,
        attributes,
    )
    .map_err(|thrown| {
        super::js_error::from_js_value(
            ErrorCode::InvalidData,
            "track attributes cannot be serialised to JSON",
            &thrown,
        )
    })?;
    // The snippet checks the attributes (no `Array.isArray` binding here) and gives `undefined` for
    // anything but a non-array object or `undefined`.
    match text.dyn_ref::<JsString>() {
        Some(text) => Ok(super::text::utf8_bytes(text)),
        None => Err(must_be(
            ErrorCode::InvalidData,
            "track attributes",
            "an object",
            &type_of(attributes),
        )),
    }
}
