//! Which tab sends which persisted events: each tab owns what it stores, and exactly one live tab at a
//! time claims the backlog of tabs that are gone (closed, reloaded, crashed).
//!
//! With the Web Locks API (`navigator.locks`, in pages and workers of current browsers): a tab holds
//! the lock `kinesis-clickstream:<stream>:tab:<id>` for its whole life, and starts storing only once it
//! holds it. A claim runs under the lock `…:drain`, taken with `ifAvailable` (one claimer at a time):
//! it lists the held tab locks, then in one walk over the stored records (one IndexedDB transaction)
//! re-owns to itself every record whose owner holds no lock and that was written before the listing
//! (so a tab that started after the listing is never mistaken for a dead one), as far as its buffer
//! has room, and restores them into the core with their original ids and put times. Re-owned records belong to a live tab, so no other tab
//! claims them while it lives.
//!
//! Without Web Locks: the same with `core::lease`, a heartbeat book in `localStorage` (a tab is dead
//! 75 s after its last heartbeat; see that module for the limit of this fallback).
//!
//! Claims run when the producer starts and then every [`CLAIM_INTERVAL_MS`].
//!
//! The lock requests and the walk run in `js/store.js`; every decision is made here: the walk asks
//! Rust about each record, inside the walk's transaction.

use crate::core::text::text;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::core::decimal::Decimal;
use crate::core::lease::{DrainLease, LeaseBook};
use crate::core::persisted::PersistedRecord;
use crate::core::text::split_once_ascii;

use super::driver::{schedule_pump, Edge, Shared};
use super::dynamic::{call, get, global};
use super::handoff;
use super::local_cache::scoped_key;
use super::now_ms;
use super::storage::{schedule_write, IdSet, Mode};
use super::storage_local::LocalStore;
use super::storage_records::{outcome, Done, RecordStore, StoredRecord, Verdict};
use super::timer::JsTimer;

#[wasm_bindgen(module = "/src/wasm/js/store.js")]
extern "C" {
    #[wasm_bindgen(js_name = open)]
    fn js_open(database: &str, lock: &str, done: JsValue);
    #[wasm_bindgen(js_name = drain)]
    fn js_drain(name: &str, prefix: &str, run: JsValue);
    #[wasm_bindgen(js_name = items)]
    fn js_items(prefix: &str) -> JsValue;
}

/// How often a tab looks for a backlog of tabs that are gone.
pub const CLAIM_INTERVAL_MS: u32 = 2_000;

/// Whether the runtime has the Web Locks API (`navigator.locks`).
fn has_web_locks() -> bool {
    global("navigator").is_some_and(|navigator| get(&navigator, "locks").is_object())
}

fn lock_prefix(scope: &str) -> String {
    scoped_key(scope, "tab:")
}

/// Opens storage, establishes this tab's ownership, starts writing, claims the first backlog and
/// schedules later claims. Falls back to memory (reported) when storage cannot be opened.
pub fn start(shared: &Shared) {
    let (database, lock) = {
        let edge = shared.borrow();
        let durable = &edge.durable;
        let database = match durable.mode() {
            Mode::Memory => return,
            Mode::IndexedDb => durable.database_name(),
            Mode::LocalStorage => String::new(),
        };
        let lock = if has_web_locks() {
            lock_prefix(&durable.scope) + &durable.tab_id
        } else {
            String::new()
        };
        (database, lock)
    };
    let locks = !lock.is_empty();
    let shared = Rc::clone(shared);
    let opened: Done = Box::new(move |value| match outcome(value) {
        Ok(db) => {
            let local = LocalStore::open();
            let records = {
                let edge = shared.borrow();
                let durable = &edge.durable;
                if let (false, Some(store)) = (locks, &local) {
                    heartbeat(store, &durable.scope, &durable.tab_id);
                }
                if db.is_undefined() {
                    RecordStore::local(&durable.scope)
                } else {
                    RecordStore::idb(db)
                }
            };
            ready(&shared, Some(records), local);
        }
        Err(thrown) => {
            let detail = super::js_error::describe_js_value(&thrown);
            let error = shared
                .borrow_mut()
                .durable
                .fall_back("unavailable", &detail);
            if let Some(error) = error {
                super::driver::report_error(&shared, &error);
            }
        }
    });
    js_open(&database, &lock, Closure::once_into_js(opened));
}

/// Storage is open and ownership established: starts writing, claims the first backlog and
/// schedules later claims.
fn ready(shared: &Shared, records: Option<RecordStore>, local: Option<LocalStore>) {
    shared.borrow_mut().durable.set_ready(records, local);
    schedule_write(shared);
    claim(shared);
    let weak = Rc::downgrade(shared);
    let interval = JsTimer::every(
        CLAIM_INTERVAL_MS,
        Box::new(move || {
            if let Some(shared) = weak.upgrade() {
                claim(&shared);
            }
        }),
    );
    let mut edge = shared.borrow_mut();
    if edge.durable.is_durable() {
        edge.durable.claim_timer = Some(interval);
    }
}

