//! The shipped JSON reader (core::json) against serde_json: the same values for generated documents
//! (compact and pretty, every string escaped or not), the same accept/reject verdict for mutated
//! text, strict rejection of malformed input, and PutRecords responses / error bodies built with
//! serde_json decoded to what they say.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_clickstream::core::json::{self, JsonValue, MAX_DEPTH};
use kinesis_clickstream::core::wire::{
    decode_error_body, decode_put_records_response, RecordResult,
};
use proptest::prelude::*;
use serde_json::{json, Map, Number, Value};

/// Our value as a serde_json value (numbers through serde_json's own reading of their text).
fn to_serde(value: &JsonValue<'_>) -> Value {
    match value {
        JsonValue::Null => Value::Null,
        JsonValue::Bool(flag) => Value::Bool(*flag),
        JsonValue::Number(text) => serde_json::from_str(text).expect("grammar-checked number"),
        JsonValue::String(text) => Value::String(text.to_string()),
        JsonValue::Array(items) => Value::Array(items.iter().map(to_serde).collect()),
        JsonValue::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, value)| (key.to_string(), to_serde(value)))
                .collect(),
        ),
    }
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| Value::Number(Number::from_f64(x).unwrap())),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `text` as a JSON string literal with every character written as `\u` escapes (surrogate pairs
/// above U+FFFF).
fn fully_escaped(text: &str) -> String {
    let mut out = String::from("\"");
    for unit in text.encode_utf16() {
        out.push_str(&format!("\\u{unit:04X}"));
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn generated_documents_read_as_serde_json_reads_them(value in any_value()) {
        for text in [serde_json::to_string(&value).unwrap(), serde_json::to_string_pretty(&value).unwrap()] {
            let ours = json::parse(&text).unwrap();
            // serde_json's own reading of the text (its float parsing is not exact round trip).
            let reference: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(to_serde(&ours), reference);
        }
    }

    #[test]
    fn unicode_escapes_decode_to_the_same_text(text in any::<String>()) {
        let literal = fully_escaped(&text);
        let ours = json::parse(&literal).unwrap();
        prop_assert_eq!(ours.as_str(), Some(text.as_str()));
        prop_assert_eq!(serde_json::from_str::<String>(&literal).unwrap(), text);
    }

    #[test]
    fn mutated_text_gets_the_same_verdict_as_serde_json(
        value in any_value(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(
            &[" ", "{", "}", "[", "]", ",", ":", "\"", "\\", "-", "0", "1", ".", "e", "+", "t",
              "n", "u", "x", "\u{1}", "\\u", "\\ud800", "\\udc00", ""][..]), any::<bool>()), 1..4),
    ) {
        let mut text = serde_json::to_string(&value).unwrap();
        for (at, piece, replace) in edits {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = if replace {
                text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
            } else {
                at
            };
            text.replace_range(at..end, piece);
        }
        let reference = serde_json::from_str::<Value>(&text);
        // serde_json also rejects numbers beyond f64 range; the reader keeps numbers as text.
        if let Err(error) = &reference {
            if error.to_string().contains("number out of range") {
                return Ok(());
            }
        }
        let ours = json::parse(&text);
        prop_assert_eq!(ours.is_ok(), reference.is_ok(), "{:?}: {:?} vs {:?}", text, ours, reference);
        if let (Ok(ours), Ok(reference)) = (ours, reference) {
            prop_assert_eq!(to_serde(&ours), reference);
        }
    }

    #[test]
    fn integers_read_as_u64_exactly_when_serde_json_does(text in prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "(0|[1-9][0-9]{0,24})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?",
        Just("-0".to_owned()),
        Just("18446744073709551616".to_owned()),
    ]) {
        let ours = json::parse(&text).unwrap();
        let reference: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(ours.as_u64(), reference.as_u64(), "{}", text);
    }

    #[test]
    fn generated_responses_decode_entry_by_entry(
        entries in prop::collection::vec((any::<bool>(), any::<String>(), any::<String>()), 0..40),
        extra in any_value(),
        with_count in any::<bool>(),
    ) {
        let records: Vec<Value> = entries
            .iter()
            .map(|(failed, first, second)| if *failed {
                json!({"ErrorCode": first, "ErrorMessage": second, "Extra": extra})
            } else {
                json!({"ShardId": first, "SequenceNumber": second})
            })
            .collect();
        let failures = entries.iter().filter(|(failed, _, _)| *failed).count();
        let mut body = json!({"Records": records, "EncryptionType": "KMS", "Unknown": extra});
        if with_count {
            body["FailedRecordCount"] = json!(failures);
        }
        let bytes = serde_json::to_vec_pretty(&body).unwrap();
        let decoded = decode_put_records_response(&bytes, entries.len()).unwrap();
        prop_assert_eq!(decoded.failed_record_count, failures);
        for ((failed, first, second), result) in entries.iter().zip(&decoded.records) {
            let expected = if *failed {
                RecordResult::Failed { error_code: first.into(), error_message: second.into() }
            } else {
                RecordResult::Accepted { shard_id: first.into(), sequence_number: second.into() }
            };
            prop_assert_eq!(result, &expected);
        }
        if with_count {
            body["FailedRecordCount"] = json!(failures + 1);
            let bytes = serde_json::to_vec(&body).unwrap();
            prop_assert!(decode_put_records_response(&bytes, entries.len()).is_err());
        }
        prop_assert!(decode_put_records_response(&bytes, entries.len() + 1).is_err());
    }

    #[test]
    fn generated_error_bodies_give_name_and_message(
        name in "[A-Za-z]{1,30}",
        namespace in prop::option::of("[a-z.0-9]{1,30}"),
        message in any::<String>(),
        capitalised in any::<bool>(),
    ) {
        let qualified = match &namespace {
            Some(namespace) => format!("{namespace}#{name}"),
            None => name.clone(),
        };
        let message_key = if capitalised { "Message" } else { "message" };
        let body = serde_json::to_vec(&json!({"__type": qualified, message_key: message})).unwrap();
        let decoded = decode_error_body(&body).unwrap();
        prop_assert_eq!(decoded.name, Some(name));
        prop_assert_eq!(decoded.message, Some(message));
    }
}

