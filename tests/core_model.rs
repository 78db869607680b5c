//! Model-based test of the producer: across any sequence of puts, clock advances, polls, flushes,
//! responses (success, partial failure, 5xx, throttling, expired token, clock skew, non-retryable,
//! count mismatch, malformed body), transport errors (closing the offline gate) and resumes, no record
//! is lost, duplicated in flight or sent past its limits, and per-key order holds as documented.
#![cfg(not(target_arch = "wasm32"))]

mod core_support;

use std::collections::{BTreeMap, HashMap};

use core_support::{decode, error_body, partial_body, partial_body_with, Sent, START_MS};
use kinesis_clickstream::core::config::{OverflowPolicy, ProducerConfig, StreamTarget};
use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::events::ProducerEvent;
use kinesis_clickstream::core::producer::{
    Action, HttpResponse, Producer, RequestId, TransportErrorKind,
};
use kinesis_clickstream::core::record::PutOptions;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Reply {
    AllOk,
    Partial(u64),
    PartialNotRetryable(u64),
    ServerError,
    Throttled,
    ExpiredToken,
    ClockSkew,
    NotRetryable,
    CountMismatch,
    Malformed,
    Transport,
}

#[derive(Clone, Debug)]
enum Op {
    Put { key: u8, size: usize },
    Advance(u64),
    Poll,
    Reply { pick: usize, reply: Reply },
    Flush,
    Resume,
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        4 => Just(Reply::AllOk),
        3 => any::<u64>().prop_map(Reply::Partial),
        1 => any::<u64>().prop_map(Reply::PartialNotRetryable),
        1 => Just(Reply::ServerError),
        1 => Just(Reply::Throttled),
        1 => Just(Reply::ExpiredToken),
        1 => Just(Reply::ClockSkew),
        1 => Just(Reply::NotRetryable),
        1 => Just(Reply::CountMismatch),
        1 => Just(Reply::Malformed),
        1 => Just(Reply::Transport),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u8..4, prop_oneof![3 => 0usize..20, 1 => 20usize..120]).prop_map(|(key, size)| Op::Put { key, size }),
        3 => prop_oneof![0u64..50, 50u64..3_000, 3_000u64..30_000].prop_map(Op::Advance),
        4 => Just(Op::Poll),
        5 => (any::<usize>(), reply()).prop_map(|(pick, reply)| Op::Reply { pick, reply }),
        1 => Just(Op::Flush),
        1 => Just(Op::Resume),
    ]
}

fn config() -> impl Strategy<Value = ProducerConfig> {
    (
        (
            0u64..2_000,
            1usize..=5,
            130usize..=400,
            3usize..=30,
            200usize..=2_000,
        ),
        (
            5_000u64..=40_000,
            1u32..=4,
            1usize..=3,
            1u64..=500,
            0u64..=2_000,
        ),
        (1_000u64..=5_000, any::<bool>()),
    )
        .prop_map(|(a, b, c)| {
            let mut config = ProducerConfig::new(StreamTarget::Name("model".into()));
            (
                config.flush_interval_ms,
                config.max_batch_records,
                config.max_batch_bytes,
                config.max_buffered_records,
                config.max_buffered_bytes,
            ) = a;
            let retry_extra;
            (
                config.record_ttl_ms,
                config.max_attempts,
                config.max_in_flight,
                config.retry_base_ms,
                retry_extra,
            ) = b;
            config.retry_max_ms = config.retry_base_ms + retry_extra;
            config.paused_retry_ms = c.0;
            config.overflow = if c.1 {
                OverflowPolicy::DropOldest
            } else {
                OverflowPolicy::RejectNew
            };
            config
        })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Held,
    InFlight(RequestId),
    Acked,
    Failed,
    Dropped,
}

#[derive(Debug)]
struct Event {
    key: String,
    put_at: u64,
    state: State,
    /// Sends that count against maxAttempts, mirrored from the documented rules.
    attempts: u32,
    last_failure_free: bool,
    sends: u32,
}

struct Model {
    producer: Producer,
    config: ProducerConfig,
    now: u64,
    last_put: u64,
    events: Vec<Event>,
    by_id: HashMap<String, usize>,
    in_flight: Vec<(Sent, Vec<usize>)>,
    acked_in: HashMap<usize, RequestId>,
    paused: bool,
    /// The offline gate: closed by a network error, opened by any HTTP response.
    offline: bool,
}

