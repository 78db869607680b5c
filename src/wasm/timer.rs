//! The producer's timers over the global `setTimeout` / `setInterval`.
//!
//! [`JsTimer`] is one pending callback, cleared when dropped. At most one wake-up is pending per
//! [`WakeTimer`]: scheduling a new deadline replaces the old one, and [`WakeTimer::cancel`] (or
//! dropping it) clears it, so an idle or closed producer leaves no timer behind (which would keep a
//! Node process alive).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, delay_ms: u32) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(callback: &JsValue, period_ms: u32) -> JsValue;

    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(id: &JsValue);
}

/// The longest delay `setTimeout` honours (2^31 - 1 ms); longer waits wake early and re-poll.
pub const MAX_DELAY_MS: u64 = i32::MAX as u64;

/// A callback pending on the global `setTimeout` or `setInterval`; cleared when dropped. All timers
/// share one closure type with the event listeners (a boxed `FnMut(JsValue)`, the argument unused),
/// so the `.wasm` and its glue hold one closure shim for them all.
pub struct JsTimer {
    id: JsValue,
    /// `clearTimeout` or `clearInterval`, whichever matches how it was started.
    clear: fn(&JsValue),
    _callback: Closure<dyn FnMut(JsValue)>,
}

impl std::fmt::Debug for JsTimer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsTimer")
    }
}

impl JsTimer {
    /// Runs `callback` every `period_ms`.
    pub fn every(period_ms: u32, mut callback: Box<dyn FnMut()>) -> JsTimer {
        let callback = Closure::wrap(Box::new(move |_: JsValue| callback()) as Box<dyn FnMut(_)>);
        JsTimer {
            id: set_interval(callback.as_ref(), period_ms),
            clear: clear_interval,
            _callback: callback,
        }
    }

    /// Runs `callback` (with an unused argument) once after `delay_ms`.
    fn once(delay_ms: u32, callback: Box<dyn FnMut(JsValue)>) -> JsTimer {
        let callback = Closure::wrap(callback);
        JsTimer {
            id: set_timeout(callback.as_ref(), delay_ms),
            clear: clear_timeout,
            _callback: callback,
        }
    }
}

impl Drop for JsTimer {
    fn drop(&mut self) {
        (self.clear)(&self.id);
    }
}

/// One pending wake-up at an absolute time, or none.
#[derive(Debug, Default)]
pub struct WakeTimer {
    pending: Option<(u64, JsTimer)>,
}

impl WakeTimer {
    /// A timer with nothing scheduled.
    pub fn new() -> Self {
        WakeTimer { pending: None }
    }

    /// Runs `wake` (with an unused argument) at `deadline_ms` (ms since the epoch, compared with
    /// `now_ms`), replacing any other pending wake-up. An unchanged deadline keeps the pending
    /// timeout and drops `wake`. It runs once: `setTimeout` fires once.
    pub fn schedule_at(&mut self, deadline_ms: u64, now_ms: u64, wake: Box<dyn FnMut(JsValue)>) {
        if matches!(self.pending, Some((at, _)) if at == deadline_ms) {
            return;
        }
        let delay = deadline_ms.saturating_sub(now_ms).min(MAX_DELAY_MS);
        // The delay is at most i32::MAX, so it fits u32.
        let timeout = JsTimer::once(delay as u32, wake);
        self.pending = Some((deadline_ms, timeout));
    }

    /// The deadline of the pending wake-up, if any.
    pub fn deadline(&self) -> Option<u64> {
        self.pending.as_ref().map(|(at, _)| *at)
    }

    /// Clears the pending wake-up, if any. After a wake-up fired this just frees it; call it from a
    /// task spawned by `wake`, not from inside `wake` itself.
    pub fn cancel(&mut self) {
        self.pending = None;
    }
}
