//! JS strings into UTF-8 bytes with one native copy (`TextEncoder.encodeInto` straight into wasm
//! memory), and the JS strings the put path compares and reads properties with, made once.
//!
//! wasm-bindgen's own string passing walks the string in a JS loop first; for the few hundred bytes
//! of a typical event `encodeInto` is several times cheaper. Lone surrogates become U+FFFD, as with
//! wasm-bindgen's conversion.

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

fn encode(encoder: &TextEncoder, text: &JsString) -> Vec<u8> {
    let units = text.length() as usize;
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
