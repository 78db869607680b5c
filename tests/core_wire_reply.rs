//! The PutRecords reply decoder against the two-path decoder it replaced (a fast path for compact
//! all-success replies in front of the JSON-tree decoder; kept here as the reference): the same
//! records, or the same error code and message, for generated replies (compact ones included) and
//! for every truncation and many mutations of them.

#![cfg(not(target_arch = "wasm32"))]

use std::borrow::Cow;

use kinesis_clickstream::core::error::{Error, ErrorCode};
use kinesis_clickstream::core::json::{self, JsonValue, MAX_DEPTH};
use kinesis_clickstream::core::wire::{
    decode_put_records_response, PutRecordsResponse, RecordResult,
};
use proptest::prelude::*;

fn protocol_error(message: String) -> Error {
    Error::new(ErrorCode::ProtocolError, message)
}

fn optional_string<'v, 'a>(
    entry: &'v JsonValue<'a>,
    key: &str,
) -> Result<Option<&'v Cow<'a, str>>, ()> {
    match entry.get(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::String(text)) => Ok(Some(text)),
        Some(_) => Err(()),
    }
}

/// The decoder as it was before the one-pass reader (its compact-reply fast path gave the same
/// result as this general path for every reply it accepted).
fn reference(body: &[u8], expected_records: usize) -> Result<PutRecordsResponse<'_>, Error> {
    let invalid = |what: &str| protocol_error(format!("PutRecords response is not valid: {what}"));
    let value = json::parse_bytes(body)
        .map_err(|e| protocol_error(format!("PutRecords response is not valid: {e}")))?;
    if !matches!(value, JsonValue::Object(_)) {
        return Err(invalid("not a JSON object"));
    }
    let reported = match value.get("FailedRecordCount") {
        None | Some(JsonValue::Null) => None,
        Some(count) => Some(
            count
                .as_u64()
                .ok_or_else(|| invalid("FailedRecordCount is not a whole number"))?,
        ),
    };
    let entries = value
        .get("Records")
        .and_then(JsonValue::as_array)
        .ok_or_else(|| invalid("Records is not an array"))?;
    if entries.len() != expected_records {
        return Err(protocol_error(format!(
            "PutRecords response has {} Records for a request of {expected_records}",
            entries.len()
        )));
    }
    let mut failed = 0usize;
    let mut records = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        if !matches!(entry, JsonValue::Object(_)) {
            return Err(invalid(&format!("Records entry {index} is not an object")));
        }
        let field = |key: &str| {
            optional_string(entry, key)
                .map(|text| text.cloned())
                .map_err(|()| invalid(&format!("Records entry {index} {key} is not a string")))
        };
        let shard_id = field("ShardId")?;
        let error_message = field("ErrorMessage")?;
        let result = match (field("ErrorCode")?, field("SequenceNumber")?) {
            (Some(error_code), _) => {
                failed += 1;
                RecordResult::Failed {
                    error_code,
                    error_message: error_message.unwrap_or(Cow::Borrowed("")),
                }
            }
            (None, Some(sequence_number)) => RecordResult::Accepted {
                shard_id: shard_id.unwrap_or(Cow::Borrowed("")),
                sequence_number,
            },
            (None, None) => {
                return Err(protocol_error(format!(
                    "PutRecords response entry {index} has neither ErrorCode nor SequenceNumber"
                )))
            }
        };
        records.push(result);
    }
    if let Some(reported) = reported {
        if reported != failed as u64 {
            return Err(protocol_error(format!(
                "PutRecords response says FailedRecordCount {reported} but {failed} entries failed"
            )));
        }
    }
    Ok(PutRecordsResponse {
        failed_record_count: failed,
        records,
    })
}

/// The outcome as comparable data: the records, or the error's code and message.
fn outcome(
    result: Result<PutRecordsResponse<'_>, Error>,
) -> Result<PutRecordsResponse<'_>, (ErrorCode, String)> {
    result.map_err(|error| (error.code(), error.message().to_owned()))
}

fn assert_same(body: &[u8], expected_records: usize) {
    assert_eq!(
        outcome(decode_put_records_response(body, expected_records)),
        outcome(reference(body, expected_records)),
        "{:?} for {expected_records}",
        String::from_utf8_lossy(body)
    );
}

/// JSON fragments a member value is made of: strings (plain, escaped, non-ASCII), numbers,
/// literals, nested containers.
const VALUES: [&str; 18] = [
    "\"49590338271490256608559692538361571095921575989136588898\"",
    "\"shardId-000000000001\"",
    "\"ProvisionedThroughputExceededException\"",
    "\"Rate exceeded for shard\"",
    "\"\"",
    "\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\\n\"",
    "\"é ü\"",
    "null",
    "true",
    "false",
    "0",
    "2",
    "-1",
    "1.5e3",
    "[]",
    "{}",
    "[1,{\"a\":[null]}]",
    "{\"ErrorCode\":\"X\"}",
];

const ENTRY_KEYS: [&str; 7] = [
    "\"ShardId\"",
    "\"SequenceNumber\"",
    "\"ErrorCode\"",
    "\"ErrorMessage\"",
    "\"Sequence\\u004eumber\"",
    "\"Other\"",
    "\"Error\\u0043ode\"",
];

const TOP_KEYS: [&str; 5] = [
    "\"FailedRecordCount\"",
    "\"Records\"",
    "\"EncryptionType\"",
    "\"Rec\\u006frds\"",
    "\"Failed\\u0052ecordCount\"",
];

