//! Liveness of the producer on a manual clock: whatever faults came before, once the server answers,
//! following only the producer's own `WaitUntil` wake-ups sends every held record and completes every
//! flush. A caller (the wasm driver) polls only when told to, so a held record with no wake-up ahead
//! is a flush that never settles.
#![cfg(not(target_arch = "wasm32"))]

mod core_support;

use core_support::*;
use kinesis_clickstream::core::config::ProducerConfig;
use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::events::ProducerEvent;
use kinesis_clickstream::core::flush::FlushId;
use kinesis_clickstream::core::offline::MAX_PROBE_MS;
use kinesis_clickstream::core::producer::{Action, Producer, RequestId, TransportErrorKind};
use kinesis_clickstream::core::record::PutOptions;
use proptest::prelude::*;

/// Issue #7: the last request of a flush fails on the network. The gate closes and the request's
/// records back off, so none is ready; the producer must still wake for the end of the backoff or
/// the probe, not only for the records' TTL a day later.
#[test]
fn a_network_error_on_the_last_request_still_wakes_the_producer() {
    let mut cfg = config();
    cfg.retry_base_ms = 1_000;
    cfg.retry_max_ms = 1_000;
    let mut h = Harness::new(cfg);
    h.put("a", "1");
    let flush = h.producer.flush(h.now);
    let sent = h.poll_one();
    h.producer
        .on_transport_error(sent.id, TransportErrorKind::Network, h.now);
    assert!(h.producer.is_offline());
    let mut wakes = 0;
    let resent = loop {
        match h.producer.poll(h.now) {
            Action::Send(request) => break decode(&request),
            Action::WaitUntil(at) => {
                assert!(
                    at <= h.now + MAX_PROBE_MS,
                    "wakes {} ms later, past any backoff or probe",
                    at - h.now
                );
                h.now = at;
                wakes += 1;
                assert!(wakes < 10, "no send after {wakes} wake-ups");
            }
            Action::Idle => panic!("a held record with a flush open, and no wake-up"),
        }
    };
    assert_eq!(resent.texts(), ["1"]);
    h.accept(&resent);
    assert!(!h.producer.is_offline());
    assert!(h.producer.flush_report(flush).is_some());
}

/// While no credentials can be had nothing is sent, but a flush still settles when its records'
/// TTL passes (the caller polls with `poll_unsigned`, woken at the expiry it returns).
#[test]
fn without_credentials_records_still_expire_and_the_flush_settles() {
    let mut cfg = config();
    cfg.record_ttl_ms = 5_000;
    let mut h = Harness::new(cfg);
    h.put("a", "1");
    h.advance(1_000);
    h.put("b", "2");
    let flush = h.producer.flush(h.now);
    let expiry = h.producer.poll_unsigned(h.now);
    assert_eq!(expiry, Some(START_MS + 5_000));
    assert_eq!(h.producer.stats(h.now).requests, 0);
    h.now = expiry.unwrap();
    assert_eq!(h.producer.poll_unsigned(h.now), Some(START_MS + 6_000));
    assert!(h.producer.flush_report(flush).is_none(), "b is still held");
    h.now = START_MS + 6_000;
    assert_eq!(h.producer.poll_unsigned(h.now), None);
    let report = h.producer.flush_report(flush).expect("the flush settled");
    assert_eq!((report.sent, report.failed), (0, 2));
    let expired = h
        .producer
        .drain_events()
        .into_iter()
        .filter(|event| {
            matches!(
                event,
                ProducerEvent::RecordsFailed {
                    code: ErrorCode::RecordExpired,
                    ..
                }
            )
        })
        .count();
    assert_eq!(expired, 2);
}

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
    Malformed,
    Transport(TransportErrorKind),
}

#[derive(Clone, Debug)]
enum Op {
    Put {
        key: u8,
        size: usize,
    },
    Advance(u64),
    Poll,
    Reply {
        pick: usize,
        reply: Reply,
    },
    Flush,
    Online(bool),
    Resume,
    /// A page-exit request of at most this many body bytes.
    Keepalive(usize),
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        2 => Just(Reply::AllOk),
        2 => any::<u64>().prop_map(Reply::Partial),
        1 => any::<u64>().prop_map(Reply::PartialNotRetryable),
        1 => Just(Reply::ServerError),
        1 => Just(Reply::Throttled),
        1 => Just(Reply::ExpiredToken),
        1 => Just(Reply::ClockSkew),
        1 => Just(Reply::NotRetryable),
        1 => Just(Reply::Malformed),
        4 => Just(Reply::Transport(TransportErrorKind::Network)),
        2 => Just(Reply::Transport(TransportErrorKind::Timeout)),
        1 => Just(Reply::Transport(TransportErrorKind::Aborted)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u8..6, 0usize..60).prop_map(|(key, size)| Op::Put { key, size }),
        3 => prop_oneof![0u64..50, 50u64..3_000, 3_000u64..40_000].prop_map(Op::Advance),
        4 => Just(Op::Poll),
        6 => (any::<usize>(), reply()).prop_map(|(pick, reply)| Op::Reply { pick, reply }),
        1 => Just(Op::Flush),
        1 => any::<bool>().prop_map(Op::Online),
        1 => Just(Op::Resume),
        1 => (100usize..2_000).prop_map(Op::Keepalive),
    ]
}

/// Configurations with a day-long TTL, so that expiry cannot stand in for a missing wake-up.
fn liveness_config() -> impl Strategy<Value = ProducerConfig> {
    (
        0u64..2_000,
        1usize..=5,
        1u32..=100,
        1usize..=4,
        1u64..=500,
        0u64..=3_000,
        1_000u64..=10_000,
    )
        .prop_map(
            |(interval, batch, attempts, in_flight, base, extra, paused)| {
                let mut config = config();
                config.flush_interval_ms = interval;
                config.max_batch_records = batch;
                config.max_attempts = attempts;
                config.max_in_flight = in_flight;
                config.retry_base_ms = base;
                config.retry_max_ms = base + extra;
                config.paused_retry_ms = paused;
                config
            },
        )
}

