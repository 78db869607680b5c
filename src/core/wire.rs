//! The PutRecords JSON wire format: the request encoder (hand-written, byte-identical to the AWS SDK
//! for JavaScript v3) and decoders for responses, AWS JSON error bodies and, for tests and tools,
//! request bodies.
//!
//! The SDK orders keys alphabetically: `{"Records":[{"Data":..,"ExplicitHashKey":..,"PartitionKey":..}],
//! "StreamARN"|"StreamName":..}` and escapes strings exactly as `JSON.stringify` does.

use crate::core::decimal::Decimal;
use crate::core::text::text;
use std::borrow::Cow;

use crate::core::config::StreamTarget;
use crate::core::crypto::base64;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::{self, JsonValue};
use crate::core::record::{PutOptions, Record};
use crate::core::text::{split_once_ascii, trim};

/// Bytes of the request body outside the records: `{"Records":[` + `],"StreamName":""}`.
const ENVELOPE_BYTES: usize = 32;
/// Bytes of one record outside its strings, with an ExplicitHashKey: `{"Data":"","ExplicitHashKey":"",
/// "PartitionKey":""},`.
const RECORD_FRAME_BYTES: usize = 56;

/// A capacity hint for `record` in a request body: at least its encoded size when the partition key
/// needs no escaping (the usual case).
pub fn encoded_record_len_hint(record: &Record) -> usize {
    RECORD_FRAME_BYTES
        + base64::encoded_len(record.data().len())
        + record.partition_key().len()
        + record.explicit_hash_key().map_or(0, str::len)
}

/// Appends the PutRecords body for `records` to `out`, byte-identical to the AWS SDK for JavaScript v3.
pub fn encode_put_records<'a, I>(stream: &StreamTarget, records: I, out: &mut Vec<u8>)
where
    I: IntoIterator<Item = &'a Record>,
    I::IntoIter: Clone,
{
    let records = records.into_iter();
    let (stream_key, stream_value) = match stream {
        StreamTarget::Name(name) => (&b"\"StreamName\":\""[..], name.as_str()),
        StreamTarget::Arn(arn) => (&b"\"StreamARN\":\""[..], arn.as_str()),
    };
    let mut hint = ENVELOPE_BYTES + stream_value.len();
    for record in records.clone() {
        hint += encoded_record_len_hint(record);
    }
    out.reserve(hint);
    let encoder = base64::Encoder::new();
    out.extend_from_slice(b"{\"Records\":[");
    for (index, record) in records.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        encode_record(&encoder, record, out);
    }
    out.extend_from_slice(b"],");
    out.extend_from_slice(stream_key);
    write_json_string_contents(stream_value, out);
    out.extend_from_slice(b"\"}");
}

fn encode_record(encoder: &base64::Encoder, record: &Record, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"Data\":\"");
    encoder.encode_into(record.data(), out);
    if let Some(explicit) = record.explicit_hash_key() {
        // Validated as decimal digits: nothing to escape.
        out.extend_from_slice(b"\",\"ExplicitHashKey\":\"");
        out.extend_from_slice(explicit.as_bytes());
    }
    out.extend_from_slice(b"\",\"PartitionKey\":\"");
    write_json_string_contents(record.partition_key(), out);
    out.extend_from_slice(b"\"}");
}

/// Appends `text` escaped as `JSON.stringify` escapes a string, without the surrounding quotes:
/// `"` and `\` get a backslash; U+0008, U+0009, U+000A, U+000C, U+000D become `\b \t \n \f \r`; other
/// controls below U+0020 become `\u00xx` (lowercase hex); everything else (DEL, non-ASCII, U+2028) is
/// copied raw.
pub fn write_json_string_contents(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut clean_from = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[clean_from..index]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0x0f)],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        clean_from = index + 1;
    }
    out.extend_from_slice(&bytes[clean_from..]);
}