fn heartbeat_prefix(scope: &str) -> String {
    scoped_key(scope, "hb:")
}

fn drain_key(scope: &str) -> String {
    scoped_key(scope, "drain")
}

/// The lease book as every tab's heartbeat key and the drain key hold it now.
fn read_book(store: &LocalStore, scope: &str) -> LeaseBook {
    let mut book = LeaseBook::new();
    let items = js_items(&heartbeat_prefix(scope))
        .as_string()
        .unwrap_or_default();
    let mut rest = items.as_str();
    while let (Some(tab), Some(at)) = (
        handoff::next_listed(&mut rest),
        handoff::next_listed(&mut rest),
    ) {
        if let Some(at) = parse_ms(at) {
            book.heartbeat(tab, at);
        }
    }
    let drain = store.get_item(&drain_key(scope)).and_then(|text| {
        let (tab, expires) = split_once_ascii(&text, b' ')?;
        Some(DrainLease {
            tab: tab.to_owned(),
            expires_ms: parse_ms(expires)?,
        })
    });
    book.set_drain(drain);
    book
}

/// `text` as `u64::from_str` reads it (decimal digits after an optional `+`, no overflow), without
/// the generic integer parser.
fn parse_ms(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text).as_bytes();
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
    }
    Some(value)
}

/// Writes this tab's heartbeat; returns the book with it, and whether this tab was still taken for
/// alive before it.
fn heartbeat(store: &LocalStore, scope: &str, tab: &str) -> (LeaseBook, bool) {
    let mut book = read_book(store, scope);
    let now = now_ms();
    let alive = book.heartbeat(tab, now);
    store.set_item(
        &(heartbeat_prefix(scope) + tab),
        &Decimal::from(now).to_text(),
    );
    (book, alive)
}

/// Removes this tab from the lease book (page exit without Web Locks): its backlog is claimable at
/// once.
pub fn leave(edge: &Edge) {
    if has_web_locks() {
        return;
    }
    if let Some(store) = edge.durable.local() {
        let scope = &edge.durable.scope;
        store.remove_item(&(heartbeat_prefix(scope) + &edge.durable.tab_id));
        release_drain_lease(store, scope, &edge.durable.tab_id);
    }
}

/// Removes the drain lease when `tab` holds it.
fn release_drain_lease(store: &LocalStore, scope: &str, tab: &str) {
    if read_book(store, scope)
        .drain()
        .is_some_and(|lease| lease.tab == tab)
    {
        store.remove_item(&drain_key(scope));
    }
}

/// Claims the backlog of gone tabs once, unless a claim of this tab is running or another tab holds
/// the drain lock.
pub fn claim(shared: &Shared) {
    let (drain, prefix) = {
        let mut edge = shared.borrow_mut();
        let durable = &mut edge.durable;
        if !durable.is_durable() || !durable.is_ready() || durable.claiming {
            return;
        }
        durable.claiming = true;
        if !has_web_locks() {
            drop(edge);
            return claim_with_lease(shared);
        }
        (drain_key(&durable.scope), lock_prefix(&durable.scope))
    };
    let shared = Rc::clone(shared);
    // Under the granted drain lock: `grant` lists the live tabs; the claim takes the records of the
    // others written before the listing.
    let run: Done = Box::new(move |grant| {
        if grant.is_null() {
            return end_claim(&shared, 0);
        }
        let live = handoff::id_set(&get(&grant, "live").as_string().unwrap_or_default());
        let listed_at_ms = get(&grant, "listedAt").as_f64().unwrap_or(0.0);
        claim_records(
            &shared,
            Claimant {
                live,
                listed_at_ms,
                grant,
            },
        );
    });
    js_drain(&drain, &prefix, Closure::once_into_js(run));
}

/// Ends a claim: lets the next one run and sends what it restored.
fn end_claim(shared: &Shared, claimed: usize) {
    shared.borrow_mut().durable.claiming = false;
    if claimed > 0 {
        shared.borrow().logger.info(&text!(
            "recovered {} events persisted by earlier pages",
            claimed
        ));
        schedule_pump(shared);
    }
}

fn claim_with_lease(shared: &Shared) {
    // Decided under a shared borrow: nothing here borrows `shared` mutably.
    let live = {
        let edge = shared.borrow();
        let durable = &edge.durable;
        durable.local().and_then(|store| {
            let (scope, tab) = (&durable.scope, &durable.tab_id);
            let (mut book, alive) = heartbeat(store, scope, tab);
            if !alive {
                edge.logger.warn(
                    "this tab was frozen longer than the lease expiry; another tab may send its events too",
                );
            }
            let now = now_ms();
            if !book.try_acquire_drain(tab, now) {
                return None;
            }
            if let Some(lease) = book.drain() {
                store.set_item(
                    &drain_key(scope),
                    &text!("{} {}", lease.tab, Decimal::from(lease.expires_ms)),
                );
            }
            Some(book.alive_tabs(now))
        })
    };
    let Some(live) = live else {
        return end_claim(shared, 0);
    };
    // Under the drain lease, every record of a tab the book takes for dead is claimable.
    claim_records(
        shared,
        Claimant {
            live,
            listed_at_ms: f64::INFINITY,
            grant: JsValue::UNDEFINED,
        },
    );
}

