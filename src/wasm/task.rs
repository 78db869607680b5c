//! Background jobs of the edge: each runs in its own microtask, after the call that asked for it has
//! returned (so it never runs inside a user callback or a borrow of the edge state). No Rust future
//! is involved: I/O that waits is sequenced by the JS snippets and calls back.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::core::flush::FlushId;

use super::driver::{self, Shared};
use super::lifecycle::PageLifecycle;
use super::{ownership, storage};

#[wasm_bindgen]
extern "C" {
    /// The global `queueMicrotask`: the job runs in the same microtask queue, in the same order, as
    /// a reaction to an already resolved promise would.
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(job: &JsValue);
}

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
    let shared = Rc::clone(shared);
    let job: Box<dyn FnOnce(JsValue)> = Box::new(move |_| run(&shared, task));
    queue_microtask(&Closure::once_into_js(job));
}

fn run(shared: &Shared, task: Task) {
    match task {
        Task::Pump => driver::pump(shared),
        Task::StartStorage => ownership::start(shared),
        Task::DriveFlush(id) => driver::drive_flush(shared, id),
        Task::Write => storage::write_next(shared),
        Task::Release(lifecycle) => drop(lifecycle),
    }
}
