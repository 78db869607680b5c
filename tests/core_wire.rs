//! The PutRecords wire format: byte equality with bodies captured from the AWS SDK for JavaScript v3
//! (tests/fixtures/capture-sdk-bodies.mjs), JSON.stringify escaping, round trips, response and
//! error-body decoding.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use kinesis_clickstream::core::config::StreamTarget;
use kinesis_clickstream::core::error::ErrorCode;
use kinesis_clickstream::core::record::{PutOptions, Record};
use kinesis_clickstream::core::wire::{
    decode_error_body, decode_put_records_request, decode_put_records_response, encode_put_records,
    write_json_string_contents, RecordResult,
};
use proptest::prelude::*;
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdk-bodies")
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn bodies_are_byte_identical_to_the_aws_sdk_v3() {
    let cases: Value =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("cases.json")).unwrap()).unwrap();
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let stream = match (case.get("streamName"), case.get("streamArn")) {
            (Some(n), None) => StreamTarget::Name(n.as_str().unwrap().to_owned()),
            (None, Some(a)) => StreamTarget::Arn(a.as_str().unwrap().to_owned()),
            _ => panic!("case {name} has no stream"),
        };
        let records: Vec<Record> = case["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                Record::new(
                    hex_decode(r["dataHex"].as_str().unwrap()),
                    PutOptions {
                        partition_key: r["partitionKey"].as_str().unwrap().to_owned(),
                        explicit_hash_key: r
                            .get("explicitHashKey")
                            .map(|v| v.as_str().unwrap().to_owned()),
                    },
                )
                .unwrap()
            })
            .collect();
        let expected = std::fs::read(fixture_dir().join(format!("{name}.body"))).unwrap();
        let mut body = Vec::new();
        encode_put_records(&stream, &records, &mut body);
        assert_eq!(
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&expected),
            "case {name}"
        );
        assert_eq!(body, expected, "case {name}");

        let decoded = decode_put_records_request(&body).unwrap();
        assert_eq!(decoded.stream, stream);
        assert_eq!(decoded.records, records);
    }
}

#[test]
fn escaping_matches_the_captured_sdk_rules() {
    let mut out = Vec::new();
    write_json_string_contents(
        "\u{0}\u{8}\t\n\u{b}\u{c}\r\u{1f}\"\\/\u{7f}é\u{2028}",
        &mut out,
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\\"\\\\/\u{7f}é\u{2028}"
    );
}

fn arbitrary_record() -> impl Strategy<Value = Record> {
    (
        proptest::collection::vec(any::<u8>(), 0..300),
        "\\PC{1,40}|[\\x00-\\x1f\"\\\\]{1,10}",
        proptest::option::of(any::<u128>()),
    )
        .prop_map(|(data, key, explicit)| {
            Record::new(
                data,
                PutOptions {
                    partition_key: key,
                    explicit_hash_key: explicit.map(|v| v.to_string()),
                },
            )
            .unwrap()
        })
}

proptest! {
    /// serde_json escapes exactly like JSON.stringify for strings without lone surrogates (which Rust
    /// strings cannot hold), so it is an independent oracle for the escaper.
    #[test]
    fn escaping_equals_serde_json(text in any::<String>()) {
        let mut out = vec![b'"'];
        write_json_string_contents(&text, &mut out);
        out.push(b'"');
        prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&text).unwrap());
    }

    #[test]
    fn encode_then_decode_gives_back_the_records(
        records in proptest::collection::vec(arbitrary_record(), 0..20),
        arn in any::<bool>(),
    ) {
        let stream = if arn {
            StreamTarget::Arn("arn:aws:kinesis:eu-west-1:123456789012:stream/s".into())
        } else {
            StreamTarget::Name("clickstream".into())
        };
        let mut body = Vec::new();
        encode_put_records(&stream, &records, &mut body);
        // The body is valid JSON with the SDK's key order.
        let value: Value = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(value["Records"].as_array().unwrap().len(), records.len());
        let decoded = decode_put_records_request(&body).unwrap();
        prop_assert_eq!(decoded.stream, stream);
        prop_assert_eq!(decoded.records, records);
    }
}

#[test]
fn a_response_with_partial_failures_decodes_in_request_order() {
    let body = br#"{"EncryptionType":"NONE","FailedRecordCount":1,"Records":[
        {"SequenceNumber":"4960","ShardId":"shardId-000000000001"},
        {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard shardId-000000000001"},
        {"SequenceNumber":"4961","ShardId":"shardId-000000000001","Future":{"x":[1,2]}}]}"#;
    let response = decode_put_records_response(body, 3).unwrap();
    assert_eq!(response.failed_record_count, 1);
    assert_eq!(
        response.records[0],
        RecordResult::Accepted {
            shard_id: "shardId-000000000001".into(),
            sequence_number: "4960".into()
        }
    );
    assert_eq!(
        response.records[1],
        RecordResult::Failed {
            error_code: "ProvisionedThroughputExceededException".into(),
            error_message: "Rate exceeded for shard shardId-000000000001".into()
        }
    );
    assert!(matches!(response.records[2], RecordResult::Accepted { .. }));
}

