//! Put-time validation at every Kinesis limit boundary: record size, partition key length,
//! ExplicitHashKey range.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::limits::{MAX_PARTITION_KEY_CHARS, MAX_RECORD_BYTES};
use kinesis_clickstream::core::record::{PutOptions, Record};
use proptest::prelude::*;

fn key_of_chars(chars: &[char]) -> String {
    chars.iter().collect()
}

fn options(key: &str, explicit: Option<&str>) -> PutOptions {
    PutOptions {
        partition_key: key.to_owned(),
        explicit_hash_key: explicit.map(str::to_owned),
    }
}

/// Any character of the Basic Multilingual Plane (one UTF-16 code unit): 1, 2 and 3-byte UTF-8
/// sequences all occur.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('a'),
        Just('é'),
        Just('中'),
        any::<char>().prop_filter("one UTF-16 code unit", |c| c.len_utf16() == 1)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_record_of_exactly_one_mib_is_accepted_and_one_byte_more_is_not(
        key in proptest::collection::vec(any_char(), 1..=MAX_PARTITION_KEY_CHARS)
    ) {
        let key = key_of_chars(&key);
        let data_len = MAX_RECORD_BYTES - key.len();
        let record = Record::new(vec![7; data_len], options(&key, None)).unwrap();
        prop_assert_eq!(record.payload_bytes(), MAX_RECORD_BYTES);

        let error = Record::new(vec![7; data_len + 1], options(&key, None)).unwrap_err();
        prop_assert_eq!(error.code(), ErrorCode::RecordTooLarge);
        let expected_size = (MAX_RECORD_BYTES + 1).to_string();
        prop_assert!(error.message().contains(&expected_size));
        prop_assert!(error.message().contains("1048576"));
    }

    #[test]
    fn keys_of_256_characters_pass_and_257_fail_whatever_their_byte_length(
        chars in proptest::collection::vec(any_char(), MAX_PARTITION_KEY_CHARS + 1)
    ) {
        let at_limit = key_of_chars(&chars[..MAX_PARTITION_KEY_CHARS]);
        prop_assert!(Record::new(vec![1], options(&at_limit, None)).is_ok());

        let over = key_of_chars(&chars);
        let error = Record::new(vec![1], options(&over, None)).unwrap_err();
        prop_assert_eq!(error.code(), ErrorCode::InvalidPartitionKey);
        prop_assert!(error.message().contains("257"), "{}", error.message());
        prop_assert!(error.message().contains("256"), "{}", error.message());
    }

    #[test]
    fn every_u128_is_a_valid_explicit_hash_key(value in any::<u128>()) {
        let text = value.to_string();
        prop_assert!(Record::new(vec![1], options("k", Some(&text))).is_ok());
    }

    #[test]
    fn non_digits_signs_and_leading_zeros_are_rejected(
        value in any::<u64>(),
        junk in prop_oneof![Just("+"), Just("-"), Just(" "), Just("0"), Just("x"), Just("١")]
    ) {
        let text = format!("{junk}{value}");
        let error = Record::new(vec![1], options("k", Some(&text))).unwrap_err();
        prop_assert_eq!(error.code(), ErrorCode::InvalidExplicitHashKey);
    }
}

#[test]
fn the_largest_explicit_hash_key_is_accepted_and_one_more_is_not() {
    let max = "340282366920938463463374607431768211455";
    assert_eq!(max, u128::MAX.to_string());
    assert!(Record::new(vec![1], options("k", Some(max))).is_ok());
    for over in [
        "340282366920938463463374607431768211456",
        "999999999999999999999999999999999999999",
        "1000000000000000000000000000000000000000",
    ] {
        let error = Record::new(vec![1], options("k", Some(over))).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidExplicitHashKey);
        assert!(error.message().contains("2^128-1"), "{}", error.message());
        assert!(error.message().contains(&over[..10]), "{}", error.message());
    }
    assert!(Record::new(vec![1], options("k", Some("0"))).is_ok());
    let empty = Record::new(vec![1], options("k", Some(""))).unwrap_err();
    assert_eq!(empty.code(), ErrorCode::InvalidExplicitHashKey);
}

#[test]
fn an_empty_partition_key_is_rejected() {
    let error = Record::new(vec![1], options("", None)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidPartitionKey);
    assert!(error.message().contains("partitionKey"));
}

#[test]
fn key_bytes_count_toward_the_record_size() {
    // 256 three-byte characters are 768 bytes of key: the data may be 1 MiB - 768 bytes.
    let key: String = std::iter::repeat_n('中', MAX_PARTITION_KEY_CHARS).collect();
    assert_eq!(key.len(), 768);
    assert!(Record::new(vec![0; MAX_RECORD_BYTES - 768], options(&key, None)).is_ok());
    let error = Record::new(vec![0; MAX_RECORD_BYTES - 767], options(&key, None)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::RecordTooLarge);
}

#[test]
fn characters_outside_the_bmp_count_twice_as_kinesis_counts_them() {
    let at_limit: String = std::iter::repeat_n('😀', MAX_PARTITION_KEY_CHARS / 2).collect();
    assert!(Record::new(vec![1], options(&at_limit, None)).is_ok());
    let over = format!("{at_limit}a");
    let error = Record::new(vec![1], options(&over, None)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidPartitionKey);
    assert!(error.message().contains("257"), "{}", error.message());
}
