//! The keepalive hand-off list: event ids a page gave to `keepalive` requests when it was hidden or
//! left, kept in `localStorage` (written synchronously, so it survives the page).
//!
//! The browser finishes a `keepalive` request after the page is gone, but the page never sees the
//! answer, so those events are still stored. A tab claiming the page's backlog deletes the listed
//! events instead of sending them again: they are delivered at most once by the keepalive request
//! (lost only if that request itself failed), instead of twice. A page that is still alive when the
//! answer arrives takes its ids off the list and handles the answer as usual.

use super::local_cache::scoped_key;
use super::storage::IdSet;
use super::storage_local::LocalStore;

fn key(scope: &str) -> String {
    scoped_key(scope, "handoff")
}

/// The listed ids for stream `scope`.
pub fn read(store: &LocalStore, scope: &str) -> IdSet {
    let text = store.get_item(&key(scope)).unwrap_or_default();
    let mut listed = IdSet::new();
    for id in text.split_whitespace() {
        listed.insert(id, 0);
    }
    listed
}

/// Adds `ids`; `false` when `localStorage` refused the write.
pub fn add(store: &LocalStore, scope: &str, ids: &[String]) -> bool {
    if ids.is_empty() {
        return true;
    }
    let mut text = store.get_item(&key(scope)).unwrap_or_default();
    for id in ids {
        push_listed(&mut text, id);
    }
    store.set_item(&key(scope), &text)
}

/// Appends `id` to a space-separated list.
fn push_listed(text: &mut String, id: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(id);
}

/// Removes `ids` from the list.
pub fn remove(store: &LocalStore, scope: &str, ids: &IdSet) {
    if ids.is_empty() {
        return;
    }
    let listed = read(store, scope);
    let mut kept = String::new();
    let mut kept_count = 0;
    for (id, _) in listed.iter().filter(|(id, _)| !ids.contains_key(id)) {
        push_listed(&mut kept, id);
        kept_count += 1;
    }
    if kept_count == 0 {
        store.remove_item(&key(scope));
    } else if kept_count != listed.len() {
        store.set_item(&key(scope), &kept);
    }
}
