//! What the producer reports to its caller (for `onError`, `onFlush` and a persistence layer).

use crate::core::error::ErrorCode;
use crate::core::event_id::EventId;
use crate::core::flush::{FlushId, FlushReport};
use crate::core::producer::RequestId;
use crate::core::retry::GiveUp;

/// Why records were dropped without being sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DropReason {
    /// The buffer was full and the overflow policy is drop-oldest.
    Overflow,
}

impl DropReason {
    /// The stable name used as the key of `Stats::dropped`.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Overflow => "overflow",
        }
    }
}

/// One thing that happened, drained with `Producer::drain_events`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProducerEvent {
    /// Kinesis accepted these records (all of them were in request `request`).
    BatchDelivered {
        /// The request that carried them.
        request: RequestId,
        /// Their event ids, in request order.
        ids: Vec<EventId>,
    },
    /// These records will not be sent again; they share the same last error.
    RecordsFailed {
        /// Their event ids.
        ids: Vec<EventId>,
        /// The stable code of the last error (`RecordExpired` when never sent).
        code: ErrorCode,
        /// The AWS error name of the last error, when there was one.
        aws_error: Option<String>,
        /// The last error's message.
        message: String,
        /// Which limit made the producer give up.
        reason: GiveUp,
    },
    /// These records were dropped from the buffer before being sent.
    RecordsDropped {
        /// Their event ids.
        ids: Vec<EventId>,
        /// Why.
        reason: DropReason,
    },
    /// A non-retryable error paused sending; records are kept. Reported once per pause.
    Paused {
        /// The AWS error name.
        aws_error: Option<String>,
        /// The AWS message.
        message: String,
    },
    /// Sending resumed after a pause (a probe was accepted, or `resume` was called).
    Resumed,
    /// A flush finished (see `Producer::flush_report`).
    FlushCompleted {
        /// Which flush.
        id: FlushId,
        /// Its outcome.
        report: FlushReport,
    },
}
