//! The producer's side of durable delivery: restoring records persisted by an earlier page, the
//! network state from the runtime, and the `keepalive` request sent at page exit.

use crate::core::text::text;
use std::cell::Cell;

use super::{OutgoingRequest, Producer, QueuedRecord, RequestId};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::event_id::EventId;
use crate::core::keepalive::{record_body_len, request_overhead};
use crate::core::persisted::{encode_record, PersistedRecord};
use crate::core::queue::key_hash;

impl Producer {
    /// Buffers a record recovered from durable storage with its original event id and put time (its
    /// TTL still counts from that put); counted in `Stats::recovered`. Never drops another record.
    ///
    /// Errors: `Closed` after `close`; the record's own validation error; `RecordTooLarge` over
    /// `maxBatchBytes`; `BufferFull` when it does not fit the buffer bounds now (not counted as a
    /// rejected put: the caller keeps it stored and restores it later).
    pub fn restore(&mut self, persisted: &PersistedRecord, now_ms: u64) -> Result<()> {
        let Some(size) = self.restore_unless_full(persisted, now_ms)? else {
            return Ok(());
        };
        let records = self.held_records();
        let bytes = self.held_bytes();
        Err(Error::new(
            ErrorCode::BufferFull,
            text!("the buffer holds {} records and {} bytes; maxBufferedRecords is {} and maxBufferedBytes is {}, so restored record {} ({} bytes) does not fit", records, bytes, self.config.max_buffered_records, self.config.max_buffered_bytes, persisted.id, size),
        ))
    }

    /// [`Producer::restore`], except that a record that does not fit the buffer bounds now is
    /// `Ok(Some(its size))` instead of the `BufferFull` error (whose message is not built);
    /// `Ok(None)` once restored.
    pub fn restore_unless_full(
        &mut self,
        persisted: &PersistedRecord,
        now_ms: u64,
    ) -> Result<Option<usize>> {
        if self.closed {
            return Err(Error::new(
                ErrorCode::Closed,
                "the producer is closed; restore() is not accepted after close()",
            ));
        }
        let record = persisted.to_record()?;
        let size = record.payload_bytes();
        if size > self.config.max_batch_bytes {
            return Err(Error::new(
                ErrorCode::RecordTooLarge,
                text!("restored record {} has {} bytes of partition key plus data; maxBatchBytes is {}", persisted.id, size, self.config.max_batch_bytes),
            ));
        }
        if self.held_records() >= self.config.max_buffered_records
            || self.held_bytes() + size > self.config.max_buffered_bytes
        {
            return Ok(Some(size));
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let key_hash = key_hash(record.partition_key());
        self.queue.push(
            QueuedRecord {
                record,
                id: persisted.id,
                seq,
                key_hash,
                put_at_ms: persisted.put_at_ms,
                attempts: 0,
                last_failure: None,
                last_failure_was_free: false,
            },
            now_ms,
        );
        self.counters.recovered += 1;
        Ok(None)
    }

    /// The put time of the newest `put` (what a persisted copy of it must carry), 0 before any.
    pub fn last_put_ms(&self) -> u64 {
        self.last_put_ms
    }

    /// The copy to persist of the event `id` just put under `partition_key`, while it is the newest
    /// buffered record of that key (call it right after `put`); `None` otherwise.
    pub fn persisted_copy(&self, id: EventId, partition_key: &str) -> Option<PersistedRecord> {
        self.persisted_copy_of(&id.to_text(), partition_key)
    }

    /// [`Producer::persisted_copy`] for the event id as the text `put` returned it.
    pub fn persisted_copy_of(&self, id: &str, partition_key: &str) -> Option<PersistedRecord> {
        let queued = self.newest_put(id, partition_key)?;
        Some(PersistedRecord::new(
            queued.id,
            queued.put_at_ms,
            &queued.record,
        ))
    }

    /// The encoding of [`Producer::persisted_copy_of`]'s copy, without making the copy: `None` when
    /// there is no copy, `Some(None)` when it does not encode.
    pub fn persisted_bytes_of(&self, id: &str, partition_key: &str) -> Option<Option<Vec<u8>>> {
        let queued = self.newest_put(id, partition_key)?;
        Some(encode_record(queued.id, queued.put_at_ms, &queued.record))
    }

    /// The newest buffered record of `partition_key`, when it is the event `id` (as text).
    fn newest_put(&self, id: &str, partition_key: &str) -> Option<&QueuedRecord> {
        let queued = self.queue.newest_of_key(key_hash(partition_key))?;
        (queued.id.to_text() == id).then_some(queued)
    }

    /// The event ids request `id` carries while it is in flight, in request order.
    pub fn request_event_ids(&self, id: RequestId) -> Option<Vec<EventId>> {
        Some(self.request_events(id)?.collect())
    }

    /// [`Producer::request_event_ids`] as an iterator, without collecting them.
    pub fn request_events(&self, id: RequestId) -> Option<impl Iterator<Item = EventId> + '_> {
        self.in_flight
            .iter()
            .find(|request| request.id == id)
            .map(|request| request.records.iter().map(|r| r.id))
    }

    /// The runtime's network state (`navigator.onLine`, the `online`/`offline` events): offline
    /// closes the offline gate; online opens it and ends the backoffs that are over at `now_ms`.
    pub fn set_online(&mut self, online: bool, now_ms: u64) {
        self.offline.set_online(online, now_ms, &mut self.rng);
        if online {
            self.queue.end_backoffs(now_ms);
        }
    }

    /// Whether the offline gate is closed.
    pub fn is_offline(&self) -> bool {
        self.offline.is_offline()
    }

    /// The request to send now with `keepalive` at page exit: the oldest ready records, whole, whose
    /// JSON body fits `room_bytes` (the keepalive budget minus keepalive bytes in flight), also
    /// within `maxBatchRecords` and `maxBatchBytes`. It goes in flight like any request (answer it
    /// with `on_response`/`on_transport_error`), ignoring `maxInFlight` and the flush interval.
    /// `None` when nothing ready fits, or while paused or offline. Call it again with the smaller
    /// room until it returns `None`.
    pub fn poll_keepalive(&mut self, now_ms: u64, room_bytes: usize) -> Option<OutgoingRequest> {
        self.expire(now_ms);
        self.queue.end_backoffs(now_ms);
        self.complete_flushes();
        if self.pause.is_some() || self.offline.is_offline() {
            return None;
        }
        let room = room_bytes.checked_sub(request_overhead(&self.config.stream))?;
        // Each record costs its body bytes plus the comma before it; the first has no comma.
        let max_cost = room + 1;
        let too_much = max_cost.saturating_add(1);
        let max_payload = self.config.max_batch_bytes;
        let payload = Cell::new(0usize);
        let id = RequestId(self.next_request);
        // `take_batch_by` stops at the first record refused, so counting payload here is exact.
        let records =
            self.queue
                .take_batch_by(id, self.config.max_batch_records, max_cost, &|queued| {
                    let total = payload.get() + queued.bytes();
                    if total > max_payload {
                        return too_much;
                    }
                    payload.set(total);
                    record_body_len(&queued.record) + 1
                });
        self.dispatch(id, records, false)
    }
}
