//! Every background job of the edge runs as one future type: one spawned task kind in the `.wasm`
//! (one spawner, waker and drop glue) instead of one per job.

use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;

use crate::core::flush::FlushId;

use super::driver::{self, Shared};
use super::lifecycle::PageLifecycle;
use super::{ownership, storage};

/// A job to run in the background.
pub enum Task {
    /// Poll the core and start what is due ([`driver::pump`]).
    Pump,
    /// Open storage and establish this tab's ownership ([`ownership::start`]).
    StartStorage,
    /// Drive sending for a `flush()` in a request-scoped runtime ([`driver::drive_flush`]).
    DriveFlush(FlushId),
    /// Claim the backlog of gone tabs once.
    Claim,
    /// Claim under the granted Web Locks drain lock; `resolve` gets the number claimed.
    ClaimLocked {
        /// `navigator.locks`.
        locks: JsValue,
        /// Resolves the promise the lock callback returned (releasing the lock).
        resolve: Function,
    },
    /// Write the durable queue's pending batches.
    Write,
    /// Remove page lifecycle listeners, outside the listener that may be running.
    Release(PageLifecycle),
}

/// Runs `task` in the background (in a microtask).
pub fn spawn(shared: &Shared, task: Task) {
    wasm_bindgen_futures::spawn_local(run(Rc::clone(shared), task));
}

async fn run(shared: Shared, task: Task) {
    match task {
        Task::Pump => driver::pump(&shared),
        Task::StartStorage => ownership::start(&shared).await,
        Task::DriveFlush(id) => driver::drive_flush(&shared, id),
        Task::Claim => ownership::claim(&shared).await,
        Task::ClaimLocked { locks, resolve } => {
            let claimed = ownership::claim_locked(&shared, &locks).await;
            let _ = resolve.call1(&JsValue::UNDEFINED, &JsValue::from(claimed as u32));
        }
        Task::Write => storage::write_loop(&shared).await,
        Task::Release(lifecycle) => drop(lifecycle),
    }
}