/// The fate of one record in a PutRecords response, aligned by index with the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordResult<'a> {
    /// Kinesis stored the record.
    Accepted {
        /// The shard that holds it.
        shard_id: Cow<'a, str>,
        /// Its sequence number within the shard.
        sequence_number: Cow<'a, str>,
    },
    /// Kinesis rejected the record (e.g. `ProvisionedThroughputExceededException`, `InternalFailure`).
    Failed {
        /// The AWS error name.
        error_code: Cow<'a, str>,
        /// The AWS message (empty when absent).
        error_message: Cow<'a, str>,
    },
}

/// A decoded PutRecords response whose record count matched the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutRecordsResponse<'a> {
    /// How many entries failed.
    pub failed_record_count: usize,
    /// One result per request record, in request order.
    pub records: Vec<RecordResult<'a>>,
}

fn protocol_error(message: String) -> Error {
    Error::new(ErrorCode::ProtocolError, message)
}

/// An optional string member of `entry`: absent or `null` is `None`, another type is an error.
fn optional_string<'v, 'a>(
    entry: &'v JsonValue<'a>,
    key: &str,
) -> std::result::Result<Option<&'v Cow<'a, str>>, ()> {
    match entry.get(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::String(text)) => Ok(Some(text)),
        Some(_) => Err(()),
    }
}

/// The value of each of `keys` in `object` (the last one when a key repeats), each a string or absent
/// (`null` counts as absent); `Err` names the first of `keys` whose value has another type.
fn string_members<'v, 'a>(
    object: &'v JsonValue<'a>,
    keys: &[&'static str],
    found: &mut [Option<&'v Cow<'a, str>>],
) -> std::result::Result<(), &'static str> {
    for (key, out) in keys.iter().zip(found) {
        *out = match object.get(key) {
            None | Some(JsonValue::Null) => None,
            Some(JsonValue::String(text)) => Some(text),
            Some(_) => return Err(key),
        };
    }
    Ok(())
}

fn owned_or_empty<'a>(field: Option<&Cow<'a, str>>) -> Cow<'a, str> {
    field.cloned().unwrap_or(Cow::Borrowed(""))
}

/// The members of a PutRecords response entry the decoder reads, in the order their types are checked.
const ENTRY_KEYS: [&str; 4] = ["ShardId", "ErrorMessage", "ErrorCode", "SequenceNumber"];

/// Decodes a 200 PutRecords response for a request of `expected_records` records. Unknown fields
/// are ignored; `ProtocolError` when the body is not the expected JSON, when `Records` has another
/// length than the request, when `FailedRecordCount` disagrees with the failed entries, or when an
/// entry has neither `ErrorCode` nor `SequenceNumber`.
pub fn decode_put_records_response(
    body: &[u8],
    expected_records: usize,
) -> Result<PutRecordsResponse<'_>> {
    let invalid = |what: &str| protocol_error(text!("PutRecords response is not valid: {}", what));
    let value = json::parse_bytes(body)
        .map_err(|e| protocol_error(text!("PutRecords response is not valid: {}", e)))?;
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
        return Err(protocol_error(text!(
            "PutRecords response has {} Records for a request of {}",
            entries.len(),
            expected_records
        )));
    }
    let mut failed = 0usize;
    let mut records = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        if !matches!(entry, JsonValue::Object(_)) {
            return Err(protocol_error(text!(
                "PutRecords response is not valid: Records entry {} is not an object",
                index
            )));
        }
        let mut fields = [None; 4];
        string_members(entry, &ENTRY_KEYS, &mut fields).map_err(|key| {
            protocol_error(text!(
                "PutRecords response is not valid: Records entry {} {} is not a string",
                index,
                key
            ))
        })?;
        let [shard_id, error_message, error_code, sequence_number] = fields;
        let result = if let Some(error_code) = error_code {
            failed += 1;
            RecordResult::Failed {
                error_code: error_code.clone(),
                error_message: owned_or_empty(error_message),
            }
        } else if sequence_number.is_some() {
            RecordResult::Accepted {
                shard_id: owned_or_empty(shard_id),
                sequence_number: owned_or_empty(sequence_number),
            }
        } else {
            return Err(protocol_error(text!(
                "PutRecords response entry {} has neither ErrorCode nor SequenceNumber",
                index
            )));
        };
        records.push(result);
    }
    if let Some(reported) = reported {
        if reported != failed as u64 {
            return Err(protocol_error(text!(
                "PutRecords response says FailedRecordCount {} but {} entries failed",
                Decimal::from(reported),
                failed
            )));
        }
    }
    Ok(PutRecordsResponse {
        failed_record_count: failed,
        records,
    })
}

