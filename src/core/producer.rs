//! The producer state machine: put → buffer → batch → request → response → ack, retry, pause or fail.
//!
//! Sans-IO: the caller passes the time in, sends the [`OutgoingRequest`]s that [`Producer::poll`]
//! returns, and hands back each response or transport error.
//!
//! # When a batch is sent
//! `poll` sends while fewer than `maxInFlight` requests are in flight and a batch is due: a full batch
//! (`maxBatchRecords` records or `maxBatchBytes` bytes ready) at once; otherwise when the oldest ready
//! record is `flushIntervalMs` old, or at once when a `flush()`/`close()` covers it. A retried record is
//! ready again when its backoff ends and due by the same rules (its age is usually past the interval).
//!
//! # Order kept
//! Records of one partition key are never in two in-flight requests at once, and are sent in put
//! order: a request holds the oldest unacknowledged records of each of its keys, in put order, and a
//! record that must be resent goes back before every newer record of its key. The one reordering left
//! is the one Kinesis itself causes: when it fails some records of a request and accepts later records
//! of the same key in that same request, the failed ones are resent after the accepted ones landed.
//! Across different keys, batches take records oldest first, but no order is promised.
//!
//! # Attempts, TTL and pauses
//! Each send counts one attempt. A record that fails retryably is resent after a full-jitter backoff
//! until it was sent `maxAttempts` times or `recordTtlMs` passed since its put; then it is reported in
//! `RecordsFailed` with its last error. A resend after `ExpiredTokenException` or a clock-skew error
//! happens at once and does not count, unless the previous failure of that record was one too (so a
//! caller that cannot fix credentials still reaches `maxAttempts`). A non-retryable error (e.g.
//! `ResourceNotFoundException`) pauses sending: records are kept (the send does not count), `Paused` is
//! reported once, and after `pausedRetryMs` one probe request is sent; the pause ends when a probe is
//! accepted (`Resumed`) or on `resume()`; any other probe outcome waits `pausedRetryMs` again. Records
//! still expire by TTL while paused. A 200 response that breaks the protocol (bad JSON, count
//! mismatch) is resent like a retryable error (Kinesis may have stored some records: at least once).
//!
//! # Offline
//! A network error, or `set_online(false)`, closes the offline gate ([`crate::core::offline`]): no
//! request leaves but one probe after a growing backoff, and network errors while the gate is closed
//! do not count attempts. Any HTTP response or `set_online(true)` opens it again at once. Durable
//! delivery (restoring persisted records, the keepalive request at page exit) is in `durable`.

use crate::core::decimal::Decimal;
use crate::core::text::text;
use std::sync::Arc;

use crate::core::config::{OverflowPolicy, ProducerConfig};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::event_id::{EventId, EventIdGenerator};
use crate::core::events::DropReason;
pub use crate::core::events::ProducerEvent;
pub use crate::core::flush::{FlushId, FlushReport};
use crate::core::flush::{FlushTracker, Resolution};
use crate::core::offline::{OfflineGate, SendPermit};
use crate::core::queue::{key_hash, QueuedRecord, RecordQueue};
use crate::core::record::{PutOptions, Record};
use crate::core::retry::{classify, give_up, Backoff, Classification, Failure, GiveUp};
use crate::core::rng::Rng;
use crate::core::stats::Counters;
pub use crate::core::stats::Stats;
use crate::core::wire::{
    decode_error_body, decode_put_records_response, encode_put_records, RecordResult,
};

/// Identifies one request handed out by `poll`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// A PutRecords request to send: the JSON body (not yet signed) and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingRequest {
    /// Pass it back to `on_response` or `on_transport_error`.
    pub id: RequestId,
    /// The PutRecords JSON body.
    pub body: Vec<u8>,
    /// Records in the body.
    pub record_count: usize,
    /// Partition key plus data bytes in the body.
    pub payload_bytes: usize,
}

/// What the caller should do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Sign and send this request, then call `poll` again.
    Send(OutgoingRequest),
    /// Nothing to send now; call `poll` again at this time (ms since the Unix epoch) or after the next
    /// put, response or flush, whichever comes first.
    WaitUntil(u64),
    /// Nothing to do until the next put, response or flush.
    Idle,
}

