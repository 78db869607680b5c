//! Page lifecycle: when the page is hidden (`visibilitychange` to `hidden`) or left (`pagehide`,
//! dispatched at the Window), everything buffered is flushed at once, with `keepalive` requests and
//! the payload hashed synchronously so each `fetch` starts before the page can be frozen or unloaded.
//! A producer with persistence sends only what fits the keepalive budget instead and leaves the rest
//! stored ([`super::page_exit`]).
//!
//! Only where a global `document` exists (pages); workers and edge runtimes have no such events.
//! The listeners are removed when the producer is closed (or dropped).

use std::rc::Weak;

use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::driver::{self, Edge};
use super::dynamic::method;
use super::now_ms;

const EVENTS: [&str; 2] = ["visibilitychange", "pagehide"];

/// Listeners on the global `document` (and `pagehide` on the global object); removed on drop.
pub struct PageLifecycle {
    document: JsValue,
    listener: Closure<dyn FnMut(JsValue)>,
}

fn is_hidden(document: &JsValue) -> bool {
    Reflect::get(document, &JsValue::from_str("visibilityState"))
        .ok()
        .and_then(|state| state.as_string())
        .is_some_and(|state| state == "hidden")
}

impl PageLifecycle {
    /// Listens on the global `document`, if there is one; `None` elsewhere.
    pub fn attach(edge: Weak<std::cell::RefCell<Edge>>) -> Option<PageLifecycle> {
        let document = Reflect::get(&js_sys::global(), &JsValue::from_str("document")).ok()?;
        let add = method(&document, "addEventListener")?;
        let watched = document.clone();
        // Boxed: every listener shares one closure type (one shim in the `.wasm`).
        let listener: Box<dyn FnMut(JsValue)> = Box::new(move |event: JsValue| {
            let kind = Reflect::get(&event, &JsValue::from_str("type"))
                .ok()
                .and_then(|kind| kind.as_string());
            let leaving = kind.as_deref() == Some("pagehide") || is_hidden(&watched);
            let Some(shared) = edge.upgrade() else {
                return;
            };
            shared.borrow_mut().urgent = leaving;
            let durable = shared.borrow().durable.is_durable();
            if leaving && durable {
                super::page_exit::on_page_exit(&shared, kind.as_deref() == Some("pagehide"));
            } else if leaving {
                shared.borrow_mut().core.flush(now_ms());
                driver::pump(&shared);
            }
        });
        let listener = Closure::wrap(listener);
        for event in EVENTS {
            add.apply(
                &document,
                &js_sys::Array::of2(&JsValue::from_str(event), listener.as_ref().unchecked_ref()),
            )
            .ok()?;
        }
        let global: JsValue = js_sys::global().into();
        if let Some(add) = method(&global, "addEventListener") {
            let _ = add.apply(
                &global,
                &js_sys::Array::of2(
                    &JsValue::from_str("pagehide"),
                    listener.as_ref().unchecked_ref(),
                ),
            );
        }
        Some(PageLifecycle { document, listener })
    }
}

impl Drop for PageLifecycle {
    fn drop(&mut self) {
        let global: JsValue = js_sys::global().into();
        if let Some(remove) = method(&global, "removeEventListener") {
            let _ = remove.apply(
                &global,
                &js_sys::Array::of2(
                    &JsValue::from_str("pagehide"),
                    self.listener.as_ref().unchecked_ref(),
                ),
            );
        }
        if let Some(remove) = method(&self.document, "removeEventListener") {
            for event in EVENTS {
                let _ = remove.apply(
                    &self.document,
                    &js_sys::Array::of2(
                        &JsValue::from_str(event),
                        self.listener.as_ref().unchecked_ref(),
                    ),
                );
            }
        }
    }
}