/// Who may claim what, and the exclusion held while claiming: the records of tabs not in `live`
/// written before `listed_at_ms`, under the Web Locks drain lock `grant` (from `js/store.js`'s
/// `drain`), or under this tab's drain lease when `grant` is undefined (`live` then holds the tabs
/// the lease book takes for alive, and every record counts as written before).
struct Claimant {
    live: IdSet,
    listed_at_ms: f64,
    grant: JsValue,
}

/// One claim in progress: what it decided so far.
struct Claim {
    claimant: Claimant,
    handed_off: IdSet,
    dropped_handed_off: String,
    taken: usize,
}

impl Claim {
    /// What to do with `record`: nothing (`None`) for this tab's own records and those `claimant`
    /// may not claim; otherwise delete it when it was handed off or cannot be sent, re-own it once
    /// restored into the core, or stop when the buffer is full.
    fn decide(&mut self, edge: &mut Edge, record: &StoredRecord) -> Option<Verdict> {
        let claimable = !self.claimant.live.contains_key(&record.owner)
            && record.written_at_ms < self.claimant.listed_at_ms;
        if record.owner == edge.durable.tab_id || !claimable {
            return None;
        }
        if self.handed_off.contains_key(&record.id) {
            handoff::push_listed(&mut self.dropped_handed_off, &record.id);
            return Some(Verdict::Drop);
        }
        let bytes = record.bytes.to_vec();
        let Some(persisted) = PersistedRecord::from_bytes(&bytes) else {
            return Some(Verdict::Drop);
        };
        match edge.core.restore_unless_full(&persisted, now_ms()) {
            Ok(None) => {
                edge.durable.adopt(&record.id, bytes.len());
                self.taken += 1;
                Some(Verdict::Take)
            }
            Ok(Some(_)) => Some(Verdict::Stop),
            Err(error) => {
                edge.logger.warn(&text!(
                    "a persisted event cannot be sent and is discarded: {}",
                    error.message()
                ));
                Some(Verdict::Drop)
            }
        }
    }

    /// Cleans up after the claim (hand-off list, drain lock or lease) and ends it.
    fn finish(self, shared: &Shared) {
        {
            let edge = shared.borrow();
            let durable = &edge.durable;
            let grant = &self.claimant.grant;
            if let Some(store) = durable.local() {
                handoff::remove(&durable.scope, &self.dropped_handed_off);
                if grant.is_undefined() {
                    release_drain_lease(store, &durable.scope, &durable.tab_id);
                }
            }
            if !grant.is_undefined() {
                let _ = call(grant, "release", &[]);
            }
        }
        end_claim(shared, self.taken);
    }
}

/// Re-owns and restores the records `claimant` may claim (records listed in the hand-off list are
/// deleted instead), as far as the buffer has room, then ends the claim.
fn claim_records(shared: &Shared, claimant: Claimant) {
    let (records, handed_off, tab) = {
        let edge = shared.borrow();
        let durable = &edge.durable;
        let handed_off = durable
            .local()
            .map(|store| handoff::read(store, &durable.scope))
            .unwrap_or_default();
        (
            durable.records().cloned(),
            handed_off,
            durable.tab_id.clone(),
        )
    };
    let claim = Claim {
        claimant,
        handed_off,
        dropped_handed_off: String::new(),
        taken: 0,
    };
    let Some(store) = records else {
        return claim.finish(shared);
    };
    let shared = Rc::clone(shared);
    let mut claim = Some(claim);
    // Called with each stored record, then with the walk's outcome. Records restored stay in the
    // core even when the walk fails (and are sent): only their re-owning may be lost.
    let on = Box::new(move |value: JsValue| match outcome(value) {
        Ok(record) if !record.is_undefined() => {
            let Some(claim) = claim.as_mut() else {
                return;
            };
            let verdict = StoredRecord::from_js(&record)
                .and_then(|stored| claim.decide(&mut shared.borrow_mut(), &stored));
            if let Some(verdict) = verdict {
                verdict.answer(&record);
            }
        }
        committed => {
            let Some(claim) = claim.take() else {
                return;
            };
            if let Err(thrown) = committed {
                shared.borrow().logger.warn(&text!(
                    "claiming persisted events failed: {}",
                    super::js_error::describe_js_value(&thrown)
                ));
            }
            claim.finish(&shared);
        }
    });
    store.claim(&tab, on);
}
