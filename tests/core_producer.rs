//! Scripted producer scenarios with a manual clock: flush triggers, batching caps, per-key order and
//! exclusivity, every retry path, pauses, TTL, overflow policies, close and stats.
#![cfg(not(target_arch = "wasm32"))]

mod core_support;

use core_support::*;
use kinesis_clickstream::core::config::OverflowPolicy;
use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::events::{DropReason, ProducerEvent};
use kinesis_clickstream::core::flush::FlushReport;
use kinesis_clickstream::core::limits::{MAX_BATCH_BYTES, MAX_RECORD_BYTES};
use kinesis_clickstream::core::producer::{Action, RequestId, ResponseOutcome, TransportErrorKind};
use kinesis_clickstream::core::record::PutOptions;
use kinesis_clickstream::core::retry::GiveUp;

fn failed_events(events: &[ProducerEvent]) -> Vec<&ProducerEvent> {
    events
        .iter()
        .filter(|e| matches!(e, ProducerEvent::RecordsFailed { .. }))
        .collect()
}

#[test]
fn a_partial_batch_waits_for_the_flush_interval_after_its_oldest_record() {
    let mut h = Harness::new(config());
    h.put("a", "1");
    let start = h.now;
    assert_eq!(h.poll().1, Action::WaitUntil(start + 1000));
    h.advance(400);
    h.put("b", "2");
    assert_eq!(h.poll(), (vec![], Action::WaitUntil(start + 1000)));
    h.advance(599);
    assert!(h.poll().0.is_empty());
    h.advance(1);
    let sent = h.poll_one();
    assert_eq!(sent.texts(), ["1", "2"]);
    assert_eq!(h.accept(&sent), ResponseOutcome::Delivered);
    assert_eq!(h.poll().1, Action::Idle);
}

#[test]
fn a_full_batch_of_500_goes_at_once_and_the_501st_waits() {
    let mut h = Harness::new(config());
    for i in 0..500 {
        h.put(&format!("k{}", i % 7), &i.to_string());
    }
    h.put("other", "500");
    let (sent, next) = h.poll();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].records.len(), 500);
    let texts = sent[0].texts();
    assert_eq!(texts.first().map(String::as_str), Some("0"));
    assert_eq!(texts.last().map(String::as_str), Some("499"));
    assert_eq!(next, Action::WaitUntil(h.now + 1000));
    // A record whose key is in flight waits for that request, not for a timer.
    h.put("k0", "501");
    h.advance(1000);
    assert_eq!(h.poll_one().texts(), ["500"]);
}

#[test]
fn a_lower_record_cap_splits_batches_oldest_first() {
    let mut cfg = config();
    cfg.max_batch_records = 3;
    let mut h = Harness::new(cfg);
    for i in 0..7 {
        h.put(&format!("k{i}"), &i.to_string());
    }
    let (sent, _) = h.poll();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].texts(), ["0", "1", "2"]);
    assert_eq!(sent[1].texts(), ["3", "4", "5"]);
    h.advance(1000);
    assert_eq!(h.poll_one().texts(), ["6"]);
}

#[test]
fn exactly_5_mib_fits_one_request_and_a_record_is_never_split() {
    let mut cfg = config();
    cfg.max_buffered_bytes = 16 * 1_048_576;
    let mut h = Harness::new(cfg);
    let data = vec![b'x'; MAX_RECORD_BYTES - 2];
    for i in 0..6 {
        h.producer
            .put(data.clone(), PutOptions::key(format!("k{i}")), h.now)
            .unwrap();
    }
    let (sent, _) = h.poll();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].records.len(), 5);
    assert_eq!(sent[0].payload_bytes, MAX_BATCH_BYTES);
    h.producer.flush(h.now);
    let rest = h.poll_one();
    assert_eq!(rest.records.len(), 1);
}

#[test]
fn one_byte_over_the_batch_bytes_cap_starts_a_new_request() {
    let mut cfg = config();
    cfg.max_batch_bytes = 10;
    let mut h = Harness::new(cfg);
    h.put("a", "1234"); // 5 bytes
    h.put("b", "1234"); // 5 bytes: exactly 10
    h.put("c", "1"); // would make 12
    h.producer.flush(h.now);
    let (sent, _) = h.poll();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].payload_bytes, 10);
    assert_eq!(sent[1].texts(), ["1"]);
    let error = h
        .producer
        .put(vec![0; 10], PutOptions::key("d"), h.now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::RecordTooLarge);
    assert!(
        error.message().contains("maxBatchBytes is 10"),
        "{}",
        error.message()
    );
}