/// An HTTP response to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The body bytes.
    pub body: &'a [u8],
}

/// Why no response arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransportErrorKind {
    /// The request could not be sent or the connection broke (includes CORS failures).
    Network,
    /// No response within the caller's timeout.
    Timeout,
    /// The caller aborted the request (e.g. page unload).
    Aborted,
}

/// What `on_response` made of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseOutcome {
    /// Every record was accepted.
    Delivered,
    /// Some records were accepted; the others are being retried or finally failed.
    PartiallyFailed,
    /// The whole request failed retryably; its records back off and are resent.
    Retrying,
    /// Credentials expired: the records are queued for resend at once; refresh credentials before the
    /// next `poll`.
    RefreshCredentials,
    /// The signature was rejected for clock skew: the records are queued for resend at once; correct
    /// the clock from the response `Date` header before the next `poll`.
    CorrectClock,
    /// A non-retryable error paused sending; the records are kept.
    Paused,
    /// The response broke the PutRecords protocol (or answered an unknown request id, which changes
    /// nothing); the records are resent like after a retryable error.
    ProtocolError,
}

#[derive(Debug)]
struct InFlight {
    id: RequestId,
    records: Vec<QueuedRecord>,
    bytes: usize,
}

#[derive(Debug)]
struct Pause {
    until_ms: u64,
    probe: Option<RequestId>,
    failure: Arc<Failure>,
}

/// How a failed record is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Retry {
    /// Counts an attempt and backs off.
    Counted,
    /// Resent at once without counting (credentials or clock fixed), unless the last one was free.
    Free,
    /// Kept during a pause without counting.
    Hold,
}

/// The failed records of one request, sorted by [`Producer::settle_one`].
#[derive(Default)]
struct Settlement {
    /// Records to send again, in request order.
    requeue: Vec<QueuedRecord>,
    /// Records that will not be sent again, and why.
    failed: Vec<(QueuedRecord, GiveUp)>,
    /// The highest retry number among the requeued records whose attempt counted.
    backoff_retry: Option<u32>,
}

impl Settlement {
    fn is_empty(&self) -> bool {
        self.requeue.is_empty() && self.failed.is_empty()
    }
}

/// The sans-IO Kinesis producer (see the module docs for the rules it keeps).
#[derive(Debug)]
pub struct Producer {
    config: ProducerConfig,
    backoff: Backoff,
    rng: Rng,
    ids: EventIdGenerator,
    queue: RecordQueue,
    in_flight: Vec<InFlight>,
    in_flight_records: usize,
    in_flight_bytes: usize,
    next_seq: u64,
    next_request: u64,
    last_put_ms: u64,
    closed: bool,
    pause: Option<Pause>,
    flushes: FlushTracker,
    counters: Counters,
    events: Vec<ProducerEvent>,
    offline: OfflineGate,
}

mod durable;

