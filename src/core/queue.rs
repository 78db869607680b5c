//! The records not in flight, kept per partition key so that ordering and exclusivity hold cheaply.
//!
//! Each partition key has a FIFO of its pending records in put order (`seq` order). A key is *ready*
//! when it has pending records, none of its records is in flight and its backoff has ended. Batches
//! take records oldest first (by `seq`) from ready keys only; taking a key's first record marks the
//! whole key in flight with that request, so a key's records are never in two requests at once. When
//! a request finishes, its failed records go back to the *front* of their keys' FIFOs, before newer
//! records of the same key.
//!
//! Keys are identified by a 64-bit hash of the partition key; two keys that collide are simply ordered
//! together, which only adds ordering, never removes it. Three min-heaps with lazy deletion index the
//! keys: ready keys by their first record's `seq`, every key with pending records by its first
//! record's `seq` (the globally oldest pending record, for TTL expiry and drop-oldest), and keys in
//! backoff by the end of their backoff. `put` costs one hash lookup and at most two heap pushes.

use std::fmt;
use std::sync::Arc;

use crate::core::event_id::EventId;
use crate::core::key_map::KeyMap;
use crate::core::producer::RequestId;
use crate::core::record::Record;
use crate::core::retry::Failure;

/// A validated record with the producer's bookkeeping.
#[derive(Clone, Debug)]
pub struct QueuedRecord {
    /// The record as sent.
    pub record: Record,
    /// The id `put` returned.
    pub id: EventId,
    /// Put order across the producer, from 0.
    pub seq: u64,
    /// Hash of the partition key (see [`key_hash`]).
    pub key_hash: u64,
    /// When it was put (never earlier than the previous put).
    pub put_at_ms: u64,
    /// Sends that counted against `maxAttempts`.
    pub attempts: u32,
    /// Why its latest send failed.
    pub last_failure: Option<Arc<Failure>>,
    /// Whether the latest failure was a credential or clock failure resent without counting.
    pub last_failure_was_free: bool,
}

impl QueuedRecord {
    /// Key plus data bytes, what the buffer and batch limits count.
    pub fn bytes(&self) -> usize {
        self.record.payload_bytes()
    }
}

/// FNV-1a of the partition key's bytes: the key's identity inside the queue.
pub fn key_hash(partition_key: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in partition_key.as_bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// One key's pending records in put order, as two vectors: `front` holds the oldest ones reversed
/// (the next to go last), `back` the newer ones in order. Every operation is amortised O(1) and
/// reuses the `Vec<QueuedRecord>` code the batches need anyway, instead of a `VecDeque`'s own.
#[derive(Default)]
struct Fifo {
    front: Vec<QueuedRecord>,
    back: Vec<QueuedRecord>,
}

impl Fifo {
    fn len(&self) -> usize {
        self.front.len() + self.back.len()
    }

    fn is_empty(&self) -> bool {
        self.front.is_empty() && self.back.is_empty()
    }

    fn capacity(&self) -> usize {
        self.front.capacity() + self.back.capacity()
    }

    fn front(&self) -> Option<&QueuedRecord> {
        self.front.last().or_else(|| self.back.first())
    }

    fn back(&self) -> Option<&QueuedRecord> {
        self.back.last().or_else(|| self.front.first())
    }

    fn push_back(&mut self, record: QueuedRecord) {
        self.back.push(record);
    }

    fn push_front(&mut self, record: QueuedRecord) {
        self.front.push(record);
    }

    fn pop_front(&mut self) -> Option<QueuedRecord> {
        if self.front.is_empty() {
            self.back.reverse();
            std::mem::swap(&mut self.front, &mut self.back);
        }
        self.front.pop()
    }
}

struct KeyState {
    pending: Fifo,
    pending_bytes: usize,
    in_flight: Option<RequestId>,
    not_before: u64,
    ready: bool,
    ready_entry: Option<u64>,
    head_entry: Option<u64>,
    backoff_entry: Option<u64>,
}

impl KeyState {
    fn new(pending: Fifo) -> Self {
        KeyState {
            pending,
            pending_bytes: 0,
            in_flight: None,
            not_before: 0,
            ready: false,
            ready_entry: None,
            head_entry: None,
            backoff_entry: None,
        }
    }

    fn front_seq(&self) -> Option<u64> {
        self.pending.front().map(|record| record.seq)
    }

    fn idle(&self) -> bool {
        self.pending.is_empty() && self.in_flight.is_none()
    }
}

/// The state of the key with hash `hash`, new (with a FIFO from `spare` when one is left) if absent.
fn key_state<'a>(
    keys: &'a mut KeyMap<KeyState>,
    spare: &mut Vec<Fifo>,
    hash: u64,
) -> &'a mut KeyState {
    keys.get_or_insert_with(hash, || KeyState::new(spare.pop().unwrap_or_default()))
}

