//! The build without durable delivery (`--no-default-features`, the package's `lite` entry): stand-ins
//! with the interfaces of the durability modules, so the rest of the edge is the same in both builds.
//!
//! Events live in memory only. There is no persisted queue, no backlog claiming between tabs, no flush
//! on page hide and no `online` / `offline` gate: what is buffered when a page, worker or process ends
//! is lost, as with `persistence: "memory"` in the full build, and nothing is sent on page hide. A
//! requested `persistence` of `"indexeddb"` or `"localstorage"` falls back to memory with the counted
//! reason `"unavailable"` (`stats().persistenceFallback`), as it does in the full build where that
//! storage is missing.

/// The durable queue's stand-in: it persists nothing.
pub mod storage {
    use js_sys::Object;
    use wasm_bindgen::JsValue;

    use crate::core::events::ProducerEvent;
    use crate::core::name_map::NameMap;
    use crate::wasm::driver::Shared;
    use crate::wasm::dynamic::set;

    /// Where events are persisted; only [`Mode::Memory`] is ever in use in this build.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Mode {
        /// IndexedDB (unavailable in this build).
        IndexedDb,
        /// `localStorage` (unavailable in this build).
        LocalStorage,
        /// Memory only.
        Memory,
    }

    /// A queue that persists nothing and counts the fallbacks from a requested persistence.
    pub struct DurableQueue {
        fallbacks: NameMap,
    }

    impl DurableQueue {
        /// A queue that persists nothing.
        pub fn memory() -> DurableQueue {
            DurableQueue {
                fallbacks: NameMap::new(),
            }
        }

        /// The same as [`DurableQueue::memory`]: `mode` is always memory here.
        pub fn new(_mode: Mode, _scope: String, _tab_id: String) -> DurableQueue {
            DurableQueue::memory()
        }

        /// Always `false`: nothing is persisted.
        pub fn is_durable(&self) -> bool {
            false
        }

        /// Counts a fallback to memory under `reason`.
        pub fn count_fallback(&mut self, reason: &'static str) {
            self.fallbacks.add(reason, 1);
        }

        /// Nothing is persisted, so no event changes anything.
        pub fn on_event(&mut self, _event: &ProducerEvent) {}

        /// Nothing to stop.
        pub fn stop(&mut self) {}

        /// Adds the persistence figures of the full build to a `stats()` object: memory, nothing
        /// persisted, and the fallbacks counted.
        pub fn add_stats(&self, object: &Object) {
            set(object, "persistence", &JsValue::from_str("memory"));
            for name in ["persisted", "persistedBytes", "persistPending"] {
                set(object, name, &JsValue::from_f64(0.0));
            }
            let reasons = Object::new();
            for (reason, count) in self.fallbacks.iter() {
                set(&reasons, reason, &JsValue::from_f64(count as f64));
            }
            set(object, "persistenceFallback", &reasons);
        }
    }

    /// Memory, and `"unavailable"` when a persistence was requested.
    pub fn resolve_mode(requested: Option<Mode>, _auto: bool) -> (Mode, Option<&'static str>) {
        (Mode::Memory, requested.map(|_| "unavailable"))
    }

    /// Never called: no queue here is durable.
    pub fn record_put(_shared: &Shared, _id: &str, _partition_key: &str) {}

    /// Nothing to write.
    pub fn schedule_write(_shared: &Shared) {}

    /// Nothing to write.
    pub fn write_next(_shared: &Shared) {}
}

/// Tab ownership's stand-in: there is no stored backlog to own.
pub mod ownership {
    use crate::wasm::driver::Shared;

    /// Never called: storage is never started in this build.
    pub fn start(_shared: &Shared) {}
}

/// Page exit's stand-in: no request is handed off.
pub mod page_exit {
    use crate::core::producer::RequestId;
    use crate::wasm::driver::Edge;

    /// Nothing was handed off, so nothing changes.
    pub fn on_request_finished(_edge: &mut Edge, _id: RequestId) {}
}

/// The page lifecycle's stand-in: no listener.
pub mod lifecycle {
    use std::cell::RefCell;
    use std::rc::Weak;

    use crate::wasm::driver::Edge;

    /// No value of this type exists in this build.
    pub enum PageLifecycle {}

    impl Drop for PageLifecycle {
        fn drop(&mut self) {
            match *self {}
        }
    }

    impl PageLifecycle {
        /// Always `None`: this build listens for no page or network event.
        pub fn attach(_edge: Weak<RefCell<Edge>>) -> Option<PageLifecycle> {
            None
        }
    }
}

/// Connectivity's stand-in: the network state is not read.
pub mod connectivity {
    /// Always `None`: the core is never told the runtime is offline.
    pub fn navigator_online() -> Option<bool> {
        None
    }
}
