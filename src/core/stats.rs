//! Counters the producer keeps and the snapshot `stats()` returns.

use crate::core::name_map::NameMap;

/// A snapshot of the producer's state and lifetime counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Records held and not in flight (waiting, or backing off).
    pub buffered_records: usize,
    /// Key plus data bytes of those records.
    pub buffered_bytes: usize,
    /// Requests sent and not yet answered.
    pub in_flight_requests: usize,
    /// Records in those requests.
    pub in_flight_records: usize,
    /// Key plus data bytes in those requests.
    pub in_flight_bytes: usize,
    /// Records Kinesis acknowledged.
    pub sent: u64,
    /// Record resends scheduled after a failure.
    pub retried: u64,
    /// Records finally failed, by AWS error name (or by the stable code when there is none).
    pub failed: NameMap,
    /// Records dropped unsent, by reason (`overflow`).
    pub dropped: NameMap,
    /// Puts rejected with `BufferFull`.
    pub rejected: u64,
    /// PutRecords requests sent.
    pub requests: u64,
    /// Age of the oldest held record (buffered or in flight), when there is one.
    pub oldest_age_ms: Option<u64>,
    /// Whether a non-retryable error has paused sending.
    pub paused: bool,
    /// Whether the offline gate is closed (no request but a probe leaves).
    pub offline: bool,
    /// Records restored from durable storage (put by an earlier page or another tab).
    pub recovered: u64,
}

impl Stats {
    /// All finally failed records.
    pub fn failed_total(&self) -> u64 {
        self.failed.total()
    }

    /// All dropped records.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.total()
    }
}

/// The producer's lifetime counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// See [`Stats::sent`].
    pub sent: u64,
    /// See [`Stats::retried`].
    pub retried: u64,
    /// See [`Stats::failed`].
    pub failed: NameMap,
    /// See [`Stats::dropped`].
    pub dropped: NameMap,
    /// See [`Stats::rejected`].
    pub rejected: u64,
    /// See [`Stats::requests`].
    pub requests: u64,
    /// See [`Stats::recovered`].
    pub recovered: u64,
}

impl Counters {
    /// Adds `count` failures under `code`.
    pub fn count_failed(&mut self, code: &str, count: u64) {
        self.failed.add(code, count);
    }

    /// Adds `count` drops under `reason`.
    pub fn count_dropped(&mut self, reason: &str, count: u64) {
        self.dropped.add(reason, count);
    }
}
