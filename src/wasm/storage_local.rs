//! Plain items in the page's `localStorage` (pages only; synchronous, small quota): the lease book,
//! the keepalive hand-off list and the local cache ([`super::local_cache`]). The records themselves
//! are in [`super::storage_records`].

use wasm_bindgen::JsValue;

use super::dynamic::{call, global};

/// The page's `localStorage`.
#[derive(Clone, Debug)]
pub struct LocalStore {
    storage: JsValue,
}

/// The global `localStorage`, when this runtime has one and it can be read.
pub fn local_storage() -> Option<JsValue> {
    global("localStorage")
}

impl LocalStore {
    /// The page's `localStorage`, when it exists.
    pub fn open() -> Option<LocalStore> {
        Some(LocalStore {
            storage: local_storage()?,
        })
    }

    /// Reads a plain item (the lease book, the keepalive hand-off list, the local cache).
    pub fn get_item(&self, key: &str) -> Option<String> {
        call(&self.storage, "getItem", &[&JsValue::from_str(key)])
            .ok()
            .and_then(|v| v.as_string())
    }

    /// Writes a plain item; `false` when it was refused (quota).
    pub fn set_item(&self, key: &str, value: &str) -> bool {
        call(
            &self.storage,
            "setItem",
            &[&JsValue::from_str(key), &JsValue::from_str(value)],
        )
        .is_ok()
    }

    /// Removes a plain item.
    pub fn remove_item(&self, key: &str) {
        let _ = call(&self.storage, "removeItem", &[&JsValue::from_str(key)]);
    }
}
