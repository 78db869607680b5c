//! The string conversions of the put path: `put`'s data (a string, or the JSON text of a value that
//! is not binary) into UTF-8 bytes in one call into JS, which writes them with
//! `TextEncoder.encodeInto` into a buffer in wasm memory; event ids back into JS strings without a
//! `TextDecoder` call.
//!
//! wasm-bindgen's own string passing walks the string in a JS loop first; for the few hundred bytes
//! of a typical event `encodeInto` is cheaper (in Node several times). Lone surrogates become U+FFFD
//! either way.

use std::cell::Cell;

use crate::core::event_id::EventId;

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen(module = "/src/wasm/js/binary.js")]
extern "C" {
    /// `data` as `put` stores it (see the snippet): the UTF-8 byte count written into `destination`
    /// (a view the caller keeps, see [`Scratch`]), or a negative marker. Never throws, never
    /// `None`: the `Option` gives the import a glue adapter, so that it is imported through the glue
    /// like every other (references and a plain number alone would import the snippet module
    /// directly).
    #[wasm_bindgen(js_name = encodeData)]
    fn encode_data(data: &JsValue, destination: &Uint8Array) -> Option<i32>;

    /// What the last `encodeData` kept: a `Uint8Array`, or what `JSON.stringify` threw. Never
    /// throws: `catch` gives the import a glue adapter, so that it is imported through the glue like
    /// every other (a reference alone would import the snippet module directly).
    #[wasm_bindgen(catch, js_name = takeKept)]
    fn take_kept() -> Result<JsValue, JsValue>;

    /// A `Uint8Array` over `bytes` in the current wasm memory buffer (the glue's own view of them).
    #[wasm_bindgen(js_name = memoryView)]
    fn view_of(bytes: &[u8]) -> Uint8Array;
}

#[wasm_bindgen]
extern "C" {
    /// `String.fromCharCode` of 36 code units: a UUID's text without a `TextDecoder` call, which
    /// costs several times more for so short a string.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_namespace = String, js_name = fromCharCode)]
    fn from_36_char_codes(
        c0: u8,
        c1: u8,
        c2: u8,
        c3: u8,
        c4: u8,
        c5: u8,
        c6: u8,
        c7: u8,
        c8: u8,
        c9: u8,
        c10: u8,
        c11: u8,
        c12: u8,
        c13: u8,
        c14: u8,
        c15: u8,
        c16: u8,
        c17: u8,
        c18: u8,
        c19: u8,
        c20: u8,
        c21: u8,
        c22: u8,
        c23: u8,
        c24: u8,
        c25: u8,
        c26: u8,
        c27: u8,
        c28: u8,
        c29: u8,
        c30: u8,
        c31: u8,
        c32: u8,
        c33: u8,
        c34: u8,
        c35: u8,
    ) -> JsString;
}

/// A JS string of `text`; an event id's 36 ASCII characters go through `String.fromCharCode`.
pub fn js_string(text: &str) -> JsValue {
    match <&[u8; 36]>::try_from(text.as_bytes()) {
        // A byte loop: no word-at-a-time `str::is_ascii` in the `.wasm` for 36 bytes.
        Ok(ascii) if ascii.iter().all(|&byte| byte < 0x80) => from_ascii(ascii),
        _ => JsValue::from_str(text),
    }
}

/// The JS string of an event id, made from its text on the stack.
pub fn js_event_id(id: EventId) -> JsValue {
    from_ascii(&id.to_ascii())
}

#[inline(never)]
fn from_ascii(c: &[u8; 36]) -> JsValue {
    from_36_char_codes(
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13],
        c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26],
        c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35],
    )
    .into()
}

/// The UTF-8 bytes of `text`.
pub fn utf8_bytes(text: &JsString) -> Vec<u8> {
    // A string is always stored as its UTF-8; encoding it never throws.
    data_bytes(text).ok().flatten().unwrap_or_default()
}

/// `encodeData`'s result when `JSON.stringify` gives no text (`undefined`, a function, a symbol).
const NO_JSON: i32 = -1;
/// `encodeData`'s result when it kept the UTF-8 of text for `takeKept` because the scratch view was
/// detached by the memory growing (-2 when it kept bytes for other reasons: binary data, text too
/// long for the [`Scratch`]).
const KEPT_VIEW_DETACHED: i32 = -3;
/// `encodeData`'s result when `JSON.stringify` threw; what it threw is kept for `takeKept`.
const THREW: i32 = -4;

/// Text shorter than this many UTF-16 units is written into the kept [`Scratch`]; longer text and
/// binary data are copied into a buffer of their own.
const SCRATCH_UNITS: usize = 1024;

/// A buffer with room for the UTF-8 of [`SCRATCH_UNITS`] UTF-16 units (three bytes each at most) and
/// a view of it for `encodeInto`, kept and reused: a fresh view of wasm memory per call (what a
/// `&mut [u8]` argument makes) costs more than copying the result out (about 100 ns per call in
/// Node, 200 ns in Chromium, for a 322-byte event).
struct Scratch {
    /// Allocated once: its address never changes.
    bytes: Box<[u8]>,
    /// A view of `bytes`; empty once growing the memory detached its buffer.
    view: Uint8Array,
}

impl Scratch {
    fn new() -> Scratch {
        let bytes = vec![0u8; 3 * SCRATCH_UNITS].into_boxed_slice();
        let view = view_of(&bytes);
        Scratch { bytes, view }
    }

    /// [`data_bytes`] through this buffer.
    fn write(&mut self, data: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
        let outcome = encode_data(data, &self.view).unwrap_or(NO_JSON);
        if outcome >= 0 {
            return Ok(Some(self.bytes[..outcome as usize].to_vec()));
        }
        if outcome == NO_JSON {
            return Ok(None);
        }
        if outcome == KEPT_VIEW_DETACHED {
            self.view = view_of(&self.bytes);
        }
        // -2, `KEPT_VIEW_DETACHED` or `THREW`: the bytes, or what was thrown, are kept in JS.
        let kept = take_kept()?;
        if outcome == THREW {
            return Err(kept);
        }
        Ok(Some(kept.unchecked_into::<Uint8Array>().to_vec()))
    }
}

thread_local! {
    /// Taken out while in use: JS code run meanwhile (a `toJSON` calling `put`) finds it empty and
    /// makes its own.
    static SCRATCH: Cell<Option<Scratch>> = const { Cell::new(None) };
}

/// The bytes `put` stores for `data`: a string's UTF-8, binary data's bytes, else the UTF-8 of its
/// JSON text; `None` when JSON has no text for it. `Err` holds what `JSON.stringify` threw.
pub fn data_bytes(data: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
    let mut scratch = SCRATCH.with(Cell::take).unwrap_or_else(Scratch::new);
    let bytes = scratch.write(data);
    SCRATCH.with(|cell| cell.set(Some(scratch)));
    bytes
}
