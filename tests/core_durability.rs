//! Durable delivery in the core, on a manual clock: restoring persisted records, the keepalive request
//! packed against the browser's budget, the offline gate, and the backlog lease between tabs.
#![cfg(not(target_arch = "wasm32"))]

mod core_support;

use std::collections::{BTreeMap, BTreeSet};

use core_support::*;
use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::event_id::EventId;
use kinesis_clickstream::core::events::ProducerEvent;
use kinesis_clickstream::core::keepalive::{
    keepalive_room, request_body_len, BROWSER_KEEPALIVE_BYTES,
};
use kinesis_clickstream::core::lease::{LeaseBook, DRAIN_LEASE_MS, HEARTBEAT_MS, TAB_EXPIRY_MS};
use kinesis_clickstream::core::offline::{FIRST_PROBE_MS, MAX_PROBE_MS};
use kinesis_clickstream::core::persisted::PersistedRecord;
use kinesis_clickstream::core::producer::{Action, TransportErrorKind};
use kinesis_clickstream::core::rng::Rng;

fn persisted(id: u128, put_at_ms: u64, key: &str, text: &str) -> PersistedRecord {
    PersistedRecord {
        id: EventId(id),
        put_at_ms,
        partition_key: key.into(),
        explicit_hash_key: None,
        data: text.as_bytes().to_vec(),
    }
}

