//! `Producer::put_with`: the data is built from the id the event gets, so an envelope can carry its
//! own id; a failing builder buffers nothing, and ids stay ordered with plain puts.
#![cfg(not(target_arch = "wasm32"))]

mod core_support;

use core_support::*;
use kinesis_clickstream::core::error::{Error, ErrorCode};
use kinesis_clickstream::core::record::PutOptions;

#[test]
fn the_builder_sees_the_id_put_with_returns_and_the_sent_data_carries_it() {
    let mut h = Harness::new(config());
    let first = h.put("k", "plain");
    let mut seen = String::new();
    let id = h
        .producer
        .put_with(
            |id| {
                seen = id.to_owned();
                Ok(format!(r#"{{"id":"{id}"}}"#).into_bytes())
            },
            PutOptions::key("k"),
            h.now,
        )
        .unwrap();
    let last = h.put("k", "plain again");
    assert_eq!(seen, id);
    assert!(first < id && id < last, "{first} < {id} < {last}");
    h.producer.flush(h.now);
    let sent = h.poll_one();
    assert_eq!(
        sent.texts(),
        vec![
            "plain".to_owned(),
            format!(r#"{{"id":"{id}"}}"#),
            "plain again".to_owned()
        ]
    );
}

#[test]
fn a_failing_builder_or_an_invalid_record_buffers_nothing() {
    let mut h = Harness::new(config());
    let error = h
        .producer
        .put_with(
            |_| {
                Err(Error::new(
                    ErrorCode::InvalidData,
                    "attributes are not JSON",
                ))
            },
            PutOptions::key("k"),
            h.now,
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidData);
    let error = h
        .producer
        .put_with(|_| Ok(b"x".to_vec()), PutOptions::key(""), h.now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidPartitionKey);
    assert_eq!(h.producer.stats(h.now).buffered_records, 0);
    h.producer.close(h.now);
    let error = h
        .producer
        .put_with(|_| Ok(b"x".to_vec()), PutOptions::key("k"), h.now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Closed);
}