/// The longest wait a healthy producer with held records can ask for in these configurations: a
/// backoff, a probe, a pause probe or a flush interval, never the TTL.
const LONGEST_WAKE_MS: u64 = MAX_PROBE_MS;

/// A producer under faults, with the requests it has out.
struct Run {
    h: Harness,
    in_flight: Vec<RequestId>,
    flushes: Vec<FlushId>,
}

impl Run {
    fn poll(&mut self) -> Action {
        loop {
            match self.h.producer.poll(self.h.now) {
                Action::Send(request) => self.in_flight.push(request.id),
                other => return other,
            }
        }
    }

    fn reply(&mut self, pick: usize, reply: Reply) {
        if self.in_flight.is_empty() {
            return;
        }
        let id = self.in_flight.remove(pick % self.in_flight.len());
        let n = self
            .h
            .producer
            .request_event_ids(id)
            .expect("in flight")
            .len();
        let mask = |seed: u64| {
            (0..n)
                .map(|i| (seed >> (i % 64)) & 1 == 1)
                .collect::<Vec<_>>()
        };
        if let Reply::Transport(kind) = reply {
            self.h.producer.on_transport_error(id, kind, self.h.now);
            return;
        }
        let (status, body) = match reply {
            Reply::AllOk => (200, ok_body(n)),
            Reply::Partial(seed) => (200, partial_body(&mask(seed))),
            Reply::PartialNotRetryable(seed) => (
                200,
                partial_body_with(&mask(seed), "KMSAccessDeniedException"),
            ),
            Reply::ServerError => (500, Vec::new()),
            Reply::Throttled => (
                400,
                error_body("ProvisionedThroughputExceededException", "slow down"),
            ),
            Reply::ExpiredToken => (
                400,
                error_body(
                    "ExpiredTokenException",
                    "The security token included in the request is expired",
                ),
            ),
            Reply::ClockSkew => (
                400,
                error_body(
                    "InvalidSignatureException",
                    "Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z",
                ),
            ),
            Reply::NotRetryable => (
                400,
                error_body("ResourceNotFoundException", "Stream model not found"),
            ),
            Reply::Malformed => (200, b"{\"Records\":".to_vec()),
            Reply::Transport(_) => unreachable!("answered above"),
        };
        self.h.respond(id, status, &body);
    }

    /// The server answers every request from now on; the clock moves only to the wake-ups the
    /// producer asks for. Everything held must be sent and every flush must complete.
    fn drain(&mut self) -> std::result::Result<(), TestCaseError> {
        let start = self.h.now;
        for _ in 0..100_000 {
            let action = self.poll();
            if !self.in_flight.is_empty() {
                self.reply(0, Reply::AllOk);
                continue;
            }
            let stats = self.h.producer.stats(self.h.now);
            let held = stats.buffered_records + stats.in_flight_records;
            match action {
                Action::Idle => {
                    prop_assert_eq!(held, 0, "Idle with records held: {:?}", stats);
                    break;
                }
                Action::WaitUntil(at) => {
                    prop_assert!(at > self.h.now, "WaitUntil in the past");
                    if held == 0 {
                        break;
                    }
                    prop_assert!(
                        at - self.h.now <= LONGEST_WAKE_MS,
                        "{} records held, next wake-up {} ms away: {:?}",
                        held,
                        at - self.h.now,
                        stats
                    );
                    self.h.now = at;
                }
                Action::Send(_) => unreachable!(),
            }
        }
        let stats = self.h.producer.stats(self.h.now);
        prop_assert_eq!(stats.buffered_records + stats.in_flight_records, 0);
        prop_assert!(self.h.now - start < 3_600_000, "an hour to drain");
        for id in &self.flushes {
            prop_assert!(
                self.h.producer.flush_report(*id).is_some(),
                "flush {:?} never completed",
                id
            );
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// After any sequence of faults (including the runtime saying it is offline and never online
    /// again), a server that answers lets the producer send everything and complete every flush,
    /// woken only by its own `WaitUntil`.
    #[test]
    fn every_flush_settles_once_the_server_answers(
        config in liveness_config(),
        seed in any::<u64>(),
        ops in proptest::collection::vec(op(), 1..200),
    ) {
        let mut run = Run {
            h: Harness {
                producer: Producer::new(config, seed).unwrap(),
                now: START_MS,
            },
            in_flight: Vec::new(),
            flushes: Vec::new(),
        };
        for op in ops {
            match op {
                Op::Put { key, size } => {
                    let text = "x".repeat(size);
                    // BufferFull is a fine answer under faults.
                    let _ = run.h.producer.put(
                        text.into_bytes(),
                        PutOptions::key(format!("k{key}")),
                        run.h.now,
                    );
                }
                Op::Advance(ms) => run.h.advance(ms),
                Op::Poll => {
                    run.poll();
                }
                Op::Reply { pick, reply } => run.reply(pick, reply),
                Op::Flush => {
                    let id = run.h.producer.flush(run.h.now);
                    run.flushes.push(id);
                }
                Op::Online(online) => run.h.producer.set_online(online, run.h.now),
                Op::Resume => run.h.producer.resume(run.h.now),
                Op::Keepalive(room) => {
                    while let Some(request) = run.h.producer.poll_keepalive(run.h.now, room) {
                        run.in_flight.push(request.id);
                    }
                }
            }
        }
        let id = run.h.producer.flush(run.h.now);
        run.flushes.push(id);
        run.drain()?;
    }
}