impl Producer {
    /// A producer for `config` (validated first) whose randomness comes from `random_seed`.
    pub fn new(config: ProducerConfig, random_seed: u64) -> Result<Producer> {
        config.validate()?;
        Ok(Producer {
            backoff: Backoff {
                base_ms: config.retry_base_ms,
                max_ms: config.retry_max_ms,
            },
            config,
            rng: Rng::new(random_seed),
            ids: EventIdGenerator::new(),
            queue: RecordQueue::new(),
            in_flight: Vec::new(),
            in_flight_records: 0,
            in_flight_bytes: 0,
            next_seq: 0,
            next_request: 0,
            last_put_ms: 0,
            closed: false,
            pause: None,
            flushes: FlushTracker::new(),
            counters: Counters::default(),
            events: Vec::new(),
            offline: OfflineGate::new(),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }

    /// Validates and buffers one event; returns its UUIDv7 id. Never buffers a rejected event.
    ///
    /// Errors: `Closed` after `close`; `InvalidPartitionKey`, `InvalidExplicitHashKey`,
    /// `RecordTooLarge` (over 1 MiB, or over `maxBatchBytes`/`maxBufferedBytes`); `BufferFull` when the
    /// buffer is at a bound and the overflow policy cannot make room.
    pub fn put(&mut self, data: Vec<u8>, options: PutOptions, now_ms: u64) -> Result<String> {
        self.put_event(data, options, now_ms).map(EventId::to_text)
    }

    /// [`Producer::put`] returning the id itself, for callers that format it their own way.
    pub fn put_event(
        &mut self,
        data: Vec<u8>,
        options: PutOptions,
        now_ms: u64,
    ) -> Result<EventId> {
        self.ensure_open()?;
        let record = Record::new(data, options)?;
        self.admit(record, None, now_ms)
    }

    /// Like [`Producer::put`], with the data built from the id the event gets, for payloads that
    /// carry their own id (clickstream envelopes). An error from `make_data` is returned as is and
    /// buffers nothing; the id it saw is then never used.
    pub fn put_with(
        &mut self,
        make_data: impl FnOnce(&str) -> Result<Vec<u8>>,
        options: PutOptions,
        now_ms: u64,
    ) -> Result<String> {
        self.ensure_open()?;
        let put_at_ms = now_ms.max(self.last_put_ms);
        let id = self.ids.next_id(put_at_ms, &mut self.rng);
        let text = id.to_text();
        let record = Record::new(make_data(&text)?, options)?;
        self.admit(record, Some(id), now_ms)?;
        Ok(text)
    }

    fn ensure_open(&self) -> Result<()> {
        if self.closed {
            return Err(Error::new(
                ErrorCode::Closed,
                "the producer is closed; put() is not accepted after close()",
            ));
        }
        Ok(())
    }

    /// Checks the record against the caps and the buffer bounds, then queues it under `id` (a new
    /// id when `None`).
    fn admit(&mut self, record: Record, id: Option<EventId>, now_ms: u64) -> Result<EventId> {
        let size = record.payload_bytes();
        let (name, cap) = if size > self.config.max_batch_bytes {
            ("maxBatchBytes", self.config.max_batch_bytes)
        } else {
            ("maxBufferedBytes", self.config.max_buffered_bytes)
        };
        if size > cap {
            return Err(Error::new(
                ErrorCode::RecordTooLarge,
                text!(
                    "partition key plus data is {} bytes; {} is {}",
                    size,
                    name,
                    cap
                ),
            ));
        }
        self.make_room(size, now_ms)?;
        let put_at_ms = now_ms.max(self.last_put_ms);
        self.last_put_ms = put_at_ms;
        let id = id.unwrap_or_else(|| self.ids.next_id(put_at_ms, &mut self.rng));
        let seq = self.next_seq;
        self.next_seq += 1;
        let key_hash = key_hash(record.partition_key());
        self.queue.push(
            QueuedRecord {
                record,
                id,
                seq,
                key_hash,
                put_at_ms,
                attempts: 0,
                last_failure: None,
                last_failure_was_free: false,
            },
            now_ms,
        );
        Ok(id)
    }

    fn held_records(&self) -> usize {
        self.queue.len() + self.in_flight_records
    }

    fn held_bytes(&self) -> usize {
        self.queue.bytes() + self.in_flight_bytes
    }

    fn make_room(&mut self, size: usize, now_ms: u64) -> Result<()> {
        let max_records = self.config.max_buffered_records;
        let max_bytes = self.config.max_buffered_bytes;
        let fits =
            |records: usize, bytes: usize| records < max_records && bytes + size <= max_bytes;
        if fits(self.held_records(), self.held_bytes()) {
            return Ok(());
        }
        let can_drop = self.config.overflow == OverflowPolicy::DropOldest
            && fits(self.in_flight_records, self.in_flight_bytes);
        if !can_drop {
            self.counters.rejected += 1;
            return Err(Error::new(
                ErrorCode::BufferFull,
                text!("the buffer holds {} records and {} bytes; maxBufferedRecords is {} and maxBufferedBytes is {}, so {} more bytes do not fit", self.held_records(), self.held_bytes(), max_records, max_bytes, size),
            ));
        }
        let mut dropped = Vec::new();
        while !fits(self.held_records(), self.held_bytes()) {
            let Some(record) = self.queue.pop_oldest_if(now_ms, &|_| true) else {
                break;
            };
            self.flushes.on_resolved(record.seq, Resolution::Dropped);
            dropped.push(record.id);
        }
        let reason = DropReason::Overflow;
        self.counters
            .count_dropped(reason.as_str(), dropped.len() as u64);
        self.events.push(ProducerEvent::RecordsDropped {
            ids: dropped,
            reason,
        });
        self.complete_flushes();
        Ok(())
    }

    /// For while nothing can be signed (no usable credentials): expires held records past their TTL
    /// and completes the flushes that this settles, sending nothing. Returns when the oldest held record
    /// expires, the latest time to call it (or [`Producer::poll`]) again.
    pub fn poll_unsigned(&mut self, now_ms: u64) -> Option<u64> {
        self.expire(now_ms);
        self.complete_flushes();
        self.queue
            .oldest()
            .map(|r| r.put_at_ms.saturating_add(self.config.record_ttl_ms))
    }

    /// Expires records, ends backoffs and returns the next thing to do. Call it until it returns
    /// `WaitUntil` or `Idle`; each `Send` moves a batch in flight.
    pub fn poll(&mut self, now_ms: u64) -> Action {
        self.expire(now_ms);
        self.queue.end_backoffs(now_ms);
        self.complete_flushes();

        let (mut limit, probing) = match &self.pause {
            None => (self.config.max_in_flight, false),
            Some(pause) if pause.probe.is_none() && now_ms >= pause.until_ms => (1, true),
            Some(_) => (0, false),
        };
        let offline_probe = match self.offline.permit(now_ms) {
            SendPermit::Open => false,
            SendPermit::Probe => {
                limit = limit.min(1);
                true
            }
            SendPermit::Closed => {
                limit = 0;
                false
            }
        };
        let can_send = self.in_flight.len() < limit;
        let due = if can_send {
            self.batch_due(now_ms)
        } else {
            None
        };
        if due.is_some_and(|at| at <= now_ms) {
            if let Some(request) = self.send_batch(probing) {
                if offline_probe {
                    self.offline.on_probe_sent(request.id);
                }
                return Action::Send(request);
            }
        }

        let mut wake: Option<u64> = None;
        let mut consider = |at: Option<u64>| {
            if let Some(at) = at.filter(|&at| at > now_ms) {
                wake = Some(wake.map_or(at, |w| w.min(at)));
            }
        };
        if can_send {
            consider(due);
            consider(self.queue.next_backoff_end());
        }
        if let Some(pause) = &self.pause {
            if pause.probe.is_none() {
                consider(Some(pause.until_ms));
            }
        }
        // Offline, the probe is the only way out, also for records whose keys are backing off
        // (the probe poll sees the backoff end, as the gate then permits a send).
        if !self.queue.is_empty() {
            consider(self.offline.probe_at());
        }
        consider(
            self.queue
                .oldest()
                .map(|r| r.put_at_ms.saturating_add(self.config.record_ttl_ms)),
        );
        match wake {
            Some(at) => Action::WaitUntil(at),
            None => Action::Idle,
        }
    }

    /// When the next batch is due, if a record is ready.
    fn batch_due(&self, now_ms: u64) -> Option<u64> {
        let oldest = self.queue.oldest_ready()?;
        let full = self.queue.ready_records() >= self.config.max_batch_records
            || self.queue.ready_bytes() >= self.config.max_batch_bytes;
        if full || oldest.seq < self.flushes.due_mark() {
            return Some(now_ms);
        }
        Some(
            oldest
                .put_at_ms
                .saturating_add(self.config.flush_interval_ms),
        )
    }

    fn send_batch(&mut self, probe: bool) -> Option<OutgoingRequest> {
        let id = RequestId(self.next_request);
        let records = self.queue.take_batch(
            id,
            self.config.max_batch_records,
            self.config.max_batch_bytes,
        );
        self.dispatch(id, records, probe)
    }

    /// Moves `records`, just taken from the queue for request `id`, in flight and encodes them.
    fn dispatch(
        &mut self,
        id: RequestId,
        mut records: Vec<QueuedRecord>,
        probe: bool,
    ) -> Option<OutgoingRequest> {
        if records.is_empty() {
            return None;
        }
        self.next_request += 1;
        let mut payload_bytes = 0;
        for record in &mut records {
            record.attempts += 1;
            payload_bytes += record.bytes();
        }
        let mut body = Vec::new();
        encode_put_records(
            &self.config.stream,
            records.iter().map(|r| &r.record),
            &mut body,
        );
        let record_count = records.len();
        self.in_flight_records += record_count;
        self.in_flight_bytes += payload_bytes;
        self.in_flight.push(InFlight {
            id,
            records,
            bytes: payload_bytes,
        });
        self.counters.requests += 1;
        if probe {
            if let Some(pause) = &mut self.pause {
                pause.probe = Some(id);
            }
        }
        Some(OutgoingRequest {
            id,
            body,
            record_count,
            payload_bytes,
        })
    }

    fn take_in_flight(&mut self, id: RequestId) -> Option<(InFlight, bool)> {
        let at = self.in_flight.iter().position(|request| request.id == id)?;
        let request = self.in_flight.swap_remove(at);
        self.in_flight_records -= request.records.len();
        self.in_flight_bytes -= request.bytes;
        let mut was_probe = false;
        if let Some(pause) = &mut self.pause {
            if pause.probe == Some(id) {
                pause.probe = None;
                was_probe = true;
            }
        }
        Some((request, was_probe))
    }

    /// Handles the HTTP response to request `id` (see [`ResponseOutcome`]).
    pub fn on_response(
        &mut self,
        id: RequestId,
        response: HttpResponse<'_>,
        now_ms: u64,
    ) -> ResponseOutcome {
        self.offline.on_response();
        let Some((request, was_probe)) = self.take_in_flight(id) else {
            return ResponseOutcome::ProtocolError;
        };
        let outcome = if (200..300).contains(&response.status) {
            self.on_success_status(request, response.body, was_probe, now_ms)
        } else {
            self.on_error_status(request, response, now_ms)
        };
        if was_probe && outcome != ResponseOutcome::Delivered {
            self.rearm_pause(now_ms);
        }
        self.complete_flushes();
        outcome
    }

    fn on_success_status(
        &mut self,
        request: InFlight,
        body: &[u8],
        was_probe: bool,
        now_ms: u64,
    ) -> ResponseOutcome {
        let decoded = match decode_put_records_response(body, request.records.len()) {
            Ok(decoded) => decoded,
            Err(error) => {
                let failure = Failure {
                    code: ErrorCode::ProtocolError,
                    aws_error: None,
                    message: error.message().to_owned(),
                };
                self.retry_all(request, failure, Retry::Counted, now_ms);
                return ResponseOutcome::ProtocolError;
            }
        };
        let key_hashes = key_hashes(&request.records);
        let mut delivered = Vec::new();
        let mut settlement = Settlement::default();
        let mut pause_failure = None;
        // Records are taken off the end of the reversed vector: request order, no `IntoIter`.
        let mut records = request.records;
        records.reverse();
        for result in &decoded.records {
            let Some(record) = records.pop() else {
                break;
            };
            match result {
                RecordResult::Accepted { .. } => {
                    self.counters.sent += 1;
                    self.flushes.on_resolved(record.seq, Resolution::Sent);
                    delivered.push(record.id);
                }
                RecordResult::Failed {
                    error_code,
                    error_message,
                } => {
                    let class = classify(200, Some(error_code), error_message);
                    let failure = Arc::new(Failure {
                        code: ErrorCode::ServiceError,
                        aws_error: Some(String::from(&**error_code)),
                        message: String::from(&**error_message),
                    });
                    let retry = if class == Classification::NotRetryable {
                        pause_failure = Some(failure.clone());
                        Retry::Hold
                    } else {
                        Retry::Counted
                    };
                    self.settle_one(&mut settlement, record, failure, retry, now_ms);
                }
            }
        }
        let all_delivered = settlement.is_empty();
        if !delivered.is_empty() {
            self.events.push(ProducerEvent::BatchDelivered {
                request: request.id,
                ids: delivered,
            });
        }
        self.finish_settlement(request.id, &key_hashes, settlement, now_ms);
        if let Some(failure) = pause_failure {
            self.enter_pause(failure, now_ms);
            return ResponseOutcome::Paused;
        }
        if was_probe {
            self.end_pause();
        }
        if all_delivered {
            ResponseOutcome::Delivered
        } else {
            ResponseOutcome::PartiallyFailed
        }
    }

    fn on_error_status(
        &mut self,
        request: InFlight,
        response: HttpResponse<'_>,
        now_ms: u64,
    ) -> ResponseOutcome {
        let body = decode_error_body(response.body).unwrap_or_default();
        let message = body.message.unwrap_or_else(|| {
            text!(
                "HTTP {} without an AWS error body",
                u32::from(response.status)
            )
        });
        let class = classify(response.status, body.name.as_deref(), &message);
        let failure = Failure {
            code: ErrorCode::ServiceError,
            aws_error: body.name,
            message,
        };
        let (retry, outcome) = match class {
            Classification::Retryable => (Retry::Counted, ResponseOutcome::Retrying),
            Classification::RefreshCredentials => {
                (Retry::Free, ResponseOutcome::RefreshCredentials)
            }
            Classification::CorrectClock => (Retry::Free, ResponseOutcome::CorrectClock),
            Classification::NotRetryable => (Retry::Hold, ResponseOutcome::Paused),
        };
        let failure = Arc::new(failure);
        self.retry_all_shared(request, failure.clone(), retry, now_ms);
        if retry == Retry::Hold {
            self.enter_pause(failure, now_ms);
        }
        outcome
    }

    /// Handles a request `id` that got no response; its records are retried. The attempt counts,
    /// except for a network error while the offline gate was already closed (see the module docs).
    pub fn on_transport_error(&mut self, id: RequestId, kind: TransportErrorKind, now_ms: u64) {
        let Some((request, was_probe)) = self.take_in_flight(id) else {
            return;
        };
        let retry = if kind == TransportErrorKind::Network {
            if self.offline.on_network_error(id, now_ms, &mut self.rng) {
                Retry::Hold
            } else {
                Retry::Counted
            }
        } else {
            self.offline.on_request_ended(id, now_ms, &mut self.rng);
            Retry::Counted
        };
        let message = match kind {
            TransportErrorKind::Network => "the request failed on the network (no response)",
            TransportErrorKind::Timeout => "no response arrived before the timeout",
            TransportErrorKind::Aborted => "the request was aborted",
        };
        let failure = Failure {
            code: ErrorCode::TransportError,
            aws_error: None,
            message: message.to_owned(),
        };
        self.retry_all(request, failure, retry, now_ms);
        if was_probe {
            self.rearm_pause(now_ms);
        }
        self.complete_flushes();
    }

    fn retry_all(&mut self, request: InFlight, failure: Failure, retry: Retry, now_ms: u64) {
        self.retry_all_shared(request, Arc::new(failure), retry, now_ms);
    }

    fn retry_all_shared(
        &mut self,
        request: InFlight,
        failure: Arc<Failure>,
        retry: Retry,
        now_ms: u64,
    ) {
        let key_hashes = key_hashes(&request.records);
        let mut settlement = Settlement {
            requeue: Vec::with_capacity(request.records.len()),
            ..Settlement::default()
        };
        let mut records = request.records;
        records.reverse();
        while let Some(record) = records.pop() {
            self.settle_one(&mut settlement, record, failure.clone(), retry, now_ms);
        }
        self.finish_settlement(request.id, &key_hashes, settlement, now_ms);
    }

    /// Decides whether a failed record of a request is requeued or finally failed; the decisions
    /// take effect in [`Producer::finish_settlement`].
    fn settle_one(
        &mut self,
        settlement: &mut Settlement,
        mut record: QueuedRecord,
        failure: Arc<Failure>,
        retry: Retry,
        now_ms: u64,
    ) {
        let retry = if retry == Retry::Free && record.last_failure_was_free {
            Retry::Counted
        } else {
            retry
        };
        record.last_failure = Some(failure);
        match retry {
            Retry::Hold => {
                record.attempts -= 1;
                settlement.requeue.push(record);
                return;
            }
            Retry::Free => {
                record.attempts -= 1;
                record.last_failure_was_free = true;
            }
            Retry::Counted => record.last_failure_was_free = false,
        }
        let limit = give_up(
            record.attempts,
            self.config.max_attempts,
            record.put_at_ms,
            self.config.record_ttl_ms,
            now_ms,
        );
        if let Some(reason) = limit {
            settlement.failed.push((record, reason));
            return;
        }
        if retry == Retry::Counted {
            let retry_number = record.attempts.saturating_sub(1);
            settlement.backoff_retry = Some(
                settlement
                    .backoff_retry
                    .map_or(retry_number, |n| n.max(retry_number)),
            );
        }
        self.counters.retried += 1;
        self.flushes.on_retried(record.seq);
        settlement.requeue.push(record);
    }

    /// Requeues the settled records of request `id` (in request order), releases the request's
    /// keys and reports the finally failed records.
    fn finish_settlement(
        &mut self,
        id: RequestId,
        key_hashes: &[u64],
        settlement: Settlement,
        now_ms: u64,
    ) {
        let not_before = match settlement.backoff_retry {
            Some(retry_number) if !settlement.requeue.is_empty() => {
                now_ms.saturating_add(self.backoff.delay_ms(retry_number, &mut self.rng))
            }
            _ => now_ms,
        };
        self.queue
            .finish_request(id, key_hashes, settlement.requeue, not_before, now_ms);
        self.fail_records(settlement.failed);
    }

    /// Reports records that will not be sent again, grouped by their last error: one
    /// `RecordsFailed` event per distinct (error, reason), in order of first appearance.
    fn fail_records(&mut self, failed: Vec<(QueuedRecord, GiveUp)>) {
        let first_new = self.events.len();
        for &(ref record, reason) in &failed {
            let failure = record
                .last_failure
                .clone()
                .unwrap_or_else(|| self.never_sent_failure());
            self.flushes.on_resolved(record.seq, Resolution::Failed);
            let code_name = failure
                .aws_error
                .as_deref()
                .unwrap_or(failure.code.as_str());
            self.counters.count_failed(code_name, 1);
            let group = self.events[first_new..]
                .iter_mut()
                .find_map(|event| match event {
                    ProducerEvent::RecordsFailed {
                        ids,
                        code,
                        aws_error,
                        message,
                        reason: group_reason,
                    } if *group_reason == reason
                        && *code == failure.code
                        && *aws_error == failure.aws_error
                        && *message == failure.message =>
                    {
                        Some(ids)
                    }
                    _ => None,
                });
            match group {
                Some(ids) => ids.push(record.id),
                None => self.events.push(ProducerEvent::RecordsFailed {
                    ids: vec![record.id],
                    code: failure.code,
                    aws_error: failure.aws_error.clone(),
                    message: failure.message.clone(),
                    reason,
                }),
            }
        }
    }

    /// The error of a record that expired before any send: the pause's error when paused.
    fn never_sent_failure(&self) -> Arc<Failure> {
        if let Some(pause) = &self.pause {
            return pause.failure.clone();
        }
        Arc::new(Failure {
            code: ErrorCode::RecordExpired,
            aws_error: None,
            message: text!(
                "recordTtlMs ({} ms) passed before the record could be sent",
                Decimal::from(self.config.record_ttl_ms)
            ),
        })
    }

    fn expire(&mut self, now_ms: u64) {
        let ttl = self.config.record_ttl_ms;
        let mut expired = Vec::new();
        while let Some(record) = self
            .queue
            .pop_oldest_if(now_ms, &|r| now_ms >= r.put_at_ms.saturating_add(ttl))
        {
            expired.push((record, GiveUp::Expired));
        }
        if !expired.is_empty() {
            self.fail_records(expired);
        }
    }

    fn enter_pause(&mut self, failure: Arc<Failure>, now_ms: u64) {
        let until_ms = now_ms.saturating_add(self.config.paused_retry_ms);
        match &mut self.pause {
            Some(pause) => {
                pause.until_ms = until_ms;
                pause.failure = failure;
            }
            None => {
                self.events.push(ProducerEvent::Paused {
                    aws_error: failure.aws_error.clone(),
                    message: failure.message.clone(),
                });
                self.pause = Some(Pause {
                    until_ms,
                    probe: None,
                    failure,
                });
            }
        }
    }

    fn rearm_pause(&mut self, now_ms: u64) {
        if let Some(pause) = &mut self.pause {
            pause.until_ms = now_ms.saturating_add(self.config.paused_retry_ms);
        }
    }

    fn end_pause(&mut self) {
        if self.pause.take().is_some() {
            self.events.push(ProducerEvent::Resumed);
        }
    }

    fn complete_flushes(&mut self) {
        if !self.flushes.has_open() {
            return;
        }
        let held_by_pause = self.pause.is_some() && self.in_flight.is_empty();
        while let Some((id, report)) = self.flushes.complete_next(held_by_pause) {
            self.events
                .push(ProducerEvent::FlushCompleted { id, report });
        }
    }

    /// Makes everything buffered so far due now; the returned id's report appears once each of
    /// those records is acknowledged, finally failed, dropped, or held by a pause.
    pub fn flush(&mut self, now_ms: u64) -> FlushId {
        let id = self
            .flushes
            .request(self.next_seq, self.held_records() as u64);
        self.expire(now_ms);
        self.complete_flushes();
        id
    }

    /// The report of flush `id` once complete (see [`FlushTracker::report`]).
    pub fn flush_report(&self, id: FlushId) -> Option<FlushReport> {
        self.flushes.report(id)
    }

    /// Leaves a non-retryable pause now (reports `Resumed`); no effect when not paused.
    pub fn resume(&mut self, now_ms: u64) {
        self.end_pause();
        self.queue.end_backoffs(now_ms);
    }

    /// Whether a non-retryable error has paused sending.
    pub fn is_paused(&self) -> bool {
        self.pause.is_some()
    }

    /// Refuses further puts (`Closed`) and flushes what is held; sending continues until the flush
    /// completes.
    pub fn close(&mut self, now_ms: u64) -> FlushId {
        self.closed = true;
        self.flush(now_ms)
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// A snapshot of the counters and of what is held at `now_ms`.
    pub fn stats(&self, now_ms: u64) -> Stats {
        let mut oldest = self.queue.oldest().map(|r| r.put_at_ms);
        for request in &self.in_flight {
            if let Some(record) = request.records.first() {
                oldest = Some(oldest.map_or(record.put_at_ms, |at| at.min(record.put_at_ms)));
            }
        }
        Stats {
            buffered_records: self.queue.len(),
            buffered_bytes: self.queue.bytes(),
            in_flight_requests: self.in_flight.len(),
            in_flight_records: self.in_flight_records,
            in_flight_bytes: self.in_flight_bytes,
            sent: self.counters.sent,
            retried: self.counters.retried,
            failed: self.counters.failed.clone(),
            dropped: self.counters.dropped.clone(),
            rejected: self.counters.rejected,
            requests: self.counters.requests,
            oldest_age_ms: oldest.map(|at| now_ms.saturating_sub(at)),
            paused: self.pause.is_some(),
            offline: self.offline.is_offline(),
            recovered: self.counters.recovered,
        }
    }

    /// Takes the events since the last call, oldest first.
    pub fn drain_events(&mut self) -> Vec<ProducerEvent> {
        std::mem::take(&mut self.events)
    }
}

/// The partition-key hashes of a request's records, in request order.
fn key_hashes(records: &[QueuedRecord]) -> Vec<u64> {
    let mut hashes = vec![0; records.len()];
    for (hash, record) in hashes.iter_mut().zip(records) {
        *hash = record.key_hash;
    }
    hashes
}