impl Model {
    fn new(config: ProducerConfig, seed: u64) -> Self {
        Model {
            producer: Producer::new(config.clone(), seed).unwrap(),
            config,
            now: START_MS,
            last_put: 0,
            events: Vec::new(),
            by_id: HashMap::new(),
            in_flight: Vec::new(),
            acked_in: HashMap::new(),
            paused: false,
            offline: false,
        }
    }

    fn put(&mut self, key: u8, size: usize) {
        let n = self.events.len();
        let key = format!("k{key}");
        let data = format!("{n:06}{}", "x".repeat(size)).into_bytes();
        match self
            .producer
            .put(data, PutOptions::key(key.clone()), self.now)
        {
            Ok(id) => {
                self.last_put = self.last_put.max(self.now);
                self.by_id.insert(id, n);
                self.events.push(Event {
                    key,
                    put_at: self.last_put,
                    state: State::Held,
                    attempts: 0,
                    last_failure_free: false,
                    sends: 0,
                });
            }
            Err(error) => {
                assert!(
                    matches!(
                        error.code(),
                        ErrorCode::BufferFull | ErrorCode::RecordTooLarge
                    ),
                    "{error}"
                );
                // Placeholder so that data numbers stay aligned with indices; never sent.
                self.events.push(Event {
                    key,
                    put_at: self.now,
                    state: State::Dropped,
                    attempts: 0,
                    last_failure_free: false,
                    sends: 0,
                });
            }
        }
    }

    fn index_of(sent: &Sent, at: usize) -> usize {
        let text = String::from_utf8_lossy(sent.records[at].data()).into_owned();
        text[..6].parse().unwrap()
    }

    fn poll(&mut self) {
        self.apply_events();
        loop {
            match self.producer.poll(self.now) {
                Action::Send(request) => {
                    // Records expired or dropped by this poll are reported before the send.
                    self.apply_events_unchecked();
                    let sent = decode(&request);
                    self.check_send(&sent);
                    let indices = (0..sent.records.len())
                        .map(|i| Self::index_of(&sent, i))
                        .collect();
                    self.in_flight.push((sent, indices));
                }
                Action::WaitUntil(at) => {
                    assert!(at > self.now, "WaitUntil must be in the future");
                    break;
                }
                Action::Idle => break,
            }
            self.apply_events();
        }
        self.apply_events();
    }

    fn check_send(&mut self, sent: &Sent) {
        assert!(!sent.records.is_empty());
        assert!(sent.records.len() <= self.config.max_batch_records);
        assert!(sent.payload_bytes <= self.config.max_batch_bytes);
        assert!(self.in_flight.len() < self.config.max_in_flight);
        if self.paused || self.offline {
            assert!(
                self.in_flight.is_empty(),
                "while paused or offline only one probe request at a time"
            );
        }
        let indices: Vec<usize> = (0..sent.records.len())
            .map(|i| Self::index_of(sent, i))
            .collect();
        // Exclusivity: no key of this request is in another in-flight request.
        for (other, _) in &self.in_flight {
            for key in sent.keys() {
                assert!(
                    !other.keys().contains(&key),
                    "key {key} in two in-flight requests"
                );
            }
        }
        // Per key: the request holds the oldest unresolved records of the key, in put order.
        let mut per_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &n in &indices {
            per_key
                .entry(self.events[n].key.as_str())
                .or_default()
                .push(n);
        }
        for (key, sent_of_key) in &per_key {
            let unresolved: Vec<usize> = (0..self.events.len())
                .filter(|&n| {
                    self.events[n].key == *key
                        && matches!(self.events[n].state, State::Held | State::InFlight(_))
                })
                .collect();
            assert_eq!(
                &unresolved[..sent_of_key.len().min(unresolved.len())],
                &sent_of_key[..],
                "key {key}: sent {sent_of_key:?} but the oldest unresolved are {unresolved:?}"
            );
        }
        for &n in &indices {
            let event = &mut self.events[n];
            assert_eq!(
                event.state,
                State::Held,
                "record {n} sent while {:?}",
                event.state
            );
            assert!(
                self.now < event.put_at + self.config.record_ttl_ms,
                "record {n} sent past its TTL"
            );
            event.attempts += 1;
            event.sends += 1;
            assert!(
                event.attempts <= self.config.max_attempts,
                "record {n} sent {} counted times",
                event.attempts
            );
            event.state = State::InFlight(sent.id);
        }
    }

