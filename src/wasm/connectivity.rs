//! The runtime's network state: `navigator.onLine` at start and the global `online` / `offline`
//! events (pages and workers), passed to the core's offline gate. Offline, the core sends only a
//! probe after a growing backoff; `online` resumes sending at once.

use std::rc::Weak;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::driver::{self, Edge};
use super::dynamic::{call, get, global};
use super::now_ms;

const EVENTS: [&str; 2] = ["online", "offline"];

/// `navigator.onLine`, when the runtime reports it.
pub fn navigator_online() -> Option<bool> {
    get(&global("navigator")?, "onLine").as_bool()
}

/// The `online`/`offline` listeners on the global object; removed on drop.
pub struct Connectivity {
    target: JsValue,
    listener: Closure<dyn FnMut(JsValue)>,
}

impl std::fmt::Debug for Connectivity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connectivity")
    }
}

impl Connectivity {
    /// Listens on `globalThis` when it is an event target with these events; `None` elsewhere.
    pub fn attach(edge: Weak<std::cell::RefCell<Edge>>) -> Option<Connectivity> {
        let target = js_sys::global().into();
        if !get(&target, "addEventListener").is_function() || navigator_online().is_none() {
            return None;
        }
        // Boxed: every listener shares one closure type (one shim in the `.wasm`).
        let listener: Box<dyn FnMut(JsValue)> = Box::new(move |event: JsValue| {
            let online = get(&event, "type").as_string().as_deref() == Some("online");
            let Some(shared) = edge.upgrade() else {
                return;
            };
            {
                let mut edge = shared.borrow_mut();
                edge.core.set_online(online, now_ms());
                edge.logger.info(if online {
                    "the network is back: sending resumes"
                } else {
                    "the network is gone: sending waits for it"
                });
            }
            driver::schedule_pump(&shared);
        });
        let listener = Closure::wrap(listener);
        for event in EVENTS {
            call(
                &target,
                "addEventListener",
                &[&JsValue::from_str(event), listener.as_ref().unchecked_ref()],
            )
            .ok()?;
        }
        Some(Connectivity { target, listener })
    }
}

impl Drop for Connectivity {
    fn drop(&mut self) {
        for event in EVENTS {
            let _ = call(
                &self.target,
                "removeEventListener",
                &[
                    &JsValue::from_str(event),
                    self.listener.as_ref().unchecked_ref(),
                ],
            );
        }
    }
}
