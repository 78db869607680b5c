//! Plain items in the page's `localStorage` (pages only; synchronous, small quota): the lease book,
//! the keepalive hand-off list and the local cache ([`super::local_cache`]). The records themselves
//! are in [`super::storage_records`].

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use super::dynamic::global;

#[wasm_bindgen(module = "/src/wasm/js/store.js")]
extern "C" {
    /// Reads (`value` undefined), removes (`value` null) or writes the item `key`.
    fn item(key: &str, value: &JsValue) -> JsValue;
}

/// The page's `localStorage`, known to exist.
#[derive(Clone, Debug)]
pub struct LocalStore(());

/// The global `localStorage`, when this runtime has one and it can be read.
pub fn local_storage() -> Option<JsValue> {
    global("localStorage")
}

impl LocalStore {
    /// The page's `localStorage`, when it exists.
    pub fn open() -> Option<LocalStore> {
        local_storage().map(|_| LocalStore(()))
    }

    /// Reads a plain item (the lease book, the keepalive hand-off list, the local cache).
    pub fn get_item(&self, key: &str) -> Option<String> {
        item(key, &JsValue::UNDEFINED).as_string()
    }

    /// Writes a plain item; `false` when it was refused (quota).
    pub fn set_item(&self, key: &str, value: &str) -> bool {
        !item(key, &JsValue::from_str(value)).is_undefined()
    }

    /// Removes a plain item.
    pub fn remove_item(&self, key: &str) {
        item(key, &JsValue::NULL);
    }
}