    fn reply(&mut self, pick: usize, reply: Reply) {
        if self.in_flight.is_empty() {
            return;
        }
        let (sent, indices) = self.in_flight.remove(pick % self.in_flight.len());
        let n = indices.len();
        let mask = |seed: u64| {
            (0..n)
                .map(|i| (seed >> (i % 64)) & 1 == 1)
                .collect::<Vec<bool>>()
        };
        let respond = |producer: &mut Producer, status: u16, body: &[u8], now: u64| {
            producer.on_response(sent.id, HttpResponse { status, body }, now);
        };
        // Mirror how each record's attempt is judged.
        let (accepted, free, hold): (Vec<bool>, bool, Vec<bool>) = match &reply {
            Reply::AllOk => (vec![true; n], false, vec![false; n]),
            Reply::Partial(seed) => (mask(*seed), false, vec![false; n]),
            Reply::PartialNotRetryable(seed) => {
                let accepted = mask(*seed);
                let hold = accepted.iter().map(|ok| !ok).collect();
                (accepted, false, hold)
            }
            Reply::ExpiredToken | Reply::ClockSkew => (vec![false; n], true, vec![false; n]),
            Reply::NotRetryable => (vec![false; n], false, vec![true; n]),
            // A network error while the gate is already closed does not count.
            Reply::Transport => (vec![false; n], false, vec![self.offline; n]),
            _ => (vec![false; n], false, vec![false; n]),
        };
        self.offline = matches!(reply, Reply::Transport);
        match &reply {
            Reply::AllOk | Reply::Partial(_) => {
                respond(&mut self.producer, 200, &partial_body(&accepted), self.now)
            }
            Reply::PartialNotRetryable(_) => respond(
                &mut self.producer,
                200,
                &partial_body_with(&accepted, "KMSAccessDeniedException"),
                self.now,
            ),
            Reply::ServerError => respond(&mut self.producer, 500, b"", self.now),
            Reply::Throttled => respond(
                &mut self.producer,
                400,
                &error_body("LimitExceededException", "slow down"),
                self.now,
            ),
            Reply::ExpiredToken => respond(
                &mut self.producer,
                400,
                &error_body(
                    "ExpiredTokenException",
                    "The security token included in the request is expired",
                ),
                self.now,
            ),
            Reply::ClockSkew => respond(
                &mut self.producer,
                400,
                &error_body(
                    "InvalidSignatureException",
                    "Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z",
                ),
                self.now,
            ),
            Reply::NotRetryable => respond(
                &mut self.producer,
                400,
                &error_body(
                    "com.amazonaws.kinesis#ResourceNotFoundException",
                    "Stream model not found",
                ),
                self.now,
            ),
            Reply::CountMismatch => respond(
                &mut self.producer,
                200,
                &partial_body(&vec![true; n + 1]),
                self.now,
            ),
            Reply::Malformed => respond(&mut self.producer, 200, b"{\"Records\":", self.now),
            Reply::Transport => {
                self.producer
                    .on_transport_error(sent.id, TransportErrorKind::Network, self.now)
            }
        }
        for (i, &record) in indices.iter().enumerate() {
            let event = &mut self.events[record];
            assert_eq!(event.state, State::InFlight(sent.id));
            if accepted[i] {
                self.acked_in.insert(record, sent.id);
                continue;
            }
            if hold[i] {
                event.attempts -= 1;
            } else if free && !event.last_failure_free {
                event.attempts -= 1;
                event.last_failure_free = true;
            } else {
                event.last_failure_free = false;
            }
            event.state = State::Held;
        }
        self.apply_events();
    }

    fn apply_events(&mut self) {
        self.apply_events_unchecked();
        self.check_counts();
    }

