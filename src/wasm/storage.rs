//! The durable queue: a copy of every buffered event in IndexedDB or `localStorage`, written at put and
//! removed once the event is acknowledged (or finally failed or dropped), so that events survive a
//! reload, a closed tab or a crash and are sent by the next page of the same origin and stream.
//!
//! - Writes are batched: the puts and deletes of one turn go into one write (one IndexedDB
//!   transaction); one write is in progress at a time, so deletes always follow the puts they undo.
//!   An event survives a crash from the moment the write holding it commits; until then it is counted
//!   in `stats().persistPending`.
//! - Every stored event has an owner, the tab (page or worker instance) that sends it. A tab that is
//!   gone leaves a backlog; one live tab at a time claims it (see [`super::ownership`]).
//! - A write refused for quota (or any other storage failure) turns persistence off for this producer:
//!   events are then kept in memory only, the reason is counted in `stats().persistenceFallback` and
//!   reported once to `onError` with the code `StorageError`.
//! - The persisted size is bounded by the buffer bounds: a page stores exactly the events its buffer
//!   holds (at most `maxBufferedRecords` / `maxBufferedBytes`), and claims a backlog only as far as its
//!   buffer has room; the rest of a backlog waits in storage for the next claim.

use crate::core::text::text;
use std::rc::Rc;

use js_sys::Object;
use wasm_bindgen::JsValue;

use crate::core::error::{Error, ErrorCode};
use crate::core::event_id::EventId;
use crate::core::events::ProducerEvent;
use crate::core::name_map::NameMap;
use crate::core::producer::RequestId;

use super::driver::Shared;
use super::dynamic::{error_name, set};
use super::storage_local::{self, LocalStore};
use super::storage_records::{self, outcome, Done, RecordStore, RecordWrite};

/// A set of event or tab ids: a [`NameMap`] whose values are unused, so that it shares its code with
/// the stored-bytes map and the core's counters (no B-tree in the `.wasm`).
pub type IdSet = NameMap;

/// Where events are persisted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// IndexedDB (pages and workers).
    IndexedDb,
    /// `localStorage` (pages).
    LocalStorage,
    /// Nowhere: memory only.
    Memory,
}

impl Mode {
    /// The option value naming this mode.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::IndexedDb => "indexeddb",
            Mode::LocalStorage => "localstorage",
            Mode::Memory => "memory",
        }
    }
}

/// A write to storage waiting for its turn.
#[derive(Debug, Default)]
struct Batch {
    puts: Vec<(String, Vec<u8>)>,
    deletes: Vec<String>,
}

/// The durable queue's state, kept in the edge next to the core.
#[derive(Debug)]
pub struct DurableQueue {
    mode: Mode,
    /// Whether this queue started durable: deletes keep going after a fallback to memory.
    persisted_ever: bool,
    /// The stream this queue persists for (one database / key prefix per stream).
    pub scope: String,
    /// This producer's owner id in storage.
    pub tab_id: String,
    records: Option<RecordStore>,
    local: Option<LocalStore>,
    /// Storage is open and this tab's ownership is established: writes may start.
    ready: bool,
    next: Batch,
    committing: usize,
    writing: bool,
    write_wanted: bool,
    /// Stored event ids and their encoded sizes.
    stored: NameMap,
    stored_bytes: usize,
    fallbacks: NameMap,
    /// Keepalive requests whose events (space-separated ids) are in the hand-off list (see
    /// [`super::page_exit`]); a few entries at most (the keepalive budget), so a list.
    pub handed_off: Vec<(RequestId, String)>,
    /// A claim of other tabs' backlogs is running.
    pub claiming: bool,
    /// Runs the periodic claim; dropped (stopped) with the queue.
    pub claim_timer: Option<super::timer::JsTimer>,
    stopped: bool,
}

impl DurableQueue {
    /// A queue that persists nothing.
    pub fn memory() -> DurableQueue {
        DurableQueue::new(Mode::Memory, String::new(), String::new())
    }

    /// A queue for `mode` (already checked to be available) on stream `scope`, owned by `tab_id`.
    pub fn new(mode: Mode, scope: String, tab_id: String) -> DurableQueue {
        DurableQueue {
            mode,
            persisted_ever: mode != Mode::Memory,
            scope,
            tab_id,
            records: None,
            local: None,
            ready: false,
            next: Batch::default(),
            committing: 0,
            writing: false,
            write_wanted: false,
            stored: NameMap::new(),
            stored_bytes: 0,
            fallbacks: NameMap::new(),
            handed_off: Vec::new(),
            claiming: false,
            claim_timer: None,
            stopped: false,
        }
    }

