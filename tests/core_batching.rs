//! Batching at the request limits: 500 and 501 records, exactly 5 MiB and one byte more, lower
//! configured caps; every request is packed greedily, oldest first, and never splits a record.
#![cfg(not(target_arch = "wasm32"))]

mod core_support;

use core_support::*;
use kinesis_clickstream::core::limits::{MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_RECORD_BYTES};
use kinesis_clickstream::core::record::PutOptions;
use proptest::prelude::*;

/// Puts records of the given data sizes under distinct keys, flushes, and returns the requests
/// (answered with success) in the order sent, as lists of put indices with their payload sizes.
fn batches_for(sizes: &[usize], max_records: usize, max_bytes: usize) -> Vec<Vec<(usize, usize)>> {
    let mut cfg = config();
    cfg.max_batch_records = max_records;
    cfg.max_batch_bytes = max_bytes;
    cfg.max_buffered_records = 100_000;
    cfg.max_buffered_bytes = 1 << 30;
    cfg.max_in_flight = 64;
    let mut h = Harness::new(cfg);
    for (i, &size) in sizes.iter().enumerate() {
        let mut data = format!("{i:06}").into_bytes();
        data.resize(size.max(6), b'.');
        h.producer
            .put(data, PutOptions::key(format!("k{i:05}")), h.now)
            .unwrap();
    }
    h.producer.flush(h.now);
    let mut batches = Vec::new();
    loop {
        let (sent, _) = h.poll();
        if sent.is_empty() {
            break;
        }
        for request in sent {
            let entries = request
                .records
                .iter()
                .map(|r| {
                    let index: usize = String::from_utf8_lossy(&r.data()[..6]).parse().unwrap();
                    (index, r.payload_bytes())
                })
                .collect();
            h.accept(&request);
            batches.push(entries);
        }
    }
    batches
}

fn check_packing(
    sizes: &[usize],
    batches: &[Vec<(usize, usize)>],
    max_records: usize,
    max_bytes: usize,
) {
    let order: Vec<usize> = batches.iter().flatten().map(|(i, _)| *i).collect();
    assert_eq!(
        order,
        (0..sizes.len()).collect::<Vec<_>>(),
        "oldest first, each record once"
    );
    for (n, batch) in batches.iter().enumerate() {
        let bytes: usize = batch.iter().map(|(_, b)| b).sum();
        assert!(batch.len() <= max_records && bytes <= max_bytes);
        if let Some(next) = batches.get(n + 1) {
            let next_bytes = next[0].1;
            assert!(
                batch.len() == max_records || bytes + next_bytes > max_bytes,
                "batch {n} ({} records, {bytes} bytes) could have taken the next record of {next_bytes} bytes",
                batch.len()
            );
        }
    }
}

#[test]
fn five_hundred_records_make_one_request_and_501_make_two() {
    let sizes = vec![10; 500];
    let batches = batches_for(&sizes, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
    assert_eq!(batches.len(), 1);
    let sizes = vec![10; 501];
    let batches = batches_for(&sizes, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [500, 1]);
}

#[test]
fn exactly_5_mib_is_one_request_and_one_byte_more_is_two() {
    // Keys "k00000" are 6 bytes: five records of 1 MiB each make exactly 5 MiB.
    let data = MAX_RECORD_BYTES - 6;
    let batches = batches_for(&[data; 5], MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
    assert_eq!(batches.len(), 1);
    let total: usize = batches[0].iter().map(|(_, b)| b).sum();
    assert_eq!(total, MAX_BATCH_BYTES);

    // Four 1 MiB records plus two whose payloads sum to 1 MiB: exactly 5 MiB, one request.
    let exact = [data, data, data, data, MAX_RECORD_BYTES - 12 - 6, 6];
    let batches = batches_for(&exact, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [6]);
    // One byte more: the sixth record goes to a second request.
    let over = [data, data, data, data, MAX_RECORD_BYTES - 12 - 5, 6];
    let batches = batches_for(&over, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [5, 1]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn counts_around_500_pack_greedily(count in 495usize..=1005) {
        let sizes = vec![6; count];
        let batches = batches_for(&sizes, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
        check_packing(&sizes, &batches, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
        prop_assert_eq!(batches.len(), count.div_ceil(500));
    }

    #[test]
    fn large_records_pack_greedily_under_5_mib(
        sizes in proptest::collection::vec(
            prop_oneof![Just(MAX_RECORD_BYTES - 6), Just(MAX_RECORD_BYTES - 7), 6usize..600_000],
            1..14,
        )
    ) {
        let batches = batches_for(&sizes, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
        check_packing(&sizes, &batches, MAX_BATCH_RECORDS, MAX_BATCH_BYTES);
    }

    #[test]
    fn lower_caps_pack_greedily(
        sizes in proptest::collection::vec(6usize..200, 1..120),
        max_records in 1usize..=20,
        max_bytes in 300usize..=2_000,
    ) {
        let batches = batches_for(&sizes, max_records, max_bytes);
        check_packing(&sizes, &batches, max_records, max_bytes);
    }
}
