//! The producer's single wake-up timer over the global `setTimeout` (via `gloo-timers`).
//!
//! At most one timeout is pending per [`WakeTimer`]: scheduling a new deadline replaces the old one,
//! and [`WakeTimer::cancel`] (or dropping it) clears it, so an idle or closed producer leaves no timer
//! behind (which would keep a Node process alive).

use gloo_timers::callback::Timeout;

/// The longest delay `setTimeout` honours (2^31 - 1 ms); longer waits wake early and re-poll.
pub const MAX_DELAY_MS: u64 = i32::MAX as u64;

/// One pending wake-up at an absolute time, or none.
#[derive(Debug, Default)]
pub struct WakeTimer {
    pending: Option<(u64, Timeout)>,
}

impl WakeTimer {
    /// A timer with nothing scheduled.
    pub fn new() -> Self {
        WakeTimer { pending: None }
    }

    /// Runs `wake` at `deadline_ms` (ms since the epoch, compared with `now_ms`), replacing any other
    /// pending wake-up. An unchanged deadline keeps the pending timeout and drops `wake`.
    pub fn schedule_at(&mut self, deadline_ms: u64, now_ms: u64, wake: impl FnOnce() + 'static) {
        if matches!(self.pending, Some((at, _)) if at == deadline_ms) {
            return;
        }
        let delay = deadline_ms.saturating_sub(now_ms).min(MAX_DELAY_MS);
        // The delay is at most i32::MAX, so it fits u32.
        let timeout = Timeout::new(delay as u32, wake);
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