    fn apply_events_unchecked(&mut self) {
        for event in self.producer.drain_events() {
            match event {
                ProducerEvent::BatchDelivered { request, ids } => {
                    for id in ids {
                        let n = self.by_id[&id.to_string()];
                        assert_eq!(
                            self.acked_in.get(&n),
                            Some(&request),
                            "record {n} delivered unexpectedly"
                        );
                        assert!(matches!(self.events[n].state, State::InFlight(r) if r == request));
                        self.events[n].state = State::Acked;
                    }
                }
                ProducerEvent::RecordsFailed { ids, .. } => {
                    for id in ids {
                        let n = self.by_id[&id.to_string()];
                        assert_eq!(
                            self.events[n].state,
                            State::Held,
                            "record {n} failed while {:?}",
                            self.events[n].state
                        );
                        self.events[n].state = State::Failed;
                    }
                }
                ProducerEvent::RecordsDropped { ids, .. } => {
                    for id in ids {
                        let n = self.by_id[&id.to_string()];
                        assert_eq!(
                            self.events[n].state,
                            State::Held,
                            "record {n} dropped while {:?}",
                            self.events[n].state
                        );
                        self.events[n].state = State::Dropped;
                    }
                }
                ProducerEvent::Paused { .. } => {
                    assert!(!self.paused, "Paused reported twice without Resumed");
                    self.paused = true;
                }
                ProducerEvent::Resumed => self.paused = false,
                ProducerEvent::FlushCompleted { .. } => {}
            }
        }
    }

    fn check_counts(&self) {
        let stats = self.producer.stats(self.now);
        let count = |f: fn(&State) -> bool| self.events.iter().filter(|e| f(&e.state)).count();
        let accepted_puts = self.by_id.len();
        let held = count(|s| matches!(s, State::Held));
        let in_flight = count(|s| matches!(s, State::InFlight(_)));
        assert_eq!(stats.buffered_records, held, "buffered");
        assert_eq!(stats.in_flight_records, in_flight, "in flight");
        assert_eq!(stats.sent as usize, count(|s| *s == State::Acked), "sent");
        assert_eq!(
            stats.failed_total() as usize,
            count(|s| *s == State::Failed),
            "failed"
        );
        assert!(held + in_flight <= self.config.max_buffered_records);
        let placeholders = self.events.len() - accepted_puts;
        assert_eq!(
            stats.dropped_total() as usize + placeholders,
            count(|s| *s == State::Dropped),
            "dropped"
        );
    }

    /// Resumes, answers everything with success and lets time pass until nothing is held.
    fn drain(&mut self) {
        for _ in 0..10_000 {
            self.producer.resume(self.now);
            self.apply_events();
            self.producer.flush(self.now);
            self.poll();
            while !self.in_flight.is_empty() {
                self.reply(0, Reply::AllOk);
                self.poll();
            }
            let stats = self.producer.stats(self.now);
            if stats.buffered_records == 0 && stats.in_flight_records == 0 {
                return;
            }
            self.now += 1_000;
        }
        panic!("the producer never emptied");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn no_record_is_lost_duplicated_or_sent_past_its_limits(
        config in config(),
        seed in any::<u64>(),
        ops in proptest::collection::vec(op(), 1..250),
    ) {
        let mut model = Model::new(config, seed);
        let mut flushes = Vec::new();
        for op in ops {
            match op {
                Op::Put { key, size } => {
                    model.put(key, size);
                    model.apply_events();
                }
                Op::Advance(ms) => model.now += ms,
                Op::Poll => model.poll(),
                Op::Reply { pick, reply } => model.reply(pick, reply),
                Op::Flush => {
                    let held = model.events.iter().filter(|e| matches!(e.state, State::Held | State::InFlight(_))).count();
                    let id = model.producer.flush(model.now);
                    model.apply_events();
                    // A flush with no put since the previous open one shares its id (and its count).
                    if !flushes.iter().any(|(seen, _)| *seen == id) {
                        flushes.push((id, held));
                    }
                }
                Op::Resume => {
                    model.producer.resume(model.now);
                    model.apply_events();
                }
            }
        }
        model.drain();
        for (id, held_before) in flushes {
            let report = model.producer.flush_report(id);
            prop_assert!(report.is_some(), "flush {:?} never completed", id);
            let report = report.unwrap();
            // A flush accounts for exactly the records held when it was asked for.
            let covered = report.sent + report.failed + report.dropped + report.pending;
            prop_assert_eq!(covered, held_before as u64, "{:?}", report);
        }
        for (n, event) in model.events.iter().enumerate() {
            prop_assert!(
                matches!(event.state, State::Acked | State::Failed | State::Dropped),
                "record {} ended {:?}", n, event.state
            );
        }
    }
}