#[test]
fn a_record_count_mismatch_is_a_protocol_error() {
    let body = br#"{"FailedRecordCount":0,"Records":[{"SequenceNumber":"1","ShardId":"s"}]}"#;
    let error = decode_put_records_response(body, 2).unwrap_err();
    assert_eq!(error.code(), ErrorCode::ProtocolError);
    assert!(error.message().contains("1 Records for a request of 2"));
    assert!(decode_put_records_response(body, 1).is_ok());
}

#[test]
fn malformed_responses_are_protocol_errors() {
    for body in [
        &b""[..],
        b"<html>502 Bad Gateway</html>",
        b"{\"FailedRecordCount\":0}",
        b"{\"Records\":\"nope\"}",
        b"{\"FailedRecordCount\":1,\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"s\"}]}",
        b"{\"Records\":[{\"ShardId\":\"s\"}]}",
    ] {
        let error = decode_put_records_response(body, 1).unwrap_err();
        assert_eq!(
            error.code(),
            ErrorCode::ProtocolError,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn error_bodies_decode_with_or_without_a_namespace() {
    let qualified = decode_error_body(
        br#"{"__type":"com.amazonaws.kinesis.v20131202#ResourceNotFoundException","message":"Stream s not found"}"#,
    )
    .unwrap();
    assert_eq!(qualified.name.as_deref(), Some("ResourceNotFoundException"));
    assert_eq!(qualified.message.as_deref(), Some("Stream s not found"));

    let bare = decode_error_body(br#"{"__type":"ExpiredTokenException","Message":"The security token included in the request is expired","extra":1}"#).unwrap();
    assert_eq!(bare.name.as_deref(), Some("ExpiredTokenException"));
    assert_eq!(
        bare.message.as_deref(),
        Some("The security token included in the request is expired")
    );

    let with_uri =
        decode_error_body(br#"{"__type":"ThrottlingException:http://internal.amazon.com/"}"#)
            .unwrap();
    assert_eq!(with_uri.name.as_deref(), Some("ThrottlingException"));
    assert_eq!(with_uri.message, None);

    assert_eq!(decode_error_body(b"Service Unavailable"), None);
    assert_eq!(decode_error_body(b"[]"), None);
}

#[test]
fn xml_error_bodies_give_their_code_and_message() {
    let signature = decode_error_body(
        br#"<?xml version="1.0" encoding="utf-8"?>
<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; &lt;so on&gt;.</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"#,
    )
    .unwrap();
    assert_eq!(signature.name.as_deref(), Some("SignatureDoesNotMatch"));
    assert_eq!(
        signature.message.as_deref(),
        Some("The request signature we calculated does not match & <so on>.")
    );

    let without_message =
        decode_error_body(b"<Error><Code>InvalidClientTokenId</Code></Error>").unwrap();
    assert_eq!(
        without_message.name.as_deref(),
        Some("InvalidClientTokenId")
    );
    assert_eq!(without_message.message, None);

    assert_eq!(
        decode_error_body(b"<html><body>Bad Gateway</body></html>"),
        None
    );
    assert_eq!(decode_error_body(b"<Error><Code></Code></Error>"), None);
    assert_eq!(decode_error_body(b"<Error><Code>Unclosed"), None);
}

/// A success reply of `entries` (sequence number, shard id, shard id first), compact or spaced out.
fn success_reply(entries: &[(String, String, bool)], spaced: bool) -> Vec<u8> {
    let quote = |text: &str| serde_json::to_string(text).unwrap();
    let separator = if spaced { ", " } else { "," };
    let items: Vec<String> = entries
        .iter()
        .map(|(sequence, shard, shard_first)| {
            let (sequence, shard) = (quote(sequence), quote(shard));
            if *shard_first {
                format!("{{\"ShardId\":{shard}{separator}\"SequenceNumber\":{sequence}}}")
            } else {
                format!("{{\"SequenceNumber\":{sequence}{separator}\"ShardId\":{shard}}}")
            }
        })
        .collect();
    format!(
        "{{\"FailedRecordCount\":0{separator}\"Records\":[{}]}}",
        items.join(separator)
    )
    .into_bytes()
}

proptest! {
    /// Success replies decode to their entries: the same records for any strings (escaped or not),
    /// either member order, with or without whitespace, and a ProtocolError when the count differs
    /// from the request or text follows the reply.
    #[test]
    fn success_replies_decode_to_their_entries_whatever_their_form(
        entries in proptest::collection::vec(("[0-9]{1,20}|\\PC{0,8}", "shardId-[0-9]{12}|[a-z\"\\\\\u{1}é]{0,6}", any::<bool>()), 0..12),
        spaced in any::<bool>(),
        extra in 0usize..2,
    ) {
        let body = success_reply(&entries, spaced);
        let response = decode_put_records_response(&body, entries.len()).unwrap();
        prop_assert_eq!(response.failed_record_count, 0);
        let expected: Vec<RecordResult<'_>> = entries
            .iter()
            .map(|(sequence, shard, _)| RecordResult::Accepted {
                shard_id: shard.as_str().into(),
                sequence_number: sequence.as_str().into(),
            })
            .collect();
        prop_assert_eq!(response.records, expected);
        let error = decode_put_records_response(&body, entries.len() + 1 + extra).unwrap_err();
        prop_assert_eq!(error.code(), ErrorCode::ProtocolError);
        let mut trailing = body.clone();
        trailing.push(b'x');
        prop_assert_eq!(
            decode_put_records_response(&trailing, entries.len()).unwrap_err().code(),
            ErrorCode::ProtocolError
        );
    }
}
