//! The string conversions of the put path: JS strings into UTF-8 bytes through
//! `TextEncoder.encodeInto` into a buffer in wasm memory for all but short strings, event ids back
//! into JS strings without a `TextDecoder` call.
//!
//! wasm-bindgen's own string passing walks the string in a JS loop first; for the few hundred bytes
//! of a typical event `encodeInto` is cheaper (in Node several times). Lone surrogates become U+FFFD
//! either way.

use std::cell::RefCell;

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/src/wasm/js/binary.js")]
extern "C" {
    /// Writes the UTF-8 of `source` into `destination` (a view the caller keeps, see [`Scratch`])
    /// with the snippet's `TextEncoder`; returns the bytes written. Never `None`: the `Option`
    /// gives the import a glue adapter, so that it is imported through the glue like every other
    /// (references and a plain number alone would import the snippet module directly).
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(source: &JsString, destination: &Uint8Array) -> Option<u32>;

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
    let Ok(c) = <&[u8; 36]>::try_from(text.as_bytes()) else {
        return JsValue::from_str(text);
    };
    // A byte loop: no word-at-a-time `str::is_ascii` in the `.wasm` for 36 bytes.
    if !c.iter().all(|&byte| byte < 0x80) {
        return JsValue::from_str(text);
    }
    from_36_char_codes(
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13],
        c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26],
        c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35],
    )
    .into()
}

/// The UTF-8 bytes of `text`.
pub fn utf8_bytes(text: &JsString) -> Vec<u8> {
    encode(text)
}

/// Strings up to this many UTF-16 units are copied by wasm-bindgen's own conversion, cheaper than an
/// `encodeInto` call at that size (partition keys).
const SHORT_UNITS: usize = 64;

/// Strings up to this many UTF-16 units are encoded into the kept [`Scratch`]; longer ones into one
/// of their own.
const SCRATCH_UNITS: usize = 1024;

/// A buffer with room for the UTF-8 of a string (three bytes per UTF-16 unit at most) and a view of it
/// for `encodeInto`. One is kept for strings up to [`SCRATCH_UNITS`] units and its view reused: a
/// fresh view of wasm memory per call (what a `&mut [u8]` argument makes) costs more than copying the
/// result out (about 100 ns per call in Node, 200 ns in Chromium, for a 322-byte event).
struct Scratch {
    /// Allocated once: its address never changes.
    bytes: Box<[u8]>,
    /// A view of `bytes`; empty once growing the memory detached its buffer.
    view: Uint8Array,
}

impl Scratch {
    fn for_units(units: usize) -> Scratch {
        let bytes = vec![0u8; 3 * units].into_boxed_slice();
        let view = view_of(&bytes);
        Scratch { bytes, view }
    }

    /// Encodes `text` (at most a third of the buffer's length in UTF-16 units, and not empty) into
    /// the buffer; returns the bytes written.
    fn encode(&mut self, text: &JsString) -> usize {
        let written = encode_into(text, &self.view).unwrap_or_default();
        if written > 0 {
            return written as usize;
        }
        // A non-empty string wrote nothing: growing the memory detached the view's buffer.
        self.view = view_of(&self.bytes);
        encode_into(text, &self.view).unwrap_or_default() as usize
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

fn encode(text: &JsString) -> Vec<u8> {
    let units = text.length() as usize;
    if units <= SHORT_UNITS {
        return String::from(text).into_bytes();
    }
    if units > SCRATCH_UNITS {
        let mut scratch = Scratch::for_units(units);
        let written = scratch.encode(text);
        let mut bytes = scratch.bytes.into_vec();
        bytes.truncate(written);
        bytes.shrink_to_fit();
        return bytes;
    }
    SCRATCH.with(|cell| {
        let mut kept = cell.borrow_mut();
        let scratch = kept.get_or_insert_with(|| Scratch::for_units(SCRATCH_UNITS));
        let written = scratch.encode(text);
        scratch.bytes[..written].to_vec()
    })
}