fn delivered_ids(events: &[ProducerEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            ProducerEvent::BatchDelivered { ids, .. } => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .map(|id| id.to_string())
        .collect()
}

#[test]
fn a_restored_record_keeps_its_id_and_put_time_and_counts_as_recovered() {
    let mut h = Harness::new(config());
    let earlier = h.now - 5_000;
    let record = persisted(
        0x0190_0000_0000_7000_8000_0000_0000_0001,
        earlier,
        "s",
        "old",
    );
    let bytes = record.encode().unwrap();
    let decoded = PersistedRecord::decode(&bytes).unwrap();
    h.producer.restore(&decoded, h.now).unwrap();
    assert_eq!(h.producer.stats(h.now).recovered, 1);
    assert_eq!(h.producer.stats(h.now).oldest_age_ms, Some(5_000));
    // Put 5 s ago, past the 1 s flush interval: due at once.
    let sent = h.poll_one();
    assert_eq!(sent.texts(), vec!["old"]);
    h.accept(&sent);
    assert_eq!(
        delivered_ids(&h.producer.drain_events()),
        vec![record.id.to_string()]
    );
}

#[test]
fn a_restored_record_expires_by_its_original_put_time() {
    let mut cfg = config();
    cfg.record_ttl_ms = 10_000;
    let mut h = Harness::new(cfg);
    h.producer
        .restore(&persisted(7, h.now - 9_999, "s", "x"), h.now)
        .unwrap();
    h.producer.set_online(false, h.now);
    h.advance(1);
    h.poll();
    let failed = h.producer.drain_events();
    assert!(
        matches!(&failed[..], [ProducerEvent::RecordsFailed { ids, code: ErrorCode::RecordExpired, .. }] if ids == &[EventId(7)]),
        "{failed:?}"
    );
}

#[test]
fn restore_unless_full_answers_the_size_where_restore_refuses_a_full_buffer() {
    let mut cfg = config();
    cfg.max_buffered_records = 1;
    let mut h = Harness::new(cfg);
    assert_eq!(
        h.producer
            .restore_unless_full(&persisted(1, h.now, "b", "2"), h.now)
            .unwrap(),
        None
    );
    let full = persisted(2, h.now, "key", "data");
    assert_eq!(
        h.producer.restore_unless_full(&full, h.now).unwrap(),
        Some("key".len() + "data".len())
    );
    let error = h.producer.restore(&full, h.now).unwrap_err();
    assert_eq!(error.code(), ErrorCode::BufferFull);
    assert_eq!(
        error.message(),
        "the buffer holds 1 records and 2 bytes; maxBufferedRecords is 1 and maxBufferedBytes is 8388608, so restored record 00000000-0000-0000-0000-000000000002 (7 bytes) does not fit"
    );
    let stats = h.producer.stats(h.now);
    assert_eq!((stats.buffered_records, stats.recovered), (1, 1));
    h.producer.close(h.now);
    let closed = h
        .producer
        .restore_unless_full(&persisted(3, h.now, "b", "2"), h.now)
        .unwrap_err();
    assert_eq!(closed.code(), ErrorCode::Closed);
}

#[test]
fn restore_refuses_what_does_not_fit_without_dropping_or_counting_a_rejection() {
    let mut cfg = config();
    cfg.max_buffered_records = 2;
    let mut h = Harness::new(cfg);
    h.put("a", "1");
    h.producer
        .restore(&persisted(1, h.now, "b", "2"), h.now)
        .unwrap();
    let error = h
        .producer
        .restore(&persisted(2, h.now, "b", "3"), h.now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::BufferFull);
    assert!(
        error.message().contains("maxBufferedRecords is 2"),
        "{error}"
    );
    let stats = h.producer.stats(h.now);
    assert_eq!(
        (stats.buffered_records, stats.rejected, stats.recovered),
        (2, 0, 1)
    );
    assert!(h.producer.drain_events().is_empty(), "nothing dropped");
}

#[test]
fn a_persisted_copy_is_found_by_the_id_text_put_returned() {
    let mut h = Harness::new(config());
    let id = h.put("a", "1");
    let copy = h.producer.persisted_copy_of(&id, "a").unwrap();
    assert_eq!(
        Some(copy),
        h.producer.persisted_copy(id.parse().unwrap(), "a")
    );
    assert!(h.producer.persisted_copy_of(&id, "b").is_none());
    assert!(h
        .producer
        .persisted_copy_of("00000000-0000-0000-0000-000000000000", "a")
        .is_none());
    let second = h.put("a", "2");
    assert!(h.producer.persisted_copy_of(&id, "a").is_none());
    assert_eq!(
        h.producer.persisted_copy_of(&second, "a").unwrap().data,
        b"2"
    );
}

#[test]
fn put_time_and_in_flight_ids_are_what_a_persisted_copy_needs() {
    let mut h = Harness::new(config());
    let id = h.put("a", "1");
    assert_eq!(h.producer.last_put_ms(), h.now);
    assert_eq!(id.parse::<EventId>().unwrap().timestamp_ms(), h.now);
    let copy = h.producer.persisted_copy(id.parse().unwrap(), "a").unwrap();
    assert_eq!(
        (copy.id.to_string(), copy.put_at_ms, copy.data.as_slice()),
        (id.clone(), h.now, &b"1"[..])
    );
    let second = h.put("a", "2");
    assert!(h
        .producer
        .persisted_copy(id.parse().unwrap(), "a")
        .is_none());
    assert!(h
        .producer
        .persisted_copy(second.parse().unwrap(), "b")
        .is_none());
    h.producer.flush(h.now);
    let sent = h.poll_one();
    assert_eq!(
        h.producer.request_event_ids(sent.id),
        Some(vec![id.parse().unwrap(), second.parse().unwrap()])
    );
    h.accept(&sent);
    assert_eq!(h.producer.request_event_ids(sent.id), None);
}

/// 2,000 buffered events at page exit: keepalive requests fill the budget exactly as far as whole
/// records fit, never split one, and the rest stays buffered for the next page.
#[test]
fn keepalive_requests_fill_the_budget_with_whole_records_and_leave_the_rest() {
    let mut h = Harness::new(config());
    for n in 0..2_000 {
        let text = format!("{{\"event\":{n},\"pad\":\"{}\"}}", "x".repeat(n % 97));
        h.put(&format!("session-{}", n % 3), &text);
    }
    let in_flight_before = 1_500;
    let mut in_flight = in_flight_before;
    let mut sent = Vec::new();
    while let Some(request) = h
        .producer
        .poll_keepalive(h.now, keepalive_room(BROWSER_KEEPALIVE_BYTES, in_flight))
    {
        let decoded = decode(&request);
        assert_eq!(
            request_body_len(&config().stream, &decoded.records),
            request.body.len()
        );
        in_flight += request.body.len();
        assert!(in_flight <= BROWSER_KEEPALIVE_BYTES, "{in_flight}");
        sent.push(decoded);
    }
    assert!(!sent.is_empty());
    let records: usize = sent.iter().map(|s| s.records.len()).sum();
    let stats = h.producer.stats(h.now);
    assert_eq!(stats.buffered_records + records, 2_000);
    // Less room is left than the largest record's body (about 190 bytes) plus its comma: packing
    // stopped only because the next record did not fit.
    assert!(
        BROWSER_KEEPALIVE_BYTES - in_flight < 200,
        "{} bytes of room left unused",
        BROWSER_KEEPALIVE_BYTES - in_flight
    );
    // Every event sent once.
    let mut texts = BTreeSet::new();
    for request in &sent {
        for record in &request.records {
            assert!(texts.insert(String::from_utf8(record.data().to_vec()).unwrap()));
        }
    }
}

#[test]
fn keepalive_sends_nothing_when_the_room_is_too_small_or_offline() {
    let mut h = Harness::new(config());
    h.put("a", &"y".repeat(2_000));
    assert!(h.producer.poll_keepalive(h.now, 1_000).is_none());
    h.producer.set_online(false, h.now);
    assert!(h.producer.poll_keepalive(h.now, 60_000).is_none());
    h.producer.set_online(true, h.now);
    let request = h.producer.poll_keepalive(h.now, 60_000).unwrap();
    assert_eq!(request.record_count, 1);
    assert_eq!(h.producer.stats(h.now).in_flight_records, 1);
}

#[test]
fn keepalive_respects_max_batch_records_and_bytes() {
    let mut cfg = config();
    cfg.max_batch_records = 3;
    let mut h = Harness::new(cfg);
    for n in 0..10 {
        h.put("a", &format!("{n}"));
    }
    assert_eq!(
        h.producer
            .poll_keepalive(h.now, 60_000)
            .unwrap()
            .record_count,
        3
    );
    let mut cfg = config();
    cfg.max_batch_bytes = 25;
    let mut h = Harness::new(cfg);
    for _ in 0..10 {
        h.put("k", "123456789");
    }
    let request = h.producer.poll_keepalive(h.now, 60_000).unwrap();
    assert_eq!((request.record_count, request.payload_bytes), (2, 20));
}

#[test]
fn offline_sends_only_probes_and_network_errors_then_do_not_count() {
    let mut cfg = config();
    cfg.max_attempts = 2;
    let mut h = Harness::new(cfg);
    h.producer.set_online(false, h.now);
    h.put("a", "1");
    h.producer.flush(h.now);
    let (sent, action) = h.poll();
    assert!(sent.is_empty());
    let Action::WaitUntil(probe_at) = action else {
        panic!("{action:?}")
    };
    assert!(probe_at >= h.now + FIRST_PROBE_MS / 2 && probe_at <= h.now + FIRST_PROBE_MS);
    // Thirty seconds of failing probes: far more than maxAttempts, none counted.
    let start = h.now;
    let mut probes = 0;
    while h.now < start + 30_000 {
        match h.producer.poll(h.now) {
            Action::Send(request) => {
                probes += 1;
                assert!(h.producer.poll(h.now) != Action::Send(request.clone()));
                h.producer
                    .on_transport_error(request.id, TransportErrorKind::Network, h.now);
            }
            Action::WaitUntil(at) => {
                assert!(at <= h.now + MAX_PROBE_MS);
                h.now = at;
            }
            Action::Idle => panic!("a buffered record while offline must wake for a probe"),
        }
    }
    assert!((3..=8).contains(&probes), "{probes} probes in 30 s");
    assert!(h.producer.stats(h.now).offline);
    assert_eq!(h.producer.stats(h.now).failed_total(), 0);
    // Online: sent at once, and delivered.
    h.producer.set_online(true, h.now);
    let sent = h.poll_one();
    h.accept(&sent);
    assert_eq!(h.producer.stats(h.now).sent, 1);
    assert!(!h.producer.stats(h.now).offline);
}

#[test]
fn a_network_error_closes_the_gate_and_the_next_response_opens_it() {
    let mut cfg = config();
    cfg.max_batch_records = 1;
    let mut h = Harness::new(cfg);
    for key in ["a", "b", "c"] {
        h.put(key, "1");
    }
    h.producer.flush(h.now);
    let (sent, _) = h.poll();
    assert_eq!(sent.len(), 3);
    h.producer
        .on_transport_error(sent[0].id, TransportErrorKind::Network, h.now);
    h.producer
        .on_transport_error(sent[1].id, TransportErrorKind::Network, h.now);
    assert!(h.producer.is_offline());
    // The third request's response proves the network is back.
    h.accept(&sent[2]);
    assert!(!h.producer.is_offline());
    h.advance(20_000);
    let (resent, _) = h.poll();
    assert_eq!(resent.len(), 2);
    // The first failure counted (a retry); the second came with the gate closed and did not.
    assert_eq!(h.producer.stats(h.now).retried, 1);
}

/// Tabs of one origin share a lease book; each puts records it owns. Tabs die at random; the drain
/// holder claims dead tabs' records by re-owning them. Checked at every step: a record is in memory
/// (being sent) in at most one live tab, and in the end every record is delivered exactly once.
#[test]
fn the_lease_lets_exactly_one_live_tab_send_each_dead_tabs_record() {
    for seed in 0..40 {
        let mut rng = Rng::new(seed);
        let mut book = LeaseBook::new();
        let mut now = START_MS;
        let mut owner: BTreeMap<u64, String> = BTreeMap::new();
        let mut holding: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
        let mut alive: Vec<String> = Vec::new();
        let mut delivered: BTreeMap<u64, u32> = BTreeMap::new();
        let mut next_tab = 0;
        let mut next_record = 0;
        for _step in 0..400 {
            match rng.below_inclusive(9) {
                0 if alive.len() < 4 => {
                    let tab = format!("tab{next_tab}");
                    next_tab += 1;
                    book.heartbeat(&tab, now);
                    alive.push(tab.clone());
                    holding.insert(tab, BTreeSet::new());
                }
                1 if !alive.is_empty() => {
                    // Crash or close: the in-memory copies go, the stored records stay.
                    let tab = alive.remove(rng.below_inclusive(alive.len() as u64 - 1) as usize);
                    holding.remove(&tab);
                }
                2..=4 if !alive.is_empty() => {
                    let tab = &alive[rng.below_inclusive(alive.len() as u64 - 1) as usize];
                    owner.insert(next_record, tab.clone());
                    holding.get_mut(tab).unwrap().insert(next_record);
                    next_record += 1;
                }
                5 if !alive.is_empty() => {
                    // A live tab delivers one record it holds and deletes it from storage.
                    let tab = &alive[rng.below_inclusive(alive.len() as u64 - 1) as usize];
                    let held = holding.get_mut(tab).unwrap();
                    if let Some(&record) = held.iter().next() {
                        held.remove(&record);
                        owner.remove(&record);
                        *delivered.entry(record).or_default() += 1;
                    }
                }
                6 | 7 => {
                    now += HEARTBEAT_MS + rng.below_inclusive(HEARTBEAT_MS);
                    for tab in &alive {
                        assert!(book.heartbeat(tab, now), "{tab} taken for dead");
                    }
                }
                _ => {
                    for tab in &alive {
                        if !book.try_acquire_drain(tab, now) {
                            continue;
                        }
                        let dead: Vec<u64> = owner
                            .iter()
                            .filter(|(_, o)| book.may_claim(tab, o, now))
                            .map(|(&r, _)| r)
                            .collect();
                        for record in dead {
                            owner.insert(record, tab.clone());
                            holding.get_mut(tab).unwrap().insert(record);
                        }
                        book.release_drain(tab);
                    }
                }
            }
            // Round trip through the stored text, as every tab reads it back.
            book = LeaseBook::decode(&book.encode()).unwrap();
            let mut seen = BTreeSet::new();
            for held in holding.values() {
                for record in held {
                    assert!(
                        seen.insert(*record),
                        "seed {seed}: record {record} in two tabs"
                    );
                    assert!(alive.contains(&owner[record]));
                }
            }
        }
        // Drain to the end with one surviving tab.
        now += TAB_EXPIRY_MS + DRAIN_LEASE_MS;
        let last = "survivor".to_owned();
        book.heartbeat(&last, now);
        assert!(book.try_acquire_drain(&last, now));
        for (record, o) in owner.clone() {
            if holding.get(&o).is_some_and(|held| held.contains(&record)) {
                continue;
            }
            assert!(book.may_claim(&last, &o, now), "seed {seed}: {o}");
            *delivered.entry(record).or_default() += 1;
        }
        for held in holding.values() {
            for record in held {
                *delivered.entry(*record).or_default() += 1;
            }
        }
        assert_eq!(delivered.len(), next_record as usize, "seed {seed}: lost");
        assert!(
            delivered.values().all(|&n| n == 1),
            "seed {seed}: duplicated"
        );
    }
}

#[test]
fn the_drain_lease_is_exclusive_until_released_or_lapsed() {
    let mut book = LeaseBook::new();
    let t = START_MS;
    book.heartbeat("a", t);
    book.heartbeat("b", t);
    assert!(book.try_acquire_drain("a", t));
    assert!(!book.try_acquire_drain("b", t + 1));
    assert!(!book.may_claim("b", "gone", t + 1));
    // a keeps renewing through heartbeats.
    book.heartbeat("a", t + DRAIN_LEASE_MS - 1);
    assert!(!book.try_acquire_drain("b", t + DRAIN_LEASE_MS + 10));
    // a stops: its lease lapses, b takes it and may claim a's records once a is dead.
    let lapse = t + 2 * DRAIN_LEASE_MS;
    book.heartbeat("b", lapse);
    assert!(book.try_acquire_drain("b", lapse));
    assert!(book.may_claim("b", "a", lapse));
    assert!(!book.may_claim("b", "b", lapse));
    // a wakes up and learns it was taken for dead.
    assert!(!book.heartbeat("a", lapse + 1));
    book.release_drain("b");
    assert!(book.try_acquire_drain("a", lapse + 2));
    book.leave("a");
    assert!(book.try_acquire_drain("b", lapse + 3));
    assert!(LeaseBook::decode("x a 1").is_err());
    assert!(LeaseBook::decode("h a").is_err());
}

#[test]
fn restoring_then_putting_keeps_both_and_sends_each_once() {
    let mut h = Harness::new(config());
    for n in 0..5u128 {
        h.producer
            .restore(
                &persisted(n + 1, h.now - 100, "s", &format!("old{n}")),
                h.now,
            )
            .unwrap();
    }
    h.put("s", "new");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    assert_eq!(
        sent.texts(),
        vec!["old0", "old1", "old2", "old3", "old4", "new"]
    );
}