/// A binary min-heap of `(order, key hash)` pairs: the few operations the index needs, in less code
/// than `BinaryHeap<Reverse<_>>`.
#[derive(Default)]
struct MinHeap {
    items: Vec<(u64, u64)>,
}

impl MinHeap {
    fn peek(&self) -> Option<&(u64, u64)> {
        self.items.first()
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    fn clear(&mut self) {
        self.items.clear();
    }

    fn push(&mut self, item: (u64, u64)) {
        let mut at = self.items.len();
        self.items.push(item);
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.items[parent] <= item {
                break;
            }
            self.items[at] = self.items[parent];
            at = parent;
        }
        self.items[at] = item;
    }

    fn pop(&mut self) -> Option<(u64, u64)> {
        let last = self.items.pop()?;
        let Some(&top) = self.items.first() else {
            return Some(last);
        };
        let len = self.items.len();
        let mut at = 0;
        loop {
            let mut child = 2 * at + 1;
            if child >= len {
                break;
            }
            if child + 1 < len && self.items[child + 1] < self.items[child] {
                child += 1;
            }
            if last <= self.items[child] {
                break;
            }
            self.items[at] = self.items[child];
            at = child;
        }
        self.items[at] = last;
        Some(top)
    }
}

#[derive(Default)]
struct Index {
    /// (first seq, key) of ready keys.
    ready: MinHeap,
    /// (first seq, key) of keys with pending records.
    heads: MinHeap,
    /// (backoff end, key) of keys waiting for a backoff to end.
    backoff: MinHeap,
    ready_records: usize,
    ready_bytes: usize,
}

impl Index {
    /// Brings `state`'s readiness and heap entries up to date at `now_ms`.
    fn settle(&mut self, state: &mut KeyState, hash: u64, now_ms: u64) {
        let should_be_ready =
            state.in_flight.is_none() && !state.pending.is_empty() && state.not_before <= now_ms;
        if should_be_ready != state.ready {
            if should_be_ready {
                self.ready_records += state.pending.len();
                self.ready_bytes += state.pending_bytes;
            } else {
                self.ready_records -= state.pending.len();
                self.ready_bytes -= state.pending_bytes;
            }
            state.ready = should_be_ready;
        }
        let Some(front) = state.front_seq() else {
            return;
        };
        if should_be_ready && state.ready_entry != Some(front) {
            self.ready.push((front, hash));
            state.ready_entry = Some(front);
        }
        if state.head_entry != Some(front) {
            self.heads.push((front, hash));
            state.head_entry = Some(front);
        }
        let backing_off = state.in_flight.is_none() && state.not_before > now_ms;
        if backing_off && state.backoff_entry != Some(state.not_before) {
            self.backoff.push((state.not_before, hash));
            state.backoff_entry = Some(state.not_before);
        }
    }
}

/// The buffer of records not in flight (see the module docs for the ordering rules).
#[derive(Default)]
pub struct RecordQueue {
    keys: KeyMap<KeyState>,
    spare: Vec<Fifo>,
    index: Index,
    records: usize,
    bytes: usize,
}

impl fmt::Debug for RecordQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordQueue")
            .field("records", &self.len())
            .field("bytes", &self.bytes())
            .finish()
    }
}

/// Emptied per-key FIFOs kept for reuse, so steady traffic over changing keys does not allocate.
const SPARE_QUEUES: usize = 256;
/// A recycled FIFO keeps at most this capacity.
const SPARE_CAPACITY: usize = 64;
/// Heaps are rebuilt when stale entries exceed this many plus four per key.
const HEAP_SLACK: usize = 1024;

