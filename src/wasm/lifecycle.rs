//! The producer's one event listener, for page lifecycle and network events.
//!
//! Page lifecycle: when the page is hidden (`visibilitychange` to `hidden`) or left (`pagehide`,
//! dispatched at the Window), everything buffered is flushed at once, with `keepalive` requests and
//! the payload hashed synchronously so each `fetch` starts before the page can be frozen or unloaded.
//! A producer with persistence sends only what fits the keepalive budget instead and leaves the rest
//! stored ([`super::page_exit`]). Only where a global `document` exists (pages); workers and edge
//! runtimes have no such events.
//!
//! Network: the global `online` / `offline` events where the runtime reports `navigator.onLine`
//! (pages and workers), handled by [`super::connectivity`].
//!
//! One closure serves every event; `js/page.js` registers it where the runtime has these events and
//! passes it each event as a number. The listeners are removed when the producer is closed (or
//! dropped).

use std::rc::Weak;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use super::connectivity;
use super::driver::{self, Edge};
use super::now_ms;

#[wasm_bindgen(module = "/src/wasm/js/page.js")]
extern "C" {
    #[wasm_bindgen(js_name = pageEvents)]
    fn page_events(listener: &JsValue, registered: &JsValue, add: bool) -> JsValue;
}

/// The number `js/page.js` passes for `pagehide`; 3 is `visibilitychange` to hidden, 2 to visible,
/// 1 `online`, 0 `offline`.
const PAGEHIDE: u8 = 4;

/// The producer's event listener and where it is registered; removed on drop.
pub struct PageLifecycle {
    registered: JsValue,
    listener: Closure<dyn FnMut(JsValue)>,
}

impl PageLifecycle {
    /// Listens for page events on the global `document` and `pagehide` on the global object (pages),
    /// and for `online` / `offline` on the global object where `navigator.onLine` exists; `None`
    /// when the runtime has none of these.
    pub fn attach(edge: Weak<std::cell::RefCell<Edge>>) -> Option<PageLifecycle> {
        let listener: Box<dyn FnMut(JsValue)> = Box::new(move |event: JsValue| {
            let Some(shared) = edge.upgrade() else {
                return;
            };
            let event = event.as_f64().unwrap_or(0.0) as u8;
            if event < 2 {
                connectivity::on_network_change(&shared, event == 1);
                return;
            }
            let leaving = event > 2;
            shared.borrow_mut().urgent = leaving;
            let durable = shared.borrow().durable.is_durable();
            if leaving && durable {
                super::page_exit::on_page_exit(&shared, event == PAGEHIDE);
            } else if leaving {
                shared.borrow_mut().core.flush(now_ms());
                driver::pump(&shared);
            }
        });
        let listener = Closure::wrap(listener);
        let registered = page_events(listener.as_ref(), &JsValue::UNDEFINED, true);
        if registered.is_undefined() {
            return None;
        }
        Some(PageLifecycle {
            registered,
            listener,
        })
    }
}

impl Drop for PageLifecycle {
    fn drop(&mut self) {
        page_events(self.listener.as_ref(), &self.registered, false);
    }
}
