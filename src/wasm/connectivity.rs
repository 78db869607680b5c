//! The runtime's network state: `navigator.onLine` at start and the global `online` / `offline`
//! events (pages and workers; [`super::lifecycle`] listens), passed to the core's offline gate.
//! Offline, the core sends only a probe after a growing backoff; `online` resumes sending at once.

use super::driver::{self, Shared};
use super::dynamic::{get, global};
use super::now_ms;
use wasm_bindgen::JsValue;

/// `navigator.onLine`, when the runtime reports it (a boolean).
pub fn navigator_online() -> Option<bool> {
    // Compared with `true` / `false` (the equality binding the edge has anyway) instead of a
    // boolean-reading binding used only here.
    let online = get(&global("navigator")?, "onLine");
    if online == JsValue::TRUE {
        Some(true)
    } else if online == JsValue::FALSE {
        Some(false)
    } else {
        None
    }
}

/// Passes an `online` (`true`) or `offline` event to the core and wakes the driver.
pub fn on_network_change(shared: &Shared, online: bool) {
    {
        let mut edge = shared.borrow_mut();
        edge.core.set_online(online, now_ms());
        edge.logger.info(if online {
            "the network is back: sending resumes"
        } else {
            "the network is gone: sending waits for it"
        });
    }
    driver::schedule_pump(shared);
}