#[test]
fn flush_sends_now_and_reports_when_everything_is_acknowledged() {
    let mut h = Harness::new(config());
    h.put("a", "1");
    h.put("b", "2");
    let flush = h.producer.flush(h.now);
    assert_eq!(h.producer.flush_report(flush), None);
    let sent = h.poll_one();
    assert_eq!(h.producer.flush_report(flush), None);
    h.accept(&sent);
    assert_eq!(
        h.producer.flush_report(flush),
        Some(FlushReport {
            sent: 2,
            ..FlushReport::default()
        })
    );
    let events = h.producer.drain_events();
    assert!(events
        .iter()
        .any(|e| matches!(e, ProducerEvent::FlushCompleted { id, .. } if *id == flush)));
    assert!(events
        .iter()
        .any(|e| matches!(e, ProducerEvent::BatchDelivered { ids, .. } if ids.len() == 2)));
    // A flush with nothing held completes at once.
    let empty = h.producer.flush(h.now);
    assert_eq!(h.producer.flush_report(empty), Some(FlushReport::default()));
}

#[test]
fn a_key_is_never_in_two_requests_and_a_retried_record_goes_before_newer_ones() {
    let mut h = Harness::new(config());
    h.put("a", "a1");
    h.put("a", "a2");
    h.producer.flush(h.now);
    let first = h.poll_one();
    assert_eq!(first.texts(), ["a1", "a2"]);

    h.put("a", "a3");
    h.put("b", "b1");
    h.producer.flush(h.now);
    let second = h.poll_one();
    assert_eq!(
        second.texts(),
        ["b1"],
        "a3 must wait while a1, a2 are in flight"
    );

    // a1 fails, a2 is accepted (the one reordering Kinesis can cause); a1 goes before a3.
    assert_eq!(
        h.respond(first.id, 200, &partial_body(&[false, true])),
        ResponseOutcome::PartiallyFailed
    );
    let (sent, wait) = h.poll();
    let resend = if sent.is_empty() {
        let Action::WaitUntil(at) = wait else {
            panic!("expected a backoff wait, got {wait:?}")
        };
        assert!(
            at <= h.now + 100,
            "first retry backs off at most retryBaseMs"
        );
        h.now = at;
        h.poll_one()
    } else {
        sent.into_iter().next().unwrap()
    };
    assert_eq!(resend.texts(), ["a1", "a3"]);
    let stats = h.producer.stats(h.now);
    assert_eq!(stats.retried, 1);
    assert_eq!(stats.sent, 1);
}

#[test]
fn retryable_errors_back_off_and_give_up_at_max_attempts_with_the_last_error() {
    let mut cfg = config();
    cfg.max_attempts = 3;
    let mut h = Harness::new(cfg);
    let id = h.put("a", "x");
    h.producer.flush(h.now);
    for attempt in 1..=3 {
        let sent = h.poll_one();
        let outcome = h.respond(sent.id, 503, &error_body("ServiceUnavailable", "try later"));
        assert_eq!(outcome, ResponseOutcome::Retrying);
        if attempt < 3 {
            let (none, wait) = h.poll();
            if none.is_empty() {
                let Action::WaitUntil(at) = wait else {
                    panic!("{wait:?}")
                };
                let ceiling = 100u64 << (attempt - 1);
                assert!(
                    at - h.now <= ceiling,
                    "attempt {attempt}: waited {} > {ceiling}",
                    at - h.now
                );
                h.now = at;
            } else {
                panic!("resent without waiting: {none:?}");
            }
        }
    }
    let events = h.producer.drain_events();
    let failed = failed_events(&events);
    assert_eq!(failed.len(), 1);
    let ProducerEvent::RecordsFailed {
        ids,
        code,
        aws_error,
        message,
        reason,
    } = failed[0]
    else {
        unreachable!()
    };
    assert_eq!(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>(), [id]);
    assert_eq!(*code, ErrorCode::ServiceError);
    assert_eq!(aws_error.as_deref(), Some("ServiceUnavailable"));
    assert_eq!(message, "try later");
    assert_eq!(*reason, GiveUp::MaxAttempts);
    let stats = h.producer.stats(h.now);
    assert_eq!(stats.failed.get("ServiceUnavailable"), Some(&1));
    assert_eq!(stats.buffered_records + stats.in_flight_records, 0);
    assert_eq!(h.poll().1, Action::Idle);
}