/// An AWS JSON error body: `{"__type": "namespace#Name" | "Name", "message" | "Message": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AwsErrorBody {
    /// The error name without any `namespace#` prefix or `:uri` suffix.
    pub name: Option<String>,
    /// The message, from `message` or `Message`.
    pub message: Option<String>,
}

/// Decodes an AWS JSON error body, tolerant of unknown fields, or else an AWS XML error body
/// (`<Error><Code>…</Code><Message>…</Message></Error>`, as IAM-style authentication failures come
/// from some endpoints and stand-ins); `None` when the body is neither (an HTML error page from a
/// proxy, an empty body). A JSON body whose `__type`, `message` or `Message` is neither a string nor
/// `null` counts as not JSON.
pub fn decode_error_body(body: &[u8]) -> Option<AwsErrorBody> {
    let value = json::parse_bytes(body).ok();
    let mut fields = [None; 3];
    let is_error_json = match &value {
        Some(object @ JsonValue::Object(_)) => {
            string_members(object, &["__type", "message", "Message"], &mut fields).is_ok()
        }
        _ => false,
    };
    if !is_error_json {
        return decode_xml_error_body(body);
    }
    let [error_type, message, message_capitalised] = fields;
    if error_type.is_none() && message.is_none() && message_capitalised.is_none() {
        return None;
    }
    Some(AwsErrorBody {
        name: error_type.map(|name| normalize_error_name(name).to_owned()),
        message: message
            .or(message_capitalised)
            .map(|text| String::from(&**text)),
    })
}

/// The `<Code>` and `<Message>` of an AWS XML error body; `None` without a `<Code>`.
fn decode_xml_error_body(body: &[u8]) -> Option<AwsErrorBody> {
    let text = std::str::from_utf8(body).ok()?;
    if trim(text).as_bytes().first() != Some(&b'<') {
        return None;
    }
    let element = |open: &[u8], close: &[u8]| -> Option<String> {
        let start = find_bytes(body, open)? + open.len();
        let end = start + find_bytes(body.get(start..)?, close)?;
        // Both ends sit next to ASCII '>' and '<', so they are char boundaries.
        Some(unescape_xml(trim(text.get(start..end)?)))
    };
    let name = element(b"<Code>", b"</Code>").filter(|code| !code.is_empty())?;
    Some(AwsErrorBody {
        name: Some(normalize_error_name(&name).to_owned()),
        message: element(b"<Message>", b"</Message>"),
    })
}

/// Where `needle` (not empty) first occurs in `haystack`.
fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at + needle.len() <= haystack.len() {
        if haystack.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// Replaces the five predefined XML entities (`&amp;` last, so `&amp;lt;` becomes `&lt;`).
fn unescape_xml(text: &str) -> String {
    const ENTITIES: [(&[u8], char); 5] = [
        (b"&lt;", '<'),
        (b"&gt;", '>'),
        (b"&quot;", '"'),
        (b"&apos;", '\''),
        (b"&amp;", '&'),
    ];
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut clean_from = 0;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let mut matched = None;
        for (entity, replacement) in &ENTITIES {
            if rest.starts_with(entity) {
                matched = Some((entity.len(), *replacement));
                break;
            }
        }
        match matched {
            Some((entity_len, replacement)) => {
                out.push_str(text.get(clean_from..at).unwrap_or_default());
                out.push(replacement);
                at += entity_len;
                clean_from = at;
            }
            None => at += 1,
        }
    }
    out.push_str(text.get(clean_from..).unwrap_or_default());
    out
}

