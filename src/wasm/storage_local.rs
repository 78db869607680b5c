//! Plain items in the page's `localStorage` (pages only; synchronous, small quota): the lease book
//! and the keepalive hand-off list. The records themselves are in [`super::storage_records`].

use wasm_bindgen::JsValue;

use super::dynamic::{call, get, global};

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

    /// Every item whose key starts with `prefix`, as (key without the prefix, value).
    pub fn items_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let length = get(&self.storage, "length").as_f64().unwrap_or(0.0) as u32;
        let mut items = Vec::new();
        for index in 0..length {
            let Some(key) = call(&self.storage, "key", &[&JsValue::from(index)])
                .ok()
                .and_then(|k| k.as_string())
            else {
                continue;
            };
            let Some(rest) = key.strip_prefix(prefix) else {
                continue;
            };
            if let Some(value) = self.get_item(&key) {
                items.push((rest.to_owned(), value));
            }
        }
        items
    }

    /// Reads a plain item (the lease book, the keepalive hand-off list).
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