fn entry() -> impl Strategy<Value = String> {
    let member = (0..ENTRY_KEYS.len(), 0..VALUES.len())
        .prop_map(|(key, value)| format!("{}:{}", ENTRY_KEYS[key], VALUES[value]));
    prop_oneof![
        4 => prop::collection::vec(member, 0..5).prop_map(|members| format!("{{{}}}", members.join(","))),
        1 => (0..VALUES.len()).prop_map(|value| VALUES[value].to_owned()),
    ]
}

fn reply() -> impl Strategy<Value = String> {
    let records = prop::collection::vec(entry(), 0..6)
        .prop_map(|entries| format!("[{}]", entries.join(", ")));
    let value = prop_oneof![
        3 => records,
        1 => (0..VALUES.len()).prop_map(|value| VALUES[value].to_owned()),
    ];
    let member =
        (0..TOP_KEYS.len(), value).prop_map(|(key, value)| format!("{}: {}", TOP_KEYS[key], value));
    prop_oneof![
        8 => prop::collection::vec(member, 0..5).prop_map(|members| format!("{{{}}}", members.join(","))),
        1 => (0..VALUES.len()).prop_map(|value| format!(" {} ", VALUES[value])),
    ]
}

/// The number of `Records` entries a generated reply most likely has, so more replies get past the
/// count check.
fn likely_count(body: &str) -> usize {
    body.matches("ShardId")
        .count()
        .max(body.matches("Code").count())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_replies_decode_as_the_tree_decoder_did(body in reply(), extra in 0usize..3) {
        let count = likely_count(&body);
        for expected in [count, count.saturating_sub(1), count + extra, 0, 1] {
            assert_same(body.as_bytes(), expected);
        }
    }

    #[test]
    fn mutated_replies_decode_as_the_tree_decoder_did(
        body in reply(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, prop::sample::select(b"{}[],:\" \\0e-nul\xff\x01".to_vec())), 1..4),
    ) {
        let mut bytes = body.into_bytes();
        for (at, kind, byte) in edits {
            let at = at.index(bytes.len() + 1);
            match kind {
                0 if at < bytes.len() => { bytes.remove(at); }
                1 => bytes.insert(at, byte),
                2 if at < bytes.len() => bytes[at] = byte,
                _ => bytes.truncate(at),
            }
        }
        let count = likely_count(&String::from_utf8_lossy(&bytes));
        for expected in [count, count.saturating_sub(1), 1] {
            assert_same(&bytes, expected);
        }
    }
}

/// A compact all-success reply as Kinesis and kinesalite send it.
fn compact_reply() -> impl Strategy<Value = String> {
    let entry = (
        "[0-9]{1,56}|\\PC{0,6}",
        "shardId-[0-9]{12}|[a-z\"\\\\\u{1}é]{0,4}",
        any::<bool>(),
    )
        .prop_map(|(sequence, shard, shard_first)| {
            let (sequence, shard) = (format!("\"{sequence}\""), format!("\"{shard}\""));
            if shard_first {
                format!("{{\"ShardId\":{shard},\"SequenceNumber\":{sequence}}}")
            } else {
                format!("{{\"SequenceNumber\":{sequence},\"ShardId\":{shard}}}")
            }
        });
    prop::collection::vec(entry, 0..8).prop_map(|entries| {
        format!(
            "{{\"FailedRecordCount\":0,\"Records\":[{}]}}",
            entries.join(",")
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn compact_replies_decode_as_the_fast_path_did(body in compact_reply(), cut in any::<prop::sample::Index>()) {
        let count = body.matches("ShardId").count();
        for expected in [count, count + 1, count.saturating_sub(1)] {
            assert_same(body.as_bytes(), expected);
        }
        let cut = cut.index(body.len() + 1);
        assert_same(&body.as_bytes()[..cut], count);
    }
}

#[test]
fn every_truncation_of_typical_replies_decodes_as_the_tree_decoder_did() {
    let replies: [&[u8]; 4] = [
        br#"{"FailedRecordCount":0,"Records":[{"SequenceNumber":"4959","ShardId":"shardId-000000000000"},{"ShardId":"shardId-000000000001","SequenceNumber":"4960"}]}"#,
        br#"{"FailedRecordCount":1,"Records":[{"SequenceNumber":"1","ShardId":"s"},{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard shardId-000000000001 in stream s under account 1."}],"EncryptionType":"KMS"}"#,
        b"{ \"Records\" : [ { \"ErrorCode\" : \"InternalFailure\" } , { \"SequenceNumber\" : \"\\u0031\" } ] ,\n \"FailedRecordCount\" : 1 }\n",
        br#"{"Records":[{"SequenceNumber":"1"}],"Records":[{"ErrorCode":"X"},{"SequenceNumber":"2","SequenceNumber":null}],"FailedRecordCount":3,"FailedRecordCount":null}"#,
    ];
    for reply in replies {
        for end in 0..=reply.len() {
            for expected in 0..4 {
                assert_same(&reply[..end], expected);
            }
        }
    }
}

#[test]
fn nesting_limits_apply_at_the_same_depths() {
    for depth in MAX_DEPTH - 4..=MAX_DEPTH + 1 {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let nested = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            for body in [
                format!("{{\"Records\":[{{\"SequenceNumber\":\"1\",\"Other\":{nested}}}]}}"),
                format!("{{\"Records\":{nested}}}"),
                format!("{{\"Other\":{nested},\"Records\":[]}}"),
                format!("{{\"Records\":[{nested}]}}"),
                nested.clone(),
            ] {
                for expected in 0..2 {
                    assert_same(body.as_bytes(), expected);
                }
            }
        }
    }
}