    /// The mode in use (after any fallback).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether events are being persisted.
    pub fn is_durable(&self) -> bool {
        self.mode != Mode::Memory && !self.stopped
    }

    /// The IndexedDB database name for this stream.
    pub fn database_name(&self) -> String {
        String::from(super::local_cache::KEY_PREFIX) + &self.scope
    }

    /// Where the records are, once storage is ready.
    pub fn records(&self) -> Option<&RecordStore> {
        self.records.as_ref()
    }

    /// The page's `localStorage` (the lease book, the hand-off list), where it has one.
    pub fn local(&self) -> Option<&LocalStore> {
        self.local.as_ref()
    }

    /// Queues the persisted copy of the record `id` just put, as
    /// [`crate::core::producer::Producer::persisted_bytes_of`] returned it, while
    /// [`DurableQueue::is_durable`]; counts the fallback `copy` or `encode` when there is none.
    pub fn on_put(&mut self, id: &str, copy: Option<Option<Vec<u8>>>) {
        let reason = match copy {
            Some(Some(bytes)) => {
                self.next.puts.push((id.to_owned(), bytes));
                self.write_wanted = true;
                return;
            }
            Some(None) => "encode",
            None => "copy",
        };
        self.count_fallback(reason);
    }

    /// Queues removal of records that will not be sent again (acknowledged, failed or dropped).
    pub fn on_event(&mut self, event: &ProducerEvent) {
        let ids = match event {
            ProducerEvent::BatchDelivered { ids, .. }
            | ProducerEvent::RecordsFailed { ids, .. }
            | ProducerEvent::RecordsDropped { ids, .. } => ids,
            _ => return,
        };
        self.forget(ids);
    }

    fn forget(&mut self, ids: &[EventId]) {
        if !self.persisted_ever {
            return;
        }
        for id in ids {
            let id = id.to_text();
            if let Some(at) = self.next.puts.iter().position(|(queued, _)| *queued == id) {
                self.next.puts.swap_remove(at);
            } else {
                self.next.deletes.push(id);
                self.write_wanted = true;
            }
        }
    }

    /// Counts the stored record `id` of `bytes` encoded bytes: written by this tab, or restored from
    /// storage by a claim (owned by this tab now).
    pub fn adopt(&mut self, id: &str, bytes: usize) {
        self.stored_bytes += bytes;
        self.stored.insert(id, bytes as u64);
    }

    /// Forgets the stored `ids` in one pass over the stored map (a delivered batch removes hundreds).
    fn remove_stored(&mut self, ids: &[String]) {
        if !ids.is_empty() {
            self.stored_bytes -= self.stored.remove_many(ids.iter().map(String::as_str)) as usize;
        }
    }

    /// Whether a write should start now.
    pub fn wants_write(&self) -> bool {
        self.ready && !self.writing && self.write_wanted && !self.stopped
    }

    /// Whether storage is open and this tab's ownership established.
    pub fn is_ready(&self) -> bool {
        self.ready
    }

    /// Marks storage open and ownership established.
    pub fn set_ready(&mut self, records: Option<RecordStore>, local: Option<LocalStore>) {
        self.records = records;
        self.local = local;
        self.ready = true;
        self.write_wanted = true;
    }

    /// Counts a fallback to memory (or another persistence problem) under `reason`.
    pub fn count_fallback(&mut self, reason: &'static str) {
        self.fallbacks.add(reason, 1);
    }

    /// Switches to memory only after a failure; returns the error to report to `onError` the first
    /// time.
    pub fn fall_back(&mut self, reason: &'static str, detail: &str) -> Option<Error> {
        self.count_fallback(reason);
        if self.mode == Mode::Memory {
            return None;
        }
        let from = self.mode;
        self.mode = Mode::Memory;
        self.next.puts.clear();
        Some(Error::new(
            ErrorCode::StorageError,
            text!(
                "persistence \"{}\" failed ({}: {}); events are kept in memory only from now on",
                from.as_str(),
                reason,
                detail
            ),
        ))
    }

    /// Stops writing and claiming (after `close()` completed).
    pub fn stop(&mut self) {
        self.stopped = true;
        self.claim_timer = None;
    }

