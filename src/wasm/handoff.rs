//! The keepalive hand-off list: event ids a page gave to `keepalive` requests when it was hidden or
//! left, kept in `localStorage` (written synchronously, so it survives the page).
//!
//! The browser finishes a `keepalive` request after the page is gone, but the page never sees the
//! answer, so those events are still stored. A tab claiming the page's backlog deletes the listed
//! events instead of sending them again: they are delivered at most once by the keepalive request
//! (lost only if that request itself failed), instead of twice. A page that is still alive when the
//! answer arrives takes its ids off the list and handles the answer as usual.

use wasm_bindgen::prelude::wasm_bindgen;

use super::local_cache::scoped_key;
use super::storage::IdSet;
use super::storage_local::LocalStore;

#[wasm_bindgen(module = "/src/wasm/js/store.js")]
extern "C" {
    #[wasm_bindgen(js_name = editList)]
    fn edit_list(key: &str, add: &str, remove: &str) -> bool;
}

fn key(scope: &str) -> String {
    scoped_key(scope, "handoff")
}

/// The listed ids for stream `scope`.
pub fn read(store: &LocalStore, scope: &str) -> IdSet {
    id_set(&store.get_item(&key(scope)).unwrap_or_default())
}

/// The ids of a space-separated list.
pub fn id_set(text: &str) -> IdSet {
    let mut set = IdSet::new();
    let mut rest = text;
    while let Some(id) = next_listed(&mut rest) {
        set.insert(id, 0);
    }
    set
}

/// The next word of `rest` (as `str::split_whitespace` cuts them), and `rest` moved past it; `None`
/// when only whitespace is left. A plain char loop instead of the generic splitting iterator.
pub fn next_listed<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let text = *rest;
    let mut start = None;
    for (at, char) in text.char_indices() {
        if !char.is_whitespace() {
            start = start.or(Some(at));
        } else if let Some(from) = start {
            *rest = &text[at..];
            return Some(&text[from..at]);
        }
    }
    *rest = "";
    Some(&text[start?..])
}

/// Adds the space-separated `ids` to the list of stream `scope` in `localStorage`; `false` when
/// `localStorage` refused the write.
pub fn add(scope: &str, ids: &str) -> bool {
    ids.is_empty() || edit_list(&key(scope), ids, "")
}

/// Removes the space-separated `ids` from the list of stream `scope` in `localStorage`.
pub fn remove(scope: &str, ids: &str) {
    if !ids.is_empty() {
        edit_list(&key(scope), "", ids);
    }
}

/// Appends `id` to a space-separated list.
pub fn push_listed(text: &mut String, id: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(id);
}
