//! The IndexedDB backend of the durable queue, through the global `indexedDB` (pages and workers).
//!
//! One database per stream, `kinesis-clickstream:<stream>`, one object store `records` keyed by the
//! event id (UUIDv7 text, so key order is put order). Each value is `{owner, writtenAt, bytes}`: the
//! id of the tab that sends it, when it wrote it, and the `core::persisted` encoding of the record. Every write of a turn goes
//! into one `readwrite` transaction.

use js_sys::{Object, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::dynamic::{array, call, event_promise, get, global, set};

const STORE: &str = "records";

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
    /// Opens (creating on first use) the database `name`.
    pub async fn open(name: &str) -> Result<IdbStore, JsValue> {
        let factory = global("indexedDB").ok_or_else(|| JsValue::from_str("no indexedDB"))?;
        let request = call(
            &factory,
            "open",
            &[&JsValue::from_str(name), &JsValue::from(1)],
        )?;
        let on_upgrade: Box<dyn FnOnce(JsValue)> = Box::new({
            let request = request.clone();
            move |_event| {
                let db = get(&request, "result");
                let _ = call(&db, "createObjectStore", &[&JsValue::from_str(STORE)]);
            }
        });
        let on_upgrade = Closure::once_into_js(on_upgrade);
        set(&request, "onupgradeneeded", &on_upgrade);
        let db = JsFuture::from(event_promise(&request, "success", "result", &["error"])).await?;
        Ok(IdbStore { db })
    }

    fn transaction(&self, mode: &str) -> Result<(JsValue, JsValue), JsValue> {
        let tx = call(
            &self.db,
            "transaction",
            &[&JsValue::from_str(STORE), &JsValue::from_str(mode)],
        )?;
        let store = call(&tx, "objectStore", &[&JsValue::from_str(STORE)])?;
        Ok((tx, store))
    }

    /// Writes `puts` (id, bytes), owned by `owner`, and removes `deletes` in one transaction;
    /// resolves when it commits (the point from which those records survive a crash).
    pub async fn write(
        &self,
        owner: &str,
        puts: &[(String, Vec<u8>)],
        deletes: &[String],
    ) -> Result<(), JsValue> {
        let (tx, store) = self.transaction("readwrite")?;
        let done = event_promise(&tx, "complete", "", &["error", "abort"]);
        let now = js_sys::Date::now();
        for (id, bytes) in puts {
            call(
                &store,
                "put",
                &[&stored_value(owner, now, bytes), &JsValue::from_str(id)],
            )?;
        }
        for id in deletes {
            call(&store, "delete", &[&JsValue::from_str(id)])?;
        }
        let _ = call(&tx, "commit", &[]);
        JsFuture::from(done).await.map(|_| ())
    }

    /// Reads every stored record, passes them to `choose` (which returns the ids to take over), and
    /// re-owns the chosen ones to `new_owner` and deletes `drop_ids` in the same transaction.
    /// Resolves with the chosen records once that transaction commits.
    pub async fn claim(
        &self,
        new_owner: &str,
        choose: impl FnOnce(&[StoredRecord]) -> (Vec<String>, Vec<String>),
    ) -> Result<Vec<StoredRecord>, JsValue> {
        let (tx, store) = self.transaction("readwrite")?;
        let done = event_promise(&tx, "complete", "", &["error", "abort"]);
        let keys_request = call(&store, "getAllKeys", &[])?;
        let values_request = call(&store, "getAll", &[])?;
        let keys = JsFuture::from(event_promise(
            &keys_request,
            "success",
            "result",
            &["error"],
        ))
        .await?;
        let values = JsFuture::from(event_promise(
            &values_request,
            "success",
            "result",
            &["error"],
        ))
        .await?;
        let keys = array(keys);
        let values = array(values);
        let mut all = Vec::with_capacity(keys.length() as usize);
        for (key, value) in keys.iter().zip(values.iter()) {
            let (Some(id), Some(owner)) = (key.as_string(), get(&value, "owner").as_string())
            else {
                continue;
            };
            let bytes = Uint8Array::new(&get(&value, "bytes")).to_vec();
            let written_at_ms = get(&value, "writtenAt").as_f64().unwrap_or(0.0);
            all.push(StoredRecord {
                id,
                owner,
                written_at_ms,
                bytes,
            });
        }
        let (take, drop_ids) = choose(&all);
        let take = super::storage::id_set(take);
        let mut taken = Vec::with_capacity(take.len());
        let now = js_sys::Date::now();
        for record in all {
            if !take.contains_key(&record.id) {
                continue;
            }
            let value = stored_value(new_owner, now, &record.bytes);
            call(&store, "put", &[&value, &JsValue::from_str(&record.id)])?;
            taken.push(record);
        }
        for id in &drop_ids {
            call(&store, "delete", &[&JsValue::from_str(id)])?;
        }
        let _ = call(&tx, "commit", &[]);
        JsFuture::from(done).await?;
        Ok(taken)
    }
}

fn stored_value(owner: &str, written_at_ms: f64, bytes: &[u8]) -> Object {
    let value = Object::new();
    set(&value, "owner", &JsValue::from_str(owner));
    set(&value, "writtenAt", &JsValue::from_f64(written_at_ms));
    set(&value, "bytes", &Uint8Array::from(bytes));
    value
}
