//! The offline gate: while the network is down, the producer sends one probe request at a time after
//! a growing backoff instead of retrying every record hot.
//!
//! The gate closes when the runtime says it is offline (`navigator.onLine` false, the `offline`
//! event) or when a request fails on the network. While closed, no request leaves except a probe at
//! [`OfflineGate::probe_at`]; a probe that fails on the network doubles the wait (from
//! [`FIRST_PROBE_MS`] up to [`MAX_PROBE_MS`], jittered between half and all of it). The gate opens at
//! once on the `online` event or when any HTTP response arrives (the network answered).

use crate::core::producer::RequestId;
use crate::core::rng::Rng;

/// Wait before the first probe after the gate closes.
pub const FIRST_PROBE_MS: u64 = 1_000;
/// Longest wait between two probes.
pub const MAX_PROBE_MS: u64 = 30_000;

/// Whether the network is believed reachable, and when to probe it if not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfflineGate {
    closed: Option<Closed>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Closed {
    probe_at_ms: u64,
    failed_probes: u32,
    probe: Option<RequestId>,
}

/// How many requests may start now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendPermit {
    /// The network is believed up: the usual in-flight limit applies.
    Open,
    /// Offline, and a probe is due: one request may start, and it is the probe.
    Probe,
    /// Offline and no probe is due.
    Closed,
}

impl OfflineGate {
    /// An open gate.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the gate is closed (the producer believes it is offline).
    pub fn is_offline(&self) -> bool {
        self.closed.is_some()
    }

    /// What may be sent at `now_ms`.
    pub fn permit(&self, now_ms: u64) -> SendPermit {
        match &self.closed {
            None => SendPermit::Open,
            Some(closed) if closed.probe.is_none() && now_ms >= closed.probe_at_ms => {
                SendPermit::Probe
            }
            Some(_) => SendPermit::Closed,
        }
    }

    /// When the next probe is due, while closed with no probe in flight.
    pub fn probe_at(&self) -> Option<u64> {
        self.closed
            .as_ref()
            .filter(|closed| closed.probe.is_none())
            .map(|closed| closed.probe_at_ms)
    }

    /// Records that request `id`, permitted by [`SendPermit::Probe`], is the probe.
    pub fn on_probe_sent(&mut self, id: RequestId) {
        if let Some(closed) = &mut self.closed {
            closed.probe = Some(id);
        }
    }

    /// The runtime reports the network state: `false` closes the gate (first probe after
    /// [`FIRST_PROBE_MS`]), `true` opens it at once.
    pub fn set_online(&mut self, online: bool, now_ms: u64, rng: &mut Rng) {
        if online {
            self.closed = None;
        } else if self.closed.is_none() {
            self.close(now_ms, rng);
        }
    }

    /// Request `id` failed on the network. Returns whether the gate was already closed when it
    /// failed (its records should then not count an attempt: it was the probe, or it was sent before
    /// the gate closed and failed for the same reason).
    pub fn on_network_error(&mut self, id: RequestId, now_ms: u64, rng: &mut Rng) -> bool {
        match &mut self.closed {
            None => {
                self.close(now_ms, rng);
                false
            }
            Some(closed) => {
                if closed.probe == Some(id) {
                    closed.probe = None;
                    closed.failed_probes = closed.failed_probes.saturating_add(1);
                    closed.probe_at_ms =
                        now_ms.saturating_add(probe_delay(closed.failed_probes, rng));
                }
                true
            }
        }
    }

    /// An HTTP response arrived (any status): the network is reachable.
    pub fn on_response(&mut self) {
        self.closed = None;
    }

    /// Request `id` ended without telling anything about the network (timeout, abort): if it was
    /// the probe, probe again after the current wait.
    pub fn on_request_ended(&mut self, id: RequestId, now_ms: u64, rng: &mut Rng) {
        if let Some(closed) = &mut self.closed {
            if closed.probe == Some(id) {
                closed.probe = None;
                closed.probe_at_ms = now_ms.saturating_add(probe_delay(closed.failed_probes, rng));
            }
        }
    }

    fn close(&mut self, now_ms: u64, rng: &mut Rng) {
        self.closed = Some(Closed {
            probe_at_ms: now_ms.saturating_add(probe_delay(0, rng)),
            failed_probes: 0,
            probe: None,
        });
    }
}

/// The wait before the next probe after `failed_probes` failed ones: `FIRST_PROBE_MS · 2^n` capped at
/// `MAX_PROBE_MS`, uniformly between half of it and all of it.
pub fn probe_delay(failed_probes: u32, rng: &mut Rng) -> u64 {
    let ceiling = FIRST_PROBE_MS
        .saturating_mul(1u64 << failed_probes.min(20))
        .min(MAX_PROBE_MS);
    let half = ceiling / 2;
    half + rng.below_inclusive(ceiling - half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_allows_only_one_probe_after_the_backoff() {
        let mut rng = Rng::new(1);
        let mut gate = OfflineGate::new();
        assert_eq!(gate.permit(0), SendPermit::Open);
        gate.set_online(false, 1_000, &mut rng);
        let probe_at = gate.probe_at().unwrap();
        assert!((1_500..=2_000).contains(&probe_at), "{probe_at}");
        assert_eq!(gate.permit(probe_at - 1), SendPermit::Closed);
        assert_eq!(gate.permit(probe_at), SendPermit::Probe);
        gate.on_probe_sent(RequestId(9));
        assert_eq!(gate.permit(probe_at + 10_000), SendPermit::Closed);
        assert!(gate.on_network_error(RequestId(9), probe_at + 5, &mut rng));
        let next = gate.probe_at().unwrap();
        assert!(
            (probe_at + 5 + 1_000..=probe_at + 5 + 2_000).contains(&next),
            "{next}"
        );
    }

    #[test]
    fn probe_waits_double_up_to_the_cap() {
        let mut rng = Rng::new(7);
        for failed in 0..40 {
            let ceiling = (FIRST_PROBE_MS << failed.min(20)).min(MAX_PROBE_MS);
            for _ in 0..50 {
                let delay = probe_delay(failed, &mut rng);
                assert!(
                    delay >= ceiling / 2 && delay <= ceiling,
                    "{failed}: {delay}"
                );
            }
        }
    }

    #[test]
    fn a_network_error_closes_and_a_response_or_online_opens() {
        let mut rng = Rng::new(3);
        let mut gate = OfflineGate::new();
        assert!(!gate.on_network_error(RequestId(1), 10, &mut rng));
        assert!(gate.is_offline());
        let probe_at = gate.probe_at();
        assert!(gate.on_network_error(RequestId(2), 11, &mut rng));
        assert_eq!(
            gate.probe_at(),
            probe_at,
            "a non-probe failure keeps the wait"
        );
        gate.on_response();
        assert_eq!(gate.permit(12), SendPermit::Open);
        gate.set_online(false, 20, &mut rng);
        gate.set_online(true, 21, &mut rng);
        assert_eq!(gate.permit(21), SendPermit::Open);
    }

    #[test]
    fn an_abandoned_probe_is_probed_again() {
        let mut rng = Rng::new(5);
        let mut gate = OfflineGate::new();
        gate.set_online(false, 0, &mut rng);
        let at = gate.probe_at().unwrap();
        gate.on_probe_sent(RequestId(4));
        assert_eq!(gate.probe_at(), None);
        gate.on_request_ended(RequestId(3), at + 1, &mut rng);
        assert_eq!(gate.probe_at(), None, "not the probe");
        gate.on_request_ended(RequestId(4), at + 1, &mut rng);
        assert!(gate.probe_at().unwrap() > at);
    }
}