#[test]
fn expired_credentials_resend_at_once_without_counting_once() {
    let mut cfg = config();
    cfg.max_attempts = 1;
    let mut h = Harness::new(cfg);
    h.put("a", "x");
    h.producer.flush(h.now);
    let first = h.poll_one();
    let outcome = h.respond(
        first.id,
        400,
        &error_body(
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
    );
    assert_eq!(outcome, ResponseOutcome::RefreshCredentials);
    // Resent at once, and with maxAttempts 1 it is still allowed: the first send did not count.
    let second = h.poll_one();
    assert_eq!(second.texts(), ["x"]);
    // A second credential failure in a row counts: with maxAttempts 1 the record now fails.
    let outcome = h.respond(
        second.id,
        400,
        &error_body("ExpiredTokenException", "expired"),
    );
    assert_eq!(outcome, ResponseOutcome::RefreshCredentials);
    let events = h.producer.drain_events();
    assert_eq!(failed_events(&events).len(), 1);
}

#[test]
fn clock_skew_resends_at_once() {
    let mut h = Harness::new(config());
    h.put("a", "x");
    h.producer.flush(h.now);
    let first = h.poll_one();
    let outcome = h.respond(
        first.id,
        400,
        &error_body(
            "com.amazonaws.kinesis#InvalidSignatureException",
            "Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z",
        ),
    );
    assert_eq!(outcome, ResponseOutcome::CorrectClock);
    let again = h.poll_one();
    assert_eq!(h.accept(&again), ResponseOutcome::Delivered);
}

#[test]
fn a_non_retryable_error_pauses_once_keeps_the_records_and_probes_later() {
    let mut cfg = config();
    cfg.max_batch_records = 1;
    cfg.max_attempts = 1;
    let mut h = Harness::new(cfg);
    for i in 0..3 {
        h.put(&format!("k{i}"), &i.to_string());
    }
    let (sent, _) = h.poll();
    assert_eq!(sent.len(), 3);
    let missing = error_body("ResourceNotFoundException", "Stream clickstream not found");
    assert_eq!(
        h.respond(sent[0].id, 400, &missing),
        ResponseOutcome::Paused
    );
    assert_eq!(
        h.respond(sent[1].id, 400, &missing),
        ResponseOutcome::Paused
    );
    let events = h.producer.drain_events();
    let pauses = events
        .iter()
        .filter(|e| matches!(e, ProducerEvent::Paused { .. }))
        .count();
    assert_eq!(pauses, 1, "reported once: {events:?}");
    assert!(h.producer.stats(h.now).paused);

    // The third request was accepted; nothing is sent while paused.
    h.accept(&sent[2]);
    h.put("k9", "9");
    let flush = h.producer.flush(h.now);
    assert_eq!(h.poll(), (vec![], Action::WaitUntil(h.now + 60_000)));
    // Nothing in flight and paused: the flush completes with the held records pending.
    let report = h.producer.flush_report(flush).unwrap();
    assert_eq!(report.pending, 3);

    // After the pause interval exactly one probe goes out; the records did not use up maxAttempts.
    h.advance(60_000);
    let (probe, _) = h.poll();
    assert_eq!(probe.len(), 1);
    assert_eq!(
        h.respond(probe[0].id, 400, &missing),
        ResponseOutcome::Paused
    );
    assert!(h
        .producer
        .drain_events()
        .iter()
        .all(|e| !matches!(e, ProducerEvent::Paused { .. })));
    assert_eq!(h.poll(), (vec![], Action::WaitUntil(h.now + 60_000)));

    h.advance(60_000);
    let probe = h.poll_one();
    assert_eq!(h.accept(&probe), ResponseOutcome::Delivered);
    assert!(h.producer.drain_events().contains(&ProducerEvent::Resumed));
    let (rest, _) = h.poll();
    assert_eq!(rest.len(), 2);
    assert_eq!(h.producer.stats(h.now).failed_total(), 0);
}

#[test]
fn resume_leaves_a_pause_at_once() {
    let mut h = Harness::new(config());
    h.put("a", "x");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    h.respond(sent.id, 403, &error_body("AccessDeniedException", "no"));
    assert!(h.producer.is_paused());
    h.producer.resume(h.now);
    assert!(!h.producer.is_paused());
    let again = h.poll_one();
    assert_eq!(again.texts(), ["x"]);
}

#[test]
fn records_expire_after_their_ttl_even_while_paused() {
    let mut cfg = config();
    cfg.record_ttl_ms = 10_000;
    cfg.paused_retry_ms = 60_000;
    let mut h = Harness::new(cfg);
    h.put("a", "x");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    h.respond(
        sent.id,
        400,
        &error_body("KMSDisabledException", "key disabled"),
    );
    h.producer.drain_events();
    assert_eq!(h.poll().1, Action::WaitUntil(h.now + 10_000));
    h.advance(10_000);
    h.poll();
    let events = h.producer.drain_events();
    let failed = failed_events(&events);
    assert_eq!(failed.len(), 1);
    let ProducerEvent::RecordsFailed {
        aws_error, reason, ..
    } = failed[0]
    else {
        unreachable!()
    };
    assert_eq!(aws_error.as_deref(), Some("KMSDisabledException"));
    assert_eq!(*reason, GiveUp::Expired);
}

#[test]
fn a_record_never_sent_expires_as_record_expired() {
    let mut cfg = config();
    cfg.record_ttl_ms = 5_000;
    let mut h = Harness::new(cfg);
    h.put("a", "1");
    h.producer.flush(h.now);
    let first = h.poll_one();
    h.put("a", "2");
    h.producer.flush(h.now);
    assert!(h.poll().0.is_empty(), "key a is in flight");
    h.advance(5_000);
    h.poll();
    let events = h.producer.drain_events();
    let failed = failed_events(&events);
    assert_eq!(failed.len(), 1);
    let ProducerEvent::RecordsFailed { code, reason, .. } = failed[0] else {
        unreachable!()
    };
    assert_eq!(*code, ErrorCode::RecordExpired);
    assert_eq!(*reason, GiveUp::Expired);
    // The in-flight one is judged when its response comes: accepted even though late.
    assert_eq!(h.accept(&first), ResponseOutcome::Delivered);
    assert_eq!(
        h.producer.stats(h.now).failed.get("RecordExpired"),
        Some(&1)
    );
}

#[test]
fn a_record_count_mismatch_is_a_protocol_error_and_the_records_are_resent() {
    let mut h = Harness::new(config());
    h.put("a", "1");
    h.put("b", "2");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    let outcome = h.respond(sent.id, 200, &ok_body(1));
    assert_eq!(outcome, ResponseOutcome::ProtocolError);
    assert_eq!(h.producer.stats(h.now).buffered_records, 2);
    h.advance(100);
    let again = h.poll_one();
    assert_eq!(again.texts(), ["1", "2"]);
}

#[test]
fn a_malformed_body_is_a_protocol_error() {
    let mut h = Harness::new(config());
    h.put("a", "1");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    assert_eq!(
        h.respond(sent.id, 200, b"<html>oops</html>"),
        ResponseOutcome::ProtocolError
    );
    assert_eq!(
        h.respond(RequestId(999), 200, &ok_body(1)),
        ResponseOutcome::ProtocolError
    );
    assert_eq!(h.producer.stats(h.now).buffered_records, 1);
}

#[test]
fn transport_errors_are_retried() {
    let mut h = Harness::new(config());
    h.put("a", "1");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    h.producer
        .on_transport_error(sent.id, TransportErrorKind::Timeout, h.now);
    assert_eq!(h.producer.stats(h.now).retried, 1);
    h.advance(100);
    let again = h.poll_one();
    assert_eq!(again.texts(), ["1"]);
}

#[test]
fn in_flight_requests_are_bounded() {
    let mut cfg = config();
    cfg.max_in_flight = 2;
    cfg.max_batch_records = 1;
    let mut h = Harness::new(cfg);
    for i in 0..5 {
        h.put(&format!("k{i}"), &i.to_string());
    }
    h.producer.flush(h.now);
    let (sent, wait) = h.poll();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        wait,
        Action::WaitUntil(h.now + 86_400_000),
        "only the TTL timer while slots are full"
    );
    h.accept(&sent[0]);
    assert_eq!(h.poll_one().texts(), ["2"]);
}

