//! The `localStorage` backend of the durable queue (pages only; synchronous, small quota).
//!
//! Each record is one item `kinesis-clickstream:<stream>:r:<event id>` whose value is the owner tab id,
//! the time it was written (ms) and the base64 of the `core::persisted` encoding, separated by spaces. A write returns once `setItem` returned,
//! the point from which the record survives a crash.

use crate::core::decimal::Decimal;
use wasm_bindgen::JsValue;

use super::dynamic::{call, get, global};
use super::storage::IdSet;
use super::storage_idb::StoredRecord;
use crate::core::crypto::base64;

/// The page's `localStorage`.
#[derive(Clone, Debug)]
pub struct LocalStore {
    storage: JsValue,
    prefix: String,
}

/// The global `localStorage`, when this runtime has one and it can be read.
pub fn local_storage() -> Option<JsValue> {
    global("localStorage")
}

impl LocalStore {
    /// The store for records of `scope` (the stream), when `localStorage` exists.
    pub fn open(scope: &str) -> Option<LocalStore> {
        Some(LocalStore {
            storage: local_storage()?,
            prefix: super::local_cache::scoped_key(scope, "r:"),
        })
    }

    fn key(&self, id: &str) -> JsValue {
        JsValue::from_str(&format!("{}{id}", self.prefix))
    }

    /// Stores `puts` (id, bytes), owned by `owner`, and removes `deletes`; the first thrown error
    /// (e.g. `QuotaExceededError`) stops the writes and is returned.
    pub fn write(
        &self,
        owner: &str,
        puts: &[(String, Vec<u8>)],
        deletes: &[String],
    ) -> Result<(), JsValue> {
        for id in deletes {
            call(&self.storage, "removeItem", &[&self.key(id)])?;
        }
        for (id, bytes) in puts {
            self.put(owner, id, bytes)?;
        }
        Ok(())
    }

    /// Stores one record owned by `owner`, written now.
    fn put(&self, owner: &str, id: &str, bytes: &[u8]) -> Result<(), JsValue> {
        // Whole milliseconds as an integer: formatting an f64 would link Rust's float printing.
        let now = super::now_ms();
        let value = format!("{owner} {} {}", Decimal::from(now), base64::encode(bytes));
        call(
            &self.storage,
            "setItem",
            &[&self.key(id), &JsValue::from_str(&value)],
        )
        .map(|_| ())
    }

    /// Every stored record of this scope, in id (put) order.
    pub fn read_all(&self) -> Vec<StoredRecord> {
        // Ordered through the id map the queue already uses, instead of a sort of its own.
        let mut order = IdSet::new();
        let mut records = Vec::new();
        for (id, value) in self.items_with_prefix(&self.prefix) {
            let mut parts = value.splitn(3, ' ');
            let (Some(owner), Some(written), Some(encoded)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if let (Some(bytes), Ok(written_at_ms)) =
                (base64::decode(encoded.as_bytes()), written.parse::<u64>())
            {
                order.insert(&id, records.len() as u64);
                records.push(Some(StoredRecord {
                    id,
                    owner: owner.to_owned(),
                    written_at_ms: written_at_ms as f64,
                    bytes,
                }));
            }
        }
        let mut sorted = Vec::with_capacity(records.len());
        for (_, at) in order.iter() {
            sorted.extend(records[at as usize].take());
        }
        sorted
    }

    /// Re-owns the `records` whose id is in `ids` to `owner` (a claim): rewrites each with the new
    /// owner and the current time, stopping at the first refused write. Returns how many records
    /// `ids` picked.
    pub fn reown(&self, records: &[StoredRecord], ids: &[String], owner: &str) -> usize {
        let mut picked = 0;
        let mut refused = false;
        for record in records.iter().filter(|record| ids.contains(&record.id)) {
            picked += 1;
            if !refused {
                refused = self.put(owner, &record.id, &record.bytes).is_err();
            }
        }
        picked
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
