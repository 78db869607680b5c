//! Which tab sends which persisted events: each tab owns what it stores, and exactly one live tab at a
//! time claims the backlog of tabs that are gone (closed, reloaded, crashed).
//!
//! With the Web Locks API (`navigator.locks`, in pages and workers of current browsers): a tab holds
//! the lock `kinesis-clickstream:<stream>:tab:<id>` for its whole life, and starts storing only once it
//! holds it. A claim runs under the lock `…:drain`, taken with `ifAvailable` (one claimer at a time):
//! it lists the held tab locks, then in one IndexedDB transaction re-owns to itself every record whose
//! owner holds no lock and that was written before the listing (so a tab that started after the
//! listing is never mistaken for a dead one), as far as its buffer has room, and restores them into the
//! core with their original ids and put times. Re-owned records belong to a live tab, so no other tab
//! claims them while it lives.
//!
//! Without Web Locks: the same with `core::lease`, a heartbeat book in `localStorage` (a tab is dead
//! 75 s after its last heartbeat; see that module for the limit of this fallback).
//!
//! Claims run when the producer starts and then every [`CLAIM_INTERVAL_MS`].

use crate::core::decimal::Decimal;
use std::rc::Rc;

use js_sys::{Function, Object, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::core::error::ErrorCode;
use crate::core::lease::{DrainLease, LeaseBook};
use crate::core::persisted::PersistedRecord;
use crate::core::text::split_once_ascii;

use super::driver::{schedule_pump, Edge, Shared};
use super::dynamic::{array, call, get, global, set};
use super::handoff;
use super::local_cache::scoped_key;
use super::now_ms;
use super::storage::{schedule_write, IdSet, Mode};
use super::storage_idb::{IdbStore, StoredRecord};
use super::storage_local::LocalStore;
use super::task::{self, Task};
use super::timer::JsTimer;

/// How often a tab looks for a backlog of tabs that are gone.
pub const CLAIM_INTERVAL_MS: u32 = 2_000;

/// A `navigator.locks.request` callback, boxed so that both share one closure type in the `.wasm`.
type LockCallback = Box<dyn FnOnce(JsValue) -> JsValue>;

/// `navigator.locks` when the runtime has the Web Locks API.
fn web_locks() -> Option<JsValue> {
    let navigator = global("navigator")?;
    let locks = get(&navigator, "locks");
    locks.is_object().then_some(locks)
}

fn lock_prefix(scope: &str) -> String {
    scoped_key(scope, "tab:")
}

/// Opens storage, establishes this tab's ownership, starts writing, claims the first backlog and
/// schedules later claims. Falls back to memory (reported) when storage cannot be opened.
pub async fn start(shared: &Shared) {
    let (mode, scope, tab, database) = {
        let edge = shared.borrow();
        (
            edge.durable.mode(),
            edge.durable.scope.clone(),
            edge.durable.tab_id.clone(),
            edge.durable.database_name(),
        )
    };
    if mode == Mode::Memory {
        return;
    }
    let idb = if mode == Mode::IndexedDb {
        match IdbStore::open(&database).await {
            Ok(store) => Some(store),
            Err(thrown) => {
                let detail = super::js_error::describe_js_value(&thrown);
                let error = shared
                    .borrow_mut()
                    .durable
                    .fall_back("unavailable", &detail);
                if let Some(error) = error {
                    super::driver::report_error(shared, &error);
                }
                return;
            }
        }
    } else {
        None
    };
    let local = LocalStore::open(&scope);
    if let Some(locks) = web_locks() {
        let name = format!("{}{tab}", lock_prefix(&scope));
        let _ = JsFuture::from(hold_lock_for_life(&locks, &name)).await;
    } else if let Some(store) = &local {
        heartbeat(store, &scope, &tab);
    }
    shared.borrow_mut().durable.set_ready(idb, local);
    schedule_write(shared);
    claim(shared).await;
    let weak = Rc::downgrade(shared);
    let interval = JsTimer::every(
        CLAIM_INTERVAL_MS,
        Box::new(move || {
            if let Some(shared) = weak.upgrade() {
                task::spawn(&shared, Task::Claim);
            }
        }),
    );
    let mut edge = shared.borrow_mut();
    if edge.durable.is_durable() {
        edge.durable.claim_timer = Some(interval);
    }
}

/// Requests the lock `name` and keeps it until the page or worker goes away; resolves once granted.
fn hold_lock_for_life(locks: &JsValue, name: &str) -> Promise {
    let locks = locks.clone();
    let name = name.to_owned();
    Promise::new(&mut |resolve: Function, _reject: Function| {
        let granted: LockCallback = Box::new(move |_lock: JsValue| -> JsValue {
            let _ = resolve.call1(&JsValue::UNDEFINED, &JsValue::UNDEFINED);
            Promise::new(&mut |_keep: Function, _never: Function| {}).into()
        });
        let granted = Closure::once_into_js(granted);
        let _ = call(&locks, "request", &[&JsValue::from_str(&name), &granted]);
    })
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
    for (tab, value) in store.items_with_prefix(&heartbeat_prefix(scope)) {
        if let Ok(at) = value.parse() {
            book.heartbeat(&tab, at);
        }
    }
    let drain = store.get_item(&drain_key(scope)).and_then(|text| {
        let (tab, expires) = split_once_ascii(&text, b' ')?;
        Some(DrainLease {
            tab: tab.to_owned(),
            expires_ms: expires.parse().ok()?,
        })
    });
    book.set_drain(drain);
    book
}

/// Writes this tab's heartbeat; returns the book with it, and whether this tab was still taken for
/// alive before it.
fn heartbeat(store: &LocalStore, scope: &str, tab: &str) -> (LeaseBook, bool) {
    let mut book = read_book(store, scope);
    let now = now_ms();
    let alive = book.heartbeat(tab, now);
    store.set_item(
        &format!("{}{tab}", heartbeat_prefix(scope)),
        &Decimal::from(now).to_text(),
    );
    (book, alive)
}

/// Removes this tab from the lease book (page exit without Web Locks): its backlog is claimable at
/// once.
pub fn leave(edge: &Edge) {
    if web_locks().is_some() {
        return;
    }
    if let Some(store) = edge.durable.local() {
        let scope = &edge.durable.scope;
        store.remove_item(&format!(
            "{}{}",
            heartbeat_prefix(scope),
            edge.durable.tab_id
        ));
        if read_book(store, scope)
            .drain()
            .is_some_and(|lease| lease.tab == edge.durable.tab_id)
        {
            store.remove_item(&drain_key(scope));
        }
    }
}

/// Claims the backlog of gone tabs once, unless a claim of this tab is running or another tab holds
/// the drain lock.
pub async fn claim(shared: &Shared) {
    {
        let mut edge = shared.borrow_mut();
        if !edge.durable.is_durable() || !edge.durable.is_ready() || edge.durable.claiming {
            return;
        }
        edge.durable.claiming = true;
    }
    let claimed = match web_locks() {
        Some(locks) => claim_with_locks(shared, &locks).await,
        None => claim_with_lease(shared).await,
    };
    shared.borrow_mut().durable.claiming = false;
    if claimed > 0 {
        shared.borrow().logger.info(&format!(
            "recovered {claimed} events persisted by earlier pages"
        ));
        schedule_pump(shared);
    }
}

async fn claim_with_locks(shared: &Shared, locks: &JsValue) -> usize {
    let scope = shared.borrow().durable.scope.clone();
    let name = drain_key(&scope);
    let options = Object::new();
    set(&options, "ifAvailable", &JsValue::TRUE);
    let shared_in = Rc::clone(shared);
    let locks_in = locks.clone();
    let on_lock: LockCallback = Box::new(move |lock: JsValue| -> JsValue {
        if lock.is_null() {
            return Promise::resolve(&JsValue::from(0)).into();
        }
        Promise::new(&mut |resolve: Function, _reject: Function| {
            let locks = locks_in.clone();
            task::spawn(&shared_in, Task::ClaimLocked { locks, resolve });
        })
        .into()
    });
    let on_lock = Closure::once_into_js(on_lock);
    let request = call(
        locks,
        "request",
        &[&JsValue::from_str(&name), &options, &on_lock],
    );
    match request {
        Ok(promise) => JsFuture::from(Promise::from(promise))
            .await
            .ok()
            .and_then(|n| n.as_f64())
            .unwrap_or(0.0) as usize,
        Err(_) => 0,
    }
}

/// The claim proper, under the granted drain lock: lists the live tabs, then claims the records of
/// the others written before the listing. Returns how many were claimed (0 when listing failed).
pub async fn claim_locked(shared: &Shared, locks: &JsValue) -> usize {
    let prefix = lock_prefix(&shared.borrow().durable.scope);
    let listed_at = js_sys::Date::now();
    let live = match call(locks, "query", &[]) {
        Ok(promise) => match JsFuture::from(Promise::from(promise)).await {
            Ok(snapshot) => live_tabs(&snapshot, &prefix),
            Err(_) => return 0,
        },
        Err(_) => return 0,
    };
    claim_records(shared, &|record| {
        !live.contains_key(&record.owner) && record.written_at_ms < listed_at
    })
    .await
}

/// Tab ids whose lock is held, from a `navigator.locks.query()` snapshot.
fn live_tabs(snapshot: &JsValue, prefix: &str) -> IdSet {
    let mut live = IdSet::new();
    for lock in array(get(snapshot, "held")).iter() {
        if let Some(name) = get(&lock, "name").as_string() {
            if let Some(tab) = name.strip_prefix(prefix) {
                live.insert(tab, 0);
            }
        }
    }
    live
}

async fn claim_with_lease(shared: &Shared) -> usize {
    let (store, scope, tab) = {
        let edge = shared.borrow();
        match edge.durable.local() {
            Some(store) => (
                store.clone(),
                edge.durable.scope.clone(),
                edge.durable.tab_id.clone(),
            ),
            None => return 0,
        }
    };
    let (mut book, alive) = heartbeat(&store, &scope, &tab);
    if !alive {
        shared.borrow().logger.warn(
            "this tab was frozen longer than the lease expiry; another tab may send its events too",
        );
    }
    let now = now_ms();
    if !book.try_acquire_drain(&tab, now) {
        return 0;
    }
    if let Some(lease) = book.drain() {
        store.set_item(
            &drain_key(&scope),
            &format!("{} {}", lease.tab, Decimal::from(lease.expires_ms)),
        );
    }
    let claimed = claim_records(shared, &|record| book.may_claim(&tab, &record.owner, now)).await;
    if read_book(&store, &scope)
        .drain()
        .is_some_and(|lease| lease.tab == tab)
    {
        store.remove_item(&drain_key(&scope));
    }
    claimed
}

/// Re-owns and restores the records `claimable` picks (records listed in the hand-off list are deleted
/// instead); returns how many were restored. `claimable` is a trait object so that the Web Locks and the lease claims share one copy of this
/// future (and of the IndexedDB claim inside it).
async fn claim_records(shared: &Shared, claimable: &dyn Fn(&StoredRecord) -> bool) -> usize {
    let (idb, local, scope, tab) = {
        let edge = shared.borrow();
        (
            edge.durable.idb().cloned(),
            edge.durable.local().cloned(),
            edge.durable.scope.clone(),
            edge.durable.tab_id.clone(),
        )
    };
    let handed_off = local
        .as_ref()
        .map(|store| handoff::read(store, &scope))
        .unwrap_or_default();
    let mut dropped_handed_off = IdSet::new();
    let mut choose = |records: &[StoredRecord]| -> (Vec<String>, Vec<String>) {
        let mut edge = shared.borrow_mut();
        let now = now_ms();
        let mut take = Vec::new();
        let mut drop_ids = Vec::new();
        for record in records {
            if record.owner == tab || !claimable(record) {
                continue;
            }
            if handed_off.contains_key(&record.id) {
                dropped_handed_off.insert(&record.id, 0);
                drop_ids.push(record.id.clone());
                continue;
            }
            let Ok(persisted) = PersistedRecord::decode(&record.bytes) else {
                drop_ids.push(record.id.clone());
                continue;
            };
            match edge.core.restore(&persisted, now) {
                Ok(()) => {
                    edge.durable.adopt(record.id.clone(), record.bytes.len());
                    take.push(record.id.clone());
                }
                Err(error) if error.code() == ErrorCode::BufferFull => break,
                Err(error) => {
                    edge.logger.warn(&format!(
                        "a persisted event cannot be sent and is discarded: {}",
                        error.message()
                    ));
                    drop_ids.push(record.id.clone());
                }
            }
        }
        (take, drop_ids)
    };
    let claimed = if let Some(store) = idb {
        match store.claim(&tab, &mut choose).await {
            Ok(taken) => taken.len(),
            Err(thrown) => {
                shared.borrow().logger.warn(&format!(
                    "claiming persisted events failed: {}",
                    super::js_error::describe_js_value(&thrown)
                ));
                0
            }
        }
    } else if let Some(store) = &local {
        let records = store.read_all();
        let (take, drop_ids) = choose(&records);
        let taken = store.reown(&records, &take, &tab);
        let _ = store.write(&tab, &[], &drop_ids);
        taken
    } else {
        0
    };
    if let Some(store) = &local {
        handoff::remove(store, &scope, &dropped_handed_off);
    }
    claimed
}