#[test]
fn a_full_buffer_rejects_the_new_event_by_default() {
    let mut cfg = config();
    cfg.max_buffered_records = 2;
    let mut h = Harness::new(cfg);
    h.put("a", "1");
    h.put("a", "2");
    let error = h
        .producer
        .put(b"3".to_vec(), PutOptions::key("a"), h.now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::BufferFull);
    assert!(
        error.message().contains("maxBufferedRecords is 2"),
        "{}",
        error.message()
    );
    let stats = h.producer.stats(h.now);
    assert_eq!(stats.rejected, 1);
    assert_eq!(stats.buffered_records, 2);
    h.producer.flush(h.now);
    assert_eq!(h.poll_one().texts(), ["1", "2"]);
}

#[test]
fn drop_oldest_makes_room_and_counts_the_drop() {
    let mut cfg = config();
    cfg.max_buffered_records = 2;
    cfg.overflow = OverflowPolicy::DropOldest;
    let mut h = Harness::new(cfg);
    let first = h.put("a", "1");
    h.put("b", "2");
    h.put("c", "3");
    let events = h.producer.drain_events();
    assert!(matches!(
        &events[..],
        [ProducerEvent::RecordsDropped { ids, reason: DropReason::Overflow }] if ids.len() == 1 && ids[0].to_string() == first
    ));
    let stats = h.producer.stats(h.now);
    assert_eq!(stats.dropped.get("overflow"), Some(&1));
    h.producer.flush(h.now);
    assert_eq!(h.poll_one().texts(), ["2", "3"]);
    // Everything held is in flight: nothing can be dropped, so the new event is rejected.
    let error = h
        .producer
        .put(b"4".to_vec(), PutOptions::key("d"), h.now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::BufferFull);
}