    /// Adds `persistence`, `persisted`, `persistedBytes`, `persistPending` and `persistenceFallback`
    /// to a `stats()` object.
    pub fn add_stats(&self, object: &Object) {
        set(
            object,
            "persistence",
            &JsValue::from_str(self.mode.as_str()),
        );
        set(
            object,
            "persisted",
            &JsValue::from_f64(self.stored.len() as f64),
        );
        set(
            object,
            "persistedBytes",
            &JsValue::from_f64(self.stored_bytes as f64),
        );
        let pending = if self.mode == Mode::Memory {
            0
        } else {
            self.next.puts.len() + self.committing
        };
        set(object, "persistPending", &JsValue::from_f64(pending as f64));
        let reasons = Object::new();
        for (reason, count) in self.fallbacks.iter() {
            set(&reasons, reason, &JsValue::from_f64(count as f64));
        }
        set(object, "persistenceFallback", &reasons);
    }
}

/// Which mode `requested` resolves to in this runtime, and why not the requested one if it is
/// unavailable. `auto` is IndexedDB where the runtime has it (pages, workers), memory elsewhere
/// (Node, workerd).
pub fn resolve_mode(requested: Option<Mode>, auto: bool) -> (Mode, Option<&'static str>) {
    let has_idb = storage_records::available();
    let has_local = storage_local::local_storage().is_some();
    match (requested, auto) {
        (_, true) => (
            if has_idb {
                Mode::IndexedDb
            } else {
                Mode::Memory
            },
            None,
        ),
        (Some(Mode::IndexedDb), _) if !has_idb => (Mode::Memory, Some("unavailable")),
        (Some(Mode::LocalStorage), _) if !has_local => (Mode::Memory, Some("unavailable")),
        (Some(mode), _) => (mode, None),
        (None, false) => (Mode::Memory, None),
    }
}

/// Persists the copy of the event `id` just put under `partition_key`, in this turn's write.
pub fn record_put(shared: &Shared, id: &str, partition_key: &str) {
    {
        let mut edge = shared.borrow_mut();
        if !edge.durable.is_durable() {
            return;
        }
        let copy = edge.core.persisted_bytes_of(id, partition_key);
        edge.durable.on_put(id, copy);
    }
    schedule_write(shared);
}

/// Starts the next write in a microtask when one is wanted (once per turn however often asked).
pub fn schedule_write(shared: &Shared) {
    {
        let mut edge = shared.borrow_mut();
        if !edge.durable.wants_write() {
            return;
        }
        edge.durable.writing = true;
    }
    super::task::spawn(shared, super::task::Task::Write);
}

/// Writes batches until none is left; one write in progress at a time (the next starts from the
/// callback of the one before).
pub fn write_next(shared: &Shared) {
    let (batch, owner, records) = {
        let mut edge = shared.borrow_mut();
        let durable = &mut edge.durable;
        durable.write_wanted = false;
        let batch = std::mem::take(&mut durable.next);
        // After a fallback to memory, deletes of what was stored before still go through, so
        // no other tab sends those events again.
        if durable.stopped || (batch.puts.is_empty() && batch.deletes.is_empty()) {
            durable.writing = false;
            return;
        }
        durable.committing = batch.puts.len();
        (batch, durable.tab_id.clone(), durable.records.clone())
    };
    let write = RecordWrite::new(&batch.puts, &batch.deletes);
    let shared = Rc::clone(shared);
    let done: Done = Box::new(move |value| {
        written(&shared, batch, outcome(value).map(drop));
        write_next(&shared);
    });
    match records {
        Some(store) => store.write(&owner, &write, done),
        None => done(JsValue::UNDEFINED),
    }
}

/// Accounts for a finished write of `batch`: what is stored now, or the fallback to memory after a
/// failure.
fn written(shared: &Shared, batch: Batch, result: Result<(), JsValue>) {
    let mut report = None;
    {
        let mut edge = shared.borrow_mut();
        let durable = &mut edge.durable;
        durable.committing = 0;
        match result {
            Ok(()) => {
                for (id, bytes) in &batch.puts {
                    durable.adopt(id, bytes.len());
                }
                durable.remove_stored(&batch.deletes);
            }
            Err(thrown) => {
                let reason = if error_name(&thrown).as_deref() == Some("QuotaExceededError") {
                    "quota"
                } else {
                    "error"
                };
                let detail = super::js_error::describe_js_value(&thrown);
                edge.logger
                    .warn(&text!("persisting events failed: {}", detail));
                report = edge.durable.fall_back(reason, &detail);
                // localStorage may have kept part of the batch: remove it, so no other tab
                // sends those events again.
                let durable = &mut edge.durable;
                for (id, _) in &batch.puts {
                    durable.next.deletes.push(id.clone());
                }
                durable.write_wanted = true;
            }
        }
    }
    if let Some(error) = report {
        super::driver::report_error(shared, &error);
    }
}