/// Strips the `namespace#` prefix and any `:http://...` suffix from an AWS error type
/// (`com.amazonaws.kinesis.v20131202#ResourceNotFoundException` → `ResourceNotFoundException`).
pub fn normalize_error_name(raw: &str) -> &str {
    // '#' and ':' are ASCII, so the cuts are char boundaries and `get` never fails.
    let bytes = raw.as_bytes();
    let mut start = bytes.len();
    while start > 0 && bytes[start - 1] != b'#' {
        start -= 1;
    }
    let after_hash = raw.get(start..).unwrap_or_default();
    let name = split_once_ascii(after_hash, b':').map_or(after_hash, |(name, _)| name);
    trim(name)
}

/// A decoded request body: the target stream and its records (decoded from base64 and re-validated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutRecordsRequest {
    /// `StreamName` or `StreamARN`.
    pub stream: StreamTarget,
    /// The records in request order.
    pub records: Vec<Record>,
}

/// Decodes a PutRecords request body (for tests, proxies and tools). `ProtocolError` for bad JSON,
/// bad base64, or neither/both of `StreamName` and `StreamARN`; record limits as in [`Record::new`].
pub fn decode_put_records_request(body: &[u8]) -> Result<PutRecordsRequest> {
    let invalid = |what: &str| protocol_error(text!("PutRecords request is not valid: {}", what));
    let value = json::parse_bytes(body).map_err(|e| invalid(&text!("{}", e)))?;
    if !matches!(value, JsonValue::Object(_)) {
        return Err(invalid("not a JSON object"));
    }
    let member = |object: &JsonValue<'_>, key: &str| {
        optional_string(object, key)
            .map(|text| text.map(|text| String::from(&**text)))
            .map_err(|()| invalid(&text!("{} is not a string", key)))
    };
    let stream = match (member(&value, "StreamName")?, member(&value, "StreamARN")?) {
        (Some(name), None) => StreamTarget::Name(name),
        (None, Some(arn)) => StreamTarget::Arn(arn),
        _ => {
            return Err(protocol_error(
                "PutRecords request needs exactly one of StreamName and StreamARN".to_owned(),
            ))
        }
    };
    let entries = value
        .get("Records")
        .and_then(JsonValue::as_array)
        .ok_or_else(|| invalid("Records is not an array"))?;
    let mut records = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let required = |key: &str| {
            member(entry, key)?.ok_or_else(|| invalid(&text!("record {} has no {}", index, key)))
        };
        if !matches!(entry, JsonValue::Object(_)) {
            return Err(invalid(&text!("record {} is not an object", index)));
        }
        let data = base64::decode(required("Data")?.as_bytes()).ok_or_else(|| {
            protocol_error(text!(
                "record {} Data is not canonical padded base64",
                index
            ))
        })?;
        records.push(Record::new(
            data,
            PutOptions {
                partition_key: required("PartitionKey")?,
                explicit_hash_key: member(entry, "ExplicitHashKey")?,
            },
        )?);
    }
    Ok(PutRecordsRequest { stream, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sequence of up to five entity fragments.
    fn fragment_texts() -> Vec<String> {
        const PIECES: [&str; 9] = ["&", "lt;", "gt;", "quot;", "apos;", "amp;", "a", ";", "é"];
        let mut texts = vec![String::new()];
        let mut last = texts.clone();
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|text| PIECES.iter().map(move |piece| format!("{text}{piece}")))
                .collect();
            texts.extend(last.iter().cloned());
        }
        texts
    }

    #[test]
    fn unescape_xml_is_the_sequential_replace_of_the_five_entities() {
        for text in fragment_texts() {
            let expected = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            assert_eq!(unescape_xml(&text), expected, "{text}");
        }
    }

    #[test]
    fn normalize_error_name_cuts_namespace_and_suffix() {
        for (raw, name) in [
            (
                "com.amazonaws.kinesis.v20131202#ResourceNotFoundException",
                "ResourceNotFoundException",
            ),
            ("a#b#Throttling:http://internal", "Throttling"),
            (" Name ", "Name"),
            ("#", ""),
            (":x", ""),
            ("é#ü:ö", "ü"),
        ] {
            assert_eq!(normalize_error_name(raw), name, "{raw}");
        }
    }
}
