//! The IndexedDB backend of the durable queue, through the global `indexedDB` (pages and workers).
//!
//! One database per stream, `kinesis-clickstream:<stream>`, one object store `records` keyed by the
//! event id (UUIDv7 text, so key order is put order). Each value is `{owner, writtenAt, bytes}`: the
//! id of the tab that sends it, when it wrote it, and the `core::persisted` encoding of the record. Every write of a turn goes
//! into one `readwrite` transaction.
//!
//! The requests and transactions run in `js/store.js`; each operation reports to a callback
//! ([`Done`]) with the value it produced or the thrown error (see [`outcome`]).

use js_sys::Uint8Array;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::dynamic::{get, global, set};
use super::handoff::push_listed;

#[wasm_bindgen(module = "/src/wasm/js/store.js")]
extern "C" {
    #[wasm_bindgen(js_name = open)]
    fn js_open(name: &str, done: JsValue);
    #[wasm_bindgen(js_name = write)]
    fn js_write(
        db: &JsValue,
        owner: &str,
        ids: &str,
        sizes: &[u32],
        bytes: &[u8],
        deletes: &str,
        done: JsValue,
    );
    #[wasm_bindgen(js_name = claim)]
    fn js_claim(db: &JsValue, owner: &str, decide: &JsValue, done: &JsValue);
}

/// A callback of an IndexedDB operation; turn its argument into a result with [`outcome`].
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
    /// The `PersistedRecord` encoding.
    pub bytes: Vec<u8>,
}

impl StoredRecord {
    /// The record `{id, owner, writtenAt, bytes}` a claim walk hands over; `None` when it is not
    /// one this crate wrote.
    pub fn from_js(record: &JsValue) -> Option<StoredRecord> {
        let bytes = get(record, "bytes").dyn_into::<Uint8Array>().ok()?;
        Some(StoredRecord {
            id: get(record, "id").as_string()?,
            owner: get(record, "owner").as_string()?,
            written_at_ms: get(record, "writtenAt").as_f64().unwrap_or(0.0),
            bytes: bytes.to_vec(),
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

/// The puts and deletes of one write, in the shape `js/store.js` takes them: space-separated ids,
/// and the encodings one after the other with their sizes.
#[derive(Debug, Default)]
pub struct IdbWrite {
    ids: String,
    sizes: Vec<u32>,
    bytes: Vec<u8>,
    deletes: String,
}

impl IdbWrite {
    /// The write of `puts` (id, bytes) and `deletes`.
    pub fn new(puts: &[(String, Vec<u8>)], deletes: &[String]) -> IdbWrite {
        let mut write = IdbWrite::default();
        for (id, encoded) in puts {
            push_listed(&mut write.ids, id);
            write.sizes.push(encoded.len() as u32);
            write.bytes.extend_from_slice(encoded);
        }
        for id in deletes {
            push_listed(&mut write.deletes, id);
        }
        write
    }
}

/// An open IndexedDB database.
#[derive(Clone, Debug)]
pub struct IdbStore {
    db: JsValue,
}

/// Whether this runtime has IndexedDB.
pub fn available() -> bool {
    global("indexedDB").is_some()
}

impl IdbStore {
    /// Opens (creating on first use) the database `name`; `done` gets the store or the thrown
    /// error.
    pub fn open(name: &str, done: Box<dyn FnOnce(Result<IdbStore, JsValue>)>) {
        let done: Done = Box::new(move |value| done(outcome(value).map(|db| IdbStore { db })));
        js_open(name, wasm_bindgen::closure::Closure::once_into_js(done));
    }

    /// Runs `write` as one transaction, its records owned by `owner`; `done` runs when it commits
    /// (the point from which those records survive a crash) or fails.
    pub fn write(&self, owner: &str, write: &IdbWrite, done: Done) {
        js_write(
            &self.db,
            owner,
            &write.ids,
            &write.sizes,
            &write.bytes,
            &write.deletes,
            wasm_bindgen::closure::Closure::once_into_js(done),
        );
    }

    /// Walks every stored record in one transaction: `on` gets each record (`{id, owner, writtenAt,
    /// bytes}`, answered with [`Verdict::answer`]; taken records are re-owned to `new_owner`), then
    /// once the outcome of the transaction (see [`outcome`]). Records are re-owned as they are
    /// decided, so the ones taken are durable only once the transaction commits.
    pub fn claim(&self, new_owner: &str, on: Box<dyn FnMut(JsValue)>) {
        let on = wasm_bindgen::closure::Closure::wrap(on).into_js_value();
        js_claim(&self.db, new_owner, &on, &on);
    }
}