impl RecordQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records held (ready, waiting for their key, or backing off).
    pub fn len(&self) -> usize {
        self.records
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Key plus data bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Records that a batch could take now.
    pub fn ready_records(&self) -> usize {
        self.index.ready_records
    }

    /// Key plus data bytes that a batch could take now.
    pub fn ready_bytes(&self) -> usize {
        self.index.ready_bytes
    }

    /// Appends a new record behind the others of its key.
    pub fn push(&mut self, record: QueuedRecord, now_ms: u64) {
        let hash = record.key_hash;
        let size = record.bytes();
        let state = key_state(&mut self.keys, &mut self.spare, hash);
        state.pending.push_back(record);
        state.pending_bytes += size;
        self.records += 1;
        self.bytes += size;
        if state.ready {
            self.index.ready_records += 1;
            self.index.ready_bytes += size;
        }
        if state.pending.len() == 1 {
            self.index.settle(state, hash, now_ms);
        }
    }

    /// The oldest ready record (the next one a batch would take), if any.
    pub fn oldest_ready(&self) -> Option<&QueuedRecord> {
        let (_, hash) = self.index.ready.peek()?;
        self.keys.get(*hash)?.pending.front()
    }

    /// The newest pending record of the key with hash `key_hash` (the one a `push` just added).
    pub fn newest_of_key(&self, key_hash: u64) -> Option<&QueuedRecord> {
        self.keys.get(key_hash)?.pending.back()
    }

    /// The oldest held record, if any.
    pub fn oldest(&self) -> Option<&QueuedRecord> {
        let (_, hash) = self.index.heads.peek()?;
        self.keys.get(*hash)?.pending.front()
    }

    /// When the earliest backoff ends (may be early, never late).
    pub fn next_backoff_end(&self) -> Option<u64> {
        self.index.backoff.peek().map(|(at, _)| *at)
    }

    /// Makes keys whose backoff ended by `now_ms` ready.
    pub fn end_backoffs(&mut self, now_ms: u64) {
        while let Some(&(at, hash)) = self.index.backoff.peek() {
            if at > now_ms {
                break;
            }
            self.index.backoff.pop();
            if let Some(state) = self.keys.get_mut(hash) {
                if state.backoff_entry == Some(at) {
                    state.backoff_entry = None;
                }
                self.index.settle(state, hash, now_ms);
            }
        }
        self.clean_tops();
    }

    /// Takes up to `max_records` records of at most `max_bytes` key plus data bytes, oldest first,
    /// from ready keys, and marks their keys in flight with `request`. Stops at the first record that
    /// does not fit (records are never split or skipped).
    pub fn take_batch(
        &mut self,
        request: RequestId,
        max_records: usize,
        max_bytes: usize,
    ) -> Vec<QueuedRecord> {
        self.take_batch_by(request, max_records, max_bytes, &QueuedRecord::bytes)
    }

    /// Like [`RecordQueue::take_batch`], with each record costing `cost(record)` against `max_cost`
    /// instead of its key plus data bytes. `cost` is a trait object: one copy of this loop in the
    /// `.wasm` for both callers.
    pub fn take_batch_by(
        &mut self,
        request: RequestId,
        max_records: usize,
        max_cost: usize,
        cost: &dyn Fn(&QueuedRecord) -> usize,
    ) -> Vec<QueuedRecord> {
        let mut batch = Vec::new();
        let mut spent = 0usize;
        while batch.len() < max_records {
            let Some(&(seq, hash)) = self.index.ready.peek() else {
                break;
            };
            let state = match self.keys.get_mut(hash) {
                Some(state)
                    if state.front_seq() == Some(seq)
                        && (state.ready || state.in_flight == Some(request)) =>
                {
                    state
                }
                other => {
                    self.index.ready.pop();
                    if let Some(state) = other {
                        if state.ready_entry == Some(seq) {
                            state.ready_entry = None;
                        }
                    }
                    continue;
                }
            };
            let Some(front) = state.pending.front() else {
                break;
            };
            let size = front.bytes();
            let price = cost(front);
            if spent + price > max_cost {
                break;
            }
            self.index.ready.pop();
            state.ready_entry = None;
            if state.ready {
                state.ready = false;
                self.index.ready_records -= state.pending.len();
                self.index.ready_bytes -= state.pending_bytes;
                state.in_flight = Some(request);
            }
            let Some(record) = state.pending.pop_front() else {
                break;
            };
            state.pending_bytes -= size;
            self.records -= 1;
            self.bytes -= size;
            spent += price;
            if let Some(next) = state.front_seq() {
                self.index.ready.push((next, hash));
                state.ready_entry = Some(next);
                if state.head_entry != Some(next) {
                    self.index.heads.push((next, hash));
                    state.head_entry = Some(next);
                }
            }
            batch.push(record);
        }
        self.clean_tops();
        batch
    }

    /// Ends `request`: `requeue` (its failed records, in request order) goes back to the front of
    /// their keys with a backoff until `not_before_ms`; every key in `key_hashes` (all keys of the
    /// request) stops being in flight.
    pub fn finish_request(
        &mut self,
        request: RequestId,
        key_hashes: &[u64],
        mut requeue: Vec<QueuedRecord>,
        not_before_ms: u64,
        now_ms: u64,
    ) {
        // Last first, each to the front: the records end up in request order.
        while let Some(record) = requeue.pop() {
            let size = record.bytes();
            let state = key_state(&mut self.keys, &mut self.spare, record.key_hash);
            state.pending.push_front(record);
            state.pending_bytes += size;
            state.not_before = state.not_before.max(not_before_ms);
            if state.ready {
                self.index.ready_records += 1;
                self.index.ready_bytes += size;
            }
            self.records += 1;
            self.bytes += size;
        }
        for &hash in key_hashes {
            if let Some(state) = self.keys.get_mut(hash) {
                if state.in_flight == Some(request) {
                    state.in_flight = None;
                }
                self.index.settle(state, hash, now_ms);
            }
            self.remove_if_idle(hash);
        }
        self.clean_tops();
    }

    /// Removes and returns the oldest held record if `condition` holds for it. `condition` is a
    /// trait object: one copy of this in the `.wasm` for every caller.
    pub fn pop_oldest_if(
        &mut self,
        now_ms: u64,
        condition: &dyn Fn(&QueuedRecord) -> bool,
    ) -> Option<QueuedRecord> {
        let &(_, hash) = self.index.heads.peek()?;
        let state = self.keys.get_mut(hash)?;
        if !condition(state.pending.front()?) {
            return None;
        }
        let record = state.pending.pop_front()?;
        let size = record.bytes();
        state.pending_bytes -= size;
        if state.ready {
            self.index.ready_records -= 1;
            self.index.ready_bytes -= size;
        }
        self.records -= 1;
        self.bytes -= size;
        self.index.settle(state, hash, now_ms);
        self.remove_if_idle(hash);
        self.clean_tops();
        Some(record)
    }

    fn remove_if_idle(&mut self, hash: u64) {
        if self.keys.get(hash).is_some_and(KeyState::idle) {
            if let Some(state) = self.keys.remove(hash) {
                let queue = state.pending;
                // Idle: the FIFO is already empty.
                if self.spare.len() < SPARE_QUEUES && queue.capacity() <= SPARE_CAPACITY {
                    self.spare.push(queue);
                }
            }
        }
    }

    /// Pops stale entries off the ready and heads heaps so that their tops are valid, and rebuilds
    /// the heaps when stale entries pile up.
    fn clean_tops(&mut self) {
        let limit = HEAP_SLACK + 4 * self.keys.len();
        let entries = self.index.ready.len() + self.index.heads.len() + self.index.backoff.len();
        if entries > limit {
            self.rebuild_index();
            return;
        }
        let index = &mut self.index;
        while let Some(&(seq, hash)) = index.ready.peek() {
            match self.keys.get_mut(hash) {
                Some(state) if state.ready && state.front_seq() == Some(seq) => break,
                Some(state) if state.ready_entry == Some(seq) => state.ready_entry = None,
                _ => {}
            }
            index.ready.pop();
        }
        while let Some(&(seq, hash)) = index.heads.peek() {
            match self.keys.get_mut(hash) {
                Some(state) if state.front_seq() == Some(seq) => break,
                Some(state) if state.head_entry == Some(seq) => state.head_entry = None,
                _ => {}
            }
            index.heads.pop();
        }
    }

    fn rebuild_index(&mut self) {
        let index = &mut self.index;
        index.ready.clear();
        index.heads.clear();
        index.backoff.clear();
        for (hash, state) in self.keys.iter_mut() {
            state.ready_entry = None;
            state.head_entry = None;
            state.backoff_entry = None;
            let Some(front) = state.front_seq() else {
                continue;
            };
            index.heads.push((front, hash));
            state.head_entry = Some(front);
            if state.ready {
                index.ready.push((front, hash));
                state.ready_entry = Some(front);
            } else if state.in_flight.is_none() {
                index.backoff.push((state.not_before, hash));
                state.backoff_entry = Some(state.not_before);
            }
        }
    }
}
