//! Flush bookkeeping: which records each `flush()` waits for and how they ended.
//!
//! A flush covers every record put before it (put order `seq` below its mark). It completes when each
//! of them is acknowledged, finally failed or dropped — or when sending is paused with nothing in
//! flight, in which case the records it still waits for are reported as `pending`. Because a later
//! flush covers every record an earlier one does, flushes complete in the order they were requested.

/// Identifies one `flush()` or `close()` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlushId(pub u64);

/// How the records covered by a flush ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlushReport {
    /// Acknowledged by Kinesis.
    pub sent: u64,
    /// Finally failed (reported through `RecordsFailed`).
    pub failed: u64,
    /// Dropped by the overflow policy.
    pub dropped: u64,
    /// Resends of covered records that happened while the flush was open.
    pub retried: u64,
    /// Still held because sending is paused.
    pub pending: u64,
}

/// How a record left the producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Acknowledged.
    Sent,
    /// Finally failed.
    Failed,
    /// Dropped.
    Dropped,
}

#[derive(Clone, Copy, Debug)]
struct OpenFlush {
    id: FlushId,
    mark: u64,
    outstanding: u64,
    report: FlushReport,
}

/// Removes the first element of `items` (if any) by moving the others down: for `Copy` elements, no
/// `Vec::remove` in the `.wasm`.
pub(crate) fn remove_first<T: Copy>(items: &mut Vec<T>) {
    if !items.is_empty() {
        items.copy_within(1.., 0);
        items.pop();
    }
}

/// Completed reports kept for `flush_report`; older completed flushes read as an all-zero report.
pub const RETAINED_FLUSH_REPORTS: usize = 1024;

/// Open and recently completed flushes.
#[derive(Clone, Debug, Default)]
pub struct FlushTracker {
    open: Vec<OpenFlush>,
    completed: Vec<(FlushId, FlushReport)>,
    next_id: u64,
    due_mark: u64,
}

impl FlushTracker {
    /// No flush yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a flush covering records with `seq < next_seq`, of which `held` are still held. A flush
    /// requested with no put since the previous open one shares its id.
    pub fn request(&mut self, next_seq: u64, held: u64) -> FlushId {
        self.due_mark = self.due_mark.max(next_seq);
        if let Some(last) = self.open.last() {
            if last.mark == next_seq {
                return last.id;
            }
        }
        let id = FlushId(self.next_id);
        self.next_id += 1;
        self.open.push(OpenFlush {
            id,
            mark: next_seq,
            outstanding: held,
            report: FlushReport::default(),
        });
        id
    }

    /// Records with `seq` below this are due now (a flush asked for them).
    pub fn due_mark(&self) -> u64 {
        self.due_mark
    }

    /// Counts the end of the record with `seq` in every open flush that covers it.
    pub fn on_resolved(&mut self, seq: u64, resolution: Resolution) {
        for flush in self.open.iter_mut().rev() {
            if flush.mark <= seq {
                break;
            }
            flush.outstanding = flush.outstanding.saturating_sub(1);
            match resolution {
                Resolution::Sent => flush.report.sent += 1,
                Resolution::Failed => flush.report.failed += 1,
                Resolution::Dropped => flush.report.dropped += 1,
            }
        }
    }

    /// Counts a resend of the record with `seq` in every open flush that covers it.
    pub fn on_retried(&mut self, seq: u64) {
        for flush in self.open.iter_mut().rev() {
            if flush.mark <= seq {
                break;
            }
            flush.report.retried += 1;
        }
    }

    /// Completes the oldest open flush if it has nothing outstanding (or any open one when
    /// `held_by_pause`) and returns it; call until `None` to complete them in order.
    pub fn complete_next(&mut self, held_by_pause: bool) -> Option<(FlushId, FlushReport)> {
        let mut flush = *self.open.first()?;
        if flush.outstanding > 0 && !held_by_pause {
            return None;
        }
        remove_first(&mut self.open);
        flush.report.pending = flush.outstanding;
        self.completed.push((flush.id, flush.report));
        if self.completed.len() > RETAINED_FLUSH_REPORTS {
            remove_first(&mut self.completed);
        }
        Some((flush.id, flush.report))
    }

    /// The report of a completed flush; `None` while it is open or for an id never issued.
    pub fn report(&self, id: FlushId) -> Option<FlushReport> {
        if id.0 >= self.next_id || self.open.iter().any(|flush| flush.id == id) {
            return None;
        }
        match self.completed.binary_search_by_key(&id, |(done, _)| *done) {
            Ok(at) => Some(self.completed[at].1),
            Err(_) => Some(FlushReport::default()),
        }
    }

    /// Whether any flush is still open.
    pub fn has_open(&self) -> bool {
        !self.open.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_reports_of_the_last_retained_flushes_in_order() {
        let mut tracker = FlushTracker::new();
        let total = RETAINED_FLUSH_REPORTS as u64 + 3;
        for seq in 0..total {
            let id = tracker.request(seq + 1, 1);
            assert_eq!(tracker.report(id), None);
            tracker.on_resolved(seq, Resolution::Sent);
            let done = tracker
                .complete_next(false)
                .map(|(id, report)| (id, report.sent));
            assert_eq!(done, Some((id, 1)));
            assert_eq!(tracker.complete_next(false), None);
        }
        for id in 0..total {
            let sent = tracker.report(FlushId(id)).map(|report| report.sent);
            assert_eq!(sent, Some(u64::from(id >= 3)), "flush {id}");
        }
        assert_eq!(tracker.report(FlushId(total)), None);
    }

    #[test]
    fn a_pause_completes_every_open_flush_with_its_pending_count() {
        let mut tracker = FlushTracker::new();
        let first = tracker.request(2, 2);
        let second = tracker.request(3, 3);
        tracker.on_resolved(0, Resolution::Failed);
        assert_eq!(tracker.complete_next(false), None);
        let pending: Vec<(FlushId, u64, u64)> = std::iter::from_fn(|| tracker.complete_next(true))
            .map(|(id, report)| (id, report.failed, report.pending))
            .collect();
        assert_eq!(pending, vec![(first, 1, 1), (second, 1, 2)]);
        assert!(!tracker.has_open());
    }
}