#[test]
fn close_refuses_puts_and_its_flush_completes_after_delivery() {
    let mut h = Harness::new(config());
    h.put("a", "1");
    let closing = h.producer.close(h.now);
    let error = h
        .producer
        .put(b"2".to_vec(), PutOptions::key("a"), h.now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Closed);
    let sent = h.poll_one();
    assert_eq!(h.producer.flush_report(closing), None);
    h.accept(&sent);
    assert_eq!(h.producer.flush_report(closing).unwrap().sent, 1);
}

#[test]
fn stats_describe_what_is_held() {
    let mut h = Harness::new(config());
    h.put("a", "12345");
    h.advance(250);
    h.put("b", "1");
    let stats = h.producer.stats(h.now);
    assert_eq!(stats.buffered_records, 2);
    assert_eq!(stats.buffered_bytes, 6 + 2);
    assert_eq!(stats.oldest_age_ms, Some(250));
    h.producer.flush(h.now);
    let sent = h.poll_one();
    h.advance(50);
    let stats = h.producer.stats(h.now);
    assert_eq!(
        (
            stats.buffered_records,
            stats.in_flight_records,
            stats.in_flight_requests
        ),
        (0, 2, 1)
    );
    assert_eq!(stats.in_flight_bytes, 8);
    assert_eq!(stats.oldest_age_ms, Some(300));
    h.accept(&sent);
    let stats = h.producer.stats(h.now);
    assert_eq!(
        (stats.sent, stats.requests, stats.oldest_age_ms),
        (2, 1, None)
    );
}

#[test]
fn put_returns_time_ordered_uuid_v7_ids() {
    let mut h = Harness::new(config());
    let a = h.put("a", "1");
    let b = h.put("a", "2");
    h.advance(1);
    let c = h.put("a", "3");
    assert!(a < b && b < c, "{a} {b} {c}");
    assert_eq!(&a[14..15], "7");
}

#[test]
fn a_non_retryable_record_error_pauses_and_keeps_that_record() {
    let mut h = Harness::new(config());
    h.put("a", "1");
    h.put("b", "2");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    let body = partial_body_with(&[true, false], "KMSAccessDeniedException");
    assert_eq!(h.respond(sent.id, 200, &body), ResponseOutcome::Paused);
    let events = h.producer.drain_events();
    assert!(events
        .iter()
        .any(|e| matches!(e, ProducerEvent::BatchDelivered { ids, .. } if ids.len() == 1)));
    assert!(events.iter().any(|e| matches!(e, ProducerEvent::Paused { aws_error, .. } if aws_error.as_deref() == Some("KMSAccessDeniedException"))));
    let stats = h.producer.stats(h.now);
    assert_eq!(
        (stats.sent, stats.buffered_records, stats.failed_total()),
        (1, 1, 0)
    );
    h.advance(60_000);
    assert_eq!(h.poll_one().texts(), ["2"]);
}

#[test]
fn a_clock_stepping_back_keeps_ids_and_ages_ordered() {
    let mut h = Harness::new(config());
    let first = h.put("a", "1");
    h.now -= 5_000;
    let second = h.put("b", "2");
    assert!(second > first);
    // The second record counts as put no earlier than the first: both are due together.
    assert_eq!(h.poll().1, Action::WaitUntil(START_MS + 1000));
    h.now = START_MS + 1000;
    assert_eq!(h.poll_one().texts(), ["1", "2"]);
}

#[test]
fn a_flush_report_counts_dropped_records() {
    let mut cfg = config();
    cfg.max_buffered_records = 1;
    cfg.overflow = OverflowPolicy::DropOldest;
    let mut h = Harness::new(cfg);
    h.put("a", "1");
    let flush = h.producer.flush(h.now);
    h.put("a", "2");
    let report = h.producer.flush_report(flush).unwrap();
    assert_eq!(
        report,
        FlushReport {
            dropped: 1,
            ..FlushReport::default()
        }
    );
}
