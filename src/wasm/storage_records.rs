//! The stored records of the durable queue, in IndexedDB (pages and workers) or `localStorage`
//! (pages), through `js/store.js`.
//!
//! IndexedDB: one database per stream, `kinesis-clickstream:<stream>`, one object store `records` keyed
//! by the event id (UUIDv7 text, so key order is put order); each value is `{owner, writtenAt, bytes}`:
//! the id of the tab that sends it, when it wrote it, and the `core::persisted` encoding of the
//! record. Every write of a turn goes into one `readwrite` transaction.
//!
//! `localStorage`: one item `kinesis-clickstream:<stream>:r:<event id>` per record, whose value is the
//! owner, the time it was written (ms) and the base64 of the encoding, separated by spaces. A write
//! returns once `setItem` returned, the point from which the record survives a crash; the first
//! refused item (e.g. `QuotaExceededError`) stops it.
//!
//! Each operation reports to a callback ([`Done`]) with the value it produced or the thrown error
//! (see [`outcome`]); for `localStorage` before it returns.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::dynamic::{get, global, set};

#[wasm_bindgen(module = "/src/wasm/js/store.js")]
extern "C" {
    #[wasm_bindgen(js_name = write)]
    fn js_write(db: &JsValue, owner: &str, puts: &Array, deletes: &Array, done: JsValue);
    #[wasm_bindgen(js_name = claim)]
    fn js_claim(db: &JsValue, owner: &str, decide: &JsValue, done: &JsValue);
}

/// A callback of a record store operation; turn its argument into a result with [`outcome`].
pub type Done = Box<dyn FnOnce(JsValue)>;

/// A callback's argument as a result: the error when the operation failed (an `Error` or
/// `DOMException`), else the value it produced.
pub fn outcome(value: JsValue) -> Result<JsValue, JsValue> {
    if value.is_instance_of::<js_sys::Error>() {
        Err(value)
    } else {
        Ok(value)
    }
}

/// A stored record as read back: its key, owner and encoded bytes.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    /// The event id (the key).
    pub id: String,
    /// The tab that owns it.
    pub owner: String,
    /// When its owner wrote it (ms since the Unix epoch), to tell records of tabs that started after
    /// a liveness check from records of dead tabs.
    pub written_at_ms: f64,
    /// The `PersistedRecord` encoding, still in JS: copied into wasm memory only for a record the
    /// claim takes (every claim walks this tab's own records too).
    pub bytes: Uint8Array,
}

impl StoredRecord {
    /// The record `{id, owner, writtenAt, bytes}` a claim walk hands over; `None` when it is not
    /// one this crate wrote.
    pub fn from_js(record: &JsValue) -> Option<StoredRecord> {
        Some(StoredRecord {
            bytes: get(record, "bytes").dyn_into::<Uint8Array>().ok()?,
            id: get(record, "id").as_string()?,
            owner: get(record, "owner").as_string()?,
            written_at_ms: get(record, "writtenAt").as_f64().unwrap_or(0.0),
        })
    }
}

/// What a claim does with one stored record it does not leave as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Re-own it to the claiming tab.
    Take = 1,
    /// Delete it.
    Drop = 2,
    /// Leave it and every record after it.
    Stop = 3,
}

impl Verdict {
    /// Answers a claim walk's `decide(record)` call with this verdict.
    pub fn answer(self, record: &JsValue) {
        set(record, "verdict", &JsValue::from(self as u32));
    }
}

/// The deletes and puts of one write, in the shape `js/store.js` takes them: the ids to delete, and
/// the puts as id, encoding, id, encoding…
#[derive(Debug)]
pub struct RecordWrite {
    puts: Array,
    deletes: Array,
}

impl RecordWrite {
    /// The write of `puts` (id, bytes) and `deletes`.
    pub fn new(puts: &[(String, Vec<u8>)], deletes: &[String]) -> RecordWrite {
        let write = RecordWrite {
            puts: Array::new(),
            deletes: Array::new(),
        };
        for (id, encoded) in puts {
            write.puts.push(&JsValue::from_str(id));
            write.puts.push(&Uint8Array::from(encoded.as_slice()));
        }
        for id in deletes {
            write.deletes.push(&JsValue::from_str(id));
        }
        write
    }
}

/// Where the records are: an open IndexedDB database, or the `localStorage` key prefix of this
/// stream's records.
#[derive(Clone, Debug)]
pub struct RecordStore {
    db: JsValue,
}

/// Whether this runtime has IndexedDB.
pub fn available() -> bool {
    global("indexedDB").is_some()
}

impl RecordStore {
    /// The records in the open IndexedDB database `db`.
    pub fn idb(db: JsValue) -> RecordStore {
        RecordStore { db }
    }

    /// The records of stream `scope` in `localStorage`.
    pub fn local(scope: &str) -> RecordStore {
        RecordStore {
            db: JsValue::from_str(&super::local_cache::scoped_key(scope, "r:")),
        }
    }

    /// Runs `write`, its records owned by `owner` (in one transaction for IndexedDB); `done` runs
    /// when it commits (the point from which those records survive a crash) or fails.
    pub fn write(&self, owner: &str, write: &RecordWrite, done: Done) {
        js_write(
            &self.db,
            owner,
            &write.puts,
            &write.deletes,
            wasm_bindgen::closure::Closure::once_into_js(done),
        );
    }

    /// Walks every stored record (in one transaction for IndexedDB): `on` gets each record (`{id, owner, writtenAt,
    /// bytes}`, answered with [`Verdict::answer`]; taken records are re-owned to `new_owner`), then
    /// once the outcome of the transaction (see [`outcome`]). Records are re-owned as they are
    /// decided, so the ones taken are durable only once the walk commits.
    pub fn claim(&self, new_owner: &str, on: Box<dyn FnMut(JsValue)>) {
        let on = wasm_bindgen::closure::Closure::wrap(on).into_js_value();
        js_claim(&self.db, new_owner, &on, &on);
    }
}
