//! Untyped access to JavaScript objects found at runtime (`globalThis.indexedDB`, `localStorage`,
//! `navigator.locks`, `document`): property reads and method calls. Looked up on the global object so the same code runs in pages, workers and workerd.

use crate::core::text::text;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen(module = "/src/wasm/js/binary.js")]
extern "C" {
    /// `Object.keys(object)[index]`.
    #[wasm_bindgen(js_name = keyAt)]
    fn key_at_js(object: &JsValue, index: u32) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `globalThis`, present in every runtime this package supports: one import, where
    /// `js_sys::global` imports four fallbacks (`globalThis`, `global`, `self`, `window`).
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
}

/// `target[key]`, `undefined` when absent or when reading throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The `index`th own enumerable string key of `object` (in `Object.keys` order), `None` past the
/// last: a walk over the keys without binding `Object.keys` and the array accessors.
pub fn key_at(object: &JsValue, index: u32) -> Option<String> {
    key_at_js(object, index).as_string()
}

/// `value === null`, through the strict equality the edge binds anyway (no `is_null` binding).
pub fn is_null(value: &JsValue) -> bool {
    *value == JsValue::NULL
}

/// The global object.
pub fn global_object() -> JsValue {
    GLOBAL_THIS.with(JsValue::clone)
}

/// `target[name]` when it is a function.
pub fn method(target: &JsValue, name: &str) -> Option<Function> {
    get(target, name).dyn_into::<Function>().ok()
}

/// `globalThis[name]` when it is an object or function, `None` when absent (or throws, as
/// `localStorage` does on opaque origins).
pub fn global(name: &str) -> Option<JsValue> {
    let value = get(&global_object(), name);
    (value.is_object() || value.is_function()).then_some(value)
}

/// `value` as an array when it is one (`Array.isArray`), else an empty array.
pub fn array(value: JsValue) -> Array {
    value.dyn_into().unwrap_or_default()
}

/// Sets `target[key] = value`, ignoring a failure (frozen objects are not used here).
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A JS array of `values`.
pub fn js_array(values: &[&JsValue]) -> Array {
    let list = Array::new();
    for value in values {
        list.push(value);
    }
    list
}

/// Calls `target[method](...args)`; the thrown value on failure, or when it is not a function.
pub fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let function = get(target, method);
    if !function.is_function() {
        return Err(JsValue::from_str(&text!("{} is not a function", method)));
    }
    function
        .unchecked_ref::<Function>()
        .apply(target, &js_array(args))
}

/// The `name` of a thrown value (`QuotaExceededError`, `AbortError`…), when it has one.
pub fn error_name(thrown: &JsValue) -> Option<String> {
    get(thrown, "name").as_string()
}
