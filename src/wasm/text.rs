//! The string conversions of the put path: JS strings into UTF-8 bytes with one native copy
//! (`TextEncoder.encodeInto` straight into wasm memory) for all but short strings, event ids back
//! into JS strings without a `TextDecoder` call, and the property names `put` reads, made once.
//!
//! wasm-bindgen's own string passing walks the string in a JS loop first; for the few hundred bytes
//! of a typical event `encodeInto` is cheaper (in Node several times). Lone surrogates become U+FFFD
//! either way.

use js_sys::JsString;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen]
extern "C" {
    /// The global `TextEncoder`.
    type TextEncoder;

    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;

    /// `encoder.encodeInto(source, destination)`; `destination` is a view of wasm memory.
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &TextEncoder,
        source: &JsString,
        destination: &mut [u8],
    ) -> EncodeIntoResult;

    /// `{read, written}` of one `encodeInto` call.
    type EncodeIntoResult;

    /// UTF-16 code units consumed.
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> u32;

    /// UTF-8 bytes written.
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;

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
    if !text.is_ascii() {
        return JsValue::from_str(text);
    }
    from_36_char_codes(
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13],
        c[14], c[15], c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26],
        c[27], c[28], c[29], c[30], c[31], c[32], c[33], c[34], c[35],
    )
    .into()
}

/// JS strings made once per thread.
pub struct Interned {
    encoder: TextEncoder,
    /// `"partitionKey"`.
    pub partition_key: JsValue,
    /// `"explicitHashKey"`.
    pub explicit_hash_key: JsValue,
    /// `"buffer"`.
    pub buffer: JsValue,
    /// `"byteOffset"`.
    pub byte_offset: JsValue,
    /// `"byteLength"`.
    pub byte_length: JsValue,
}

thread_local! {
    static INTERNED: Interned = Interned {
        encoder: TextEncoder::new(),
        partition_key: JsValue::from_str("partitionKey"),
        explicit_hash_key: JsValue::from_str("explicitHashKey"),
        buffer: JsValue::from_str("buffer"),
        byte_offset: JsValue::from_str("byteOffset"),
        byte_length: JsValue::from_str("byteLength"),
    };
}

/// Runs `f` with this thread's interned strings.
pub fn with_interned<R>(f: impl FnOnce(&Interned) -> R) -> R {
    INTERNED.with(f)
}

/// The UTF-8 bytes of `text`.
pub fn utf8_bytes(text: &JsString) -> Vec<u8> {
    INTERNED.with(|interned| encode(&interned.encoder, text))
}

/// Strings up to this many UTF-16 units are copied by wasm-bindgen's own conversion, cheaper than an
/// `encodeInto` call at that size (partition keys).
const SHORT_UNITS: usize = 64;

fn encode(encoder: &TextEncoder, text: &JsString) -> Vec<u8> {
    let units = text.length() as usize;
    if units <= SHORT_UNITS {
        return String::from(text).into_bytes();
    }
    // One byte per UTF-16 unit fits ASCII exactly; the rest is encoded after growing.
    let mut bytes = vec![0u8; units];
    let first = encoder.encode_into(text, &mut bytes);
    let read = first.read() as usize;
    if read == units {
        // Every unit was read into `units` bytes, each taking at least one: all ASCII, all written.
        return bytes;
    }
    let mut written = first.written() as usize;
    // At most 3 bytes per remaining unit (a surrogate pair is 2 units for 4 bytes).
    let rest = text.slice(read as u32, units as u32);
    bytes.resize(written + 3 * (units - read), 0);
    written += encoder.encode_into(&rest, &mut bytes[written..]).written() as usize;
    bytes.truncate(written);
    bytes
}
