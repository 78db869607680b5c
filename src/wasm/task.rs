//! Every background job of the edge runs as one future type: one spawned task kind in the `.wasm`
//! (one spawner, waker and drop glue) instead of one per job.

use std::rc::Rc;

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
    /// Write the durable queue's pending batches ([`storage::write_next`]).
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
        Task::StartStorage => ownership::start(&shared),
        Task::DriveFlush(id) => driver::drive_flush(&shared, id),
        Task::Write => storage::write_next(&shared),
        Task::Release(lifecycle) => drop(lifecycle),
    }
}
