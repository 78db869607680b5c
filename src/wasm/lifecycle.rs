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
//! One closure serves every event (one listener object, one registration list); the listeners are
//! removed when the producer is closed (or dropped).

use std::rc::Weak;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::connectivity;
use super::driver::{self, Edge};
use super::dynamic::{call, get, global};
use super::now_ms;

/// The producer's event listener and where it is registered; removed on drop.
pub struct PageLifecycle {
    registrations: Vec<(JsValue, &'static str)>,
    listener: Closure<dyn FnMut(JsValue)>,
}

fn is_hidden(document: &JsValue) -> bool {
    get(document, "visibilityState").as_string().as_deref() == Some("hidden")
}

fn listens(target: &JsValue) -> bool {
    get(target, "addEventListener").is_function()
}

impl PageLifecycle {
    /// Listens for page events on the global `document` and `pagehide` on the global object (pages),
    /// and for `online` / `offline` on the global object where `navigator.onLine` exists; `None`
    /// when the runtime has none of these.
    pub fn attach(edge: Weak<std::cell::RefCell<Edge>>) -> Option<PageLifecycle> {
        let global_object = super::dynamic::global_object();
        let mut registrations = Vec::new();
        let document = global("document").filter(listens);
        if let Some(document) = &document {
            registrations.push((document.clone(), "visibilitychange"));
            registrations.push((document.clone(), "pagehide"));
            if listens(&global_object) {
                registrations.push((global_object.clone(), "pagehide"));
            }
        }
        if listens(&global_object) && connectivity::navigator_online().is_some() {
            for event in connectivity::EVENTS {
                registrations.push((global_object.clone(), event));
            }
        }
        if registrations.is_empty() {
            return None;
        }
        let listener: Box<dyn FnMut(JsValue)> = Box::new(move |event: JsValue| {
            let kind = get(&event, "type").as_string();
            let Some(shared) = edge.upgrade() else {
                return;
            };
            if let Some(kind @ ("online" | "offline")) = kind.as_deref() {
                connectivity::on_network_change(&shared, kind == "online");
                return;
            }
            let pagehide = kind.as_deref() == Some("pagehide");
            let leaving = pagehide || document.as_ref().is_some_and(is_hidden);
            shared.borrow_mut().urgent = leaving;
            let durable = shared.borrow().durable.is_durable();
            if leaving && durable {
                super::page_exit::on_page_exit(&shared, pagehide);
            } else if leaving {
                shared.borrow_mut().core.flush(now_ms());
                driver::pump(&shared);
            }
        });
        let lifecycle = PageLifecycle {
            registrations,
            listener: Closure::wrap(listener),
        };
        lifecycle.each("addEventListener");
        Some(lifecycle)
    }

    /// Calls `target[method](event, listener)` for every registration.
    fn each(&self, method: &str) {
        for (target, event) in &self.registrations {
            let _ = call(
                target,
                method,
                &[
                    &JsValue::from_str(event),
                    self.listener.as_ref().unchecked_ref(),
                ],
            );
        }
    }
}

impl Drop for PageLifecycle {
    fn drop(&mut self) {
        self.each("removeEventListener");
    }
}