#[test]
fn malformed_text_is_rejected() {
    for text in [
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "[1 2]",
        "01",
        "-",
        "-01",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "0x10",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "True",
        "\"abc",
        "\"a\u{1}b\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"\\ud800\"",
        "\"\\ud800\\u0041\"",
        "\"\\udc00\"",
        "1 2",
        "{} x",
        "/* c */ 1",
        "\u{feff}1",
    ] {
        assert!(json::parse(text).is_err(), "{text:?} was accepted");
        assert!(
            serde_json::from_str::<Value>(text).is_err(),
            "serde_json accepts {text:?}"
        );
    }
    assert_eq!(
        json::parse_bytes(b"\"\xff\"").unwrap_err().reason,
        "invalid UTF-8"
    );
}

#[test]
fn errors_say_what_and_where() {
    let error = json::parse("[1,]").unwrap_err();
    assert_eq!(error.offset, 3);
    assert_eq!(error.to_string(), "expected a value at byte 3");
    let error = json::parse("{\"a\":01}").unwrap_err();
    assert_eq!(error.to_string(), "leading zero in a number at byte 5");
}

#[test]
fn nesting_stops_at_the_depth_limit() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(json::parse(&nested(MAX_DEPTH)).is_ok());
    assert_eq!(
        json::parse(&nested(MAX_DEPTH + 1)).unwrap_err().reason,
        "nesting too deep"
    );
    assert!(json::parse(&"[".repeat(100_000)).is_err());
    let objects = format!(
        "{}1{}",
        "{\"a\":".repeat(MAX_DEPTH + 1),
        "}".repeat(MAX_DEPTH + 1)
    );
    assert!(json::parse(&objects).is_err());
}

#[test]
fn strings_borrow_unless_escaped_and_lookups_take_the_last_duplicate() {
    let value = json::parse(r#"{"plain":"abc","escaped":"a\nb\/c","k":1,"k":2}"#).unwrap();
    assert!(matches!(
        value.get("plain"),
        Some(JsonValue::String(std::borrow::Cow::Borrowed("abc")))
    ));
    assert_eq!(
        value.get("escaped").and_then(JsonValue::as_str),
        Some("a\nb/c")
    );
    assert_eq!(value.get("k").and_then(JsonValue::as_u64), Some(2));
    assert_eq!(value.get("missing"), None);
    assert_eq!(JsonValue::Null.get("k"), None);
    assert_eq!(json::parse("[1]").unwrap().as_str(), None);
}

#[test]
fn malformed_response_shapes_are_protocol_errors() {
    for body in [
        &br#"[]"#[..],
        br#"{"Records":[1]}"#,
        br#"{"Records":[{"SequenceNumber":1}]}"#,
        br#"{"Records":[{"SequenceNumber":"1","ShardId":2}]}"#,
        br#"{"Records":[{"ErrorCode":"X","ErrorMessage":[]}]}"#,
        br#"{"FailedRecordCount":-1,"Records":[{"SequenceNumber":"1"}]}"#,
        br#"{"FailedRecordCount":0.0,"Records":[{"SequenceNumber":"1"}]}"#,
        br#"{"FailedRecordCount":"0","Records":[{"SequenceNumber":"1"}]}"#,
        br#"{"Records":null}"#,
        b"{\"Records\":[{\"SequenceNumber\":\"\xff\"}]}",
    ] {
        assert!(
            decode_put_records_response(body, 1).is_err(),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let nulls = br#"{"FailedRecordCount":null,"Records":[{"SequenceNumber":"1","ShardId":null,"ErrorCode":null}]}"#;
    assert_eq!(
        decode_put_records_response(nulls, 1).unwrap().records[0],
        RecordResult::Accepted {
            shard_id: "".into(),
            sequence_number: "1".into()
        }
    );
    assert!(decode_error_body(br#"{"__type":7,"message":"m"}"#).is_none());
    assert!(decode_error_body(br#"{"__type":null,"message":null}"#).is_none());
}
