//! Producer configuration: defaults, every range boundary, stream targets, and messages naming the
//! JS option, its range and the value.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::config::{
    ProducerConfig, StreamTarget, OPTION_TABLE, RETRY_BASE_MS,
};
use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::producer::Producer;

fn base() -> ProducerConfig {
    ProducerConfig::new(StreamTarget::Name("clickstream".into()))
}

/// Sets option `index` of [`OPTION_TABLE`] to `value`.
fn with(index: usize, value: u64) -> ProducerConfig {
    let mut c = base();
    match index {
        0 => c.flush_interval_ms = value,
        1 => c.max_batch_records = value as usize,
        2 => c.max_batch_bytes = value as usize,
        3 => c.max_buffered_records = value as usize,
        4 => c.max_buffered_bytes = value as usize,
        5 => c.record_ttl_ms = value,
        6 => c.max_attempts = value as u32,
        7 => c.max_in_flight = value as usize,
        8 => {
            c.retry_base_ms = value;
            c.retry_max_ms = c.retry_max_ms.max(value);
        }
        9 => {
            c.retry_max_ms = value;
            c.retry_base_ms = c.retry_base_ms.min(value).max(1);
        }
        10 => c.paused_retry_ms = value,
        _ => unreachable!(),
    }
    c
}

#[test]
fn defaults_are_valid_and_match_the_table() {
    let c = base();
    c.validate().unwrap();
    assert_eq!(c.flush_interval_ms, 1000);
    assert_eq!(c.max_batch_records, 500);
    assert_eq!(c.max_batch_bytes, 5_242_880);
    assert_eq!(c.max_buffered_records, 10_000);
    assert_eq!(c.max_in_flight, 4);
    for (index, option) in OPTION_TABLE.iter().enumerate() {
        with(index, option.default).validate().unwrap();
    }
}

#[test]
fn every_option_accepts_its_bounds_and_rejects_one_past_them() {
    for (index, option) in OPTION_TABLE.iter().enumerate() {
        with(index, option.min)
            .validate()
            .unwrap_or_else(|e| panic!("{} min: {e}", option.name));
        with(index, option.max)
            .validate()
            .unwrap_or_else(|e| panic!("{} max: {e}", option.name));
        let mut outside = vec![option.max + 1];
        if option.min > 0 {
            outside.push(option.min - 1);
        }
        for value in outside {
            let error = with(index, value).validate().unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidConfig);
            let expected = format!(
                "{} is {value}; it must be in {}..={}",
                option.name, option.min, option.max
            );
            assert_eq!(error.message(), expected);
            assert!(Producer::new(with(index, value), 0).is_err());
        }
    }
}

#[test]
fn retry_max_must_not_be_below_retry_base() {
    let mut c = base();
    c.retry_base_ms = 500;
    c.retry_max_ms = 499;
    let error = c.validate().unwrap_err();
    assert!(
        error.message().contains("retryMaxMs"),
        "{}",
        error.message()
    );
    assert!(error.message().contains(RETRY_BASE_MS.name));
}

#[test]
fn stream_names_and_arns_are_checked() {
    let ok = [
        StreamTarget::Name("a".into()),
        StreamTarget::Name("A-b_c.9".into()),
        StreamTarget::Name("x".repeat(128)),
        StreamTarget::Arn("arn:aws:kinesis:us-east-1:123456789012:stream/clickstream".into()),
        StreamTarget::Arn("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s".into()),
        StreamTarget::Arn("arn::kinesis:::stream/a:b".into()),
    ];
    for stream in ok {
        ProducerConfig::new(stream.clone())
            .validate()
            .unwrap_or_else(|e| panic!("{stream:?}: {e}"));
    }
    let bad = [
        StreamTarget::Name(String::new()),
        StreamTarget::Name("x".repeat(129)),
        StreamTarget::Name("has space".into()),
        StreamTarget::Arn("clickstream".into()),
        StreamTarget::Arn("arn:aws:s3:us-east-1:123456789012:stream/x".into()),
        StreamTarget::Arn("arn:aws:kinesis:us-east-1:123456789012:stream/".into()),
        StreamTarget::Arn("arn:aws:kinesis:us-east-1:stream/x".into()),
        StreamTarget::Arn("arn:aws:kinesis:us-east-1:123456789012".into()),
        StreamTarget::Arn("ARN:aws:kinesis:us-east-1:123456789012:stream/x".into()),
        StreamTarget::Arn("arn:aws:kinesis:us-east-1:123456789012:table/x".into()),
    ];
    for stream in bad {
        let error = ProducerConfig::new(stream.clone()).validate().unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidConfig, "{stream:?}");
        assert!(error.message().contains("stream"), "{}", error.message());
    }
}
