//! Sizing for `keepalive` requests: browsers refuse a `keepalive` fetch once the bodies of all
//! `keepalive` requests in flight would exceed 64 KiB, so the request sent at page exit is packed
//! against the exact size of its JSON body, not against the records' payload bytes.
//!
//! [`request_body_len`] equals the length of `wire::encode_put_records` for the same records; the
//! producer's `poll_keepalive` packs whole records (never a split one) until the next would not fit.

use crate::core::config::StreamTarget;
use crate::core::crypto::base64;
use crate::core::record::Record;

/// The browser's keepalive budget: bytes of `keepalive` request bodies in flight at once (Fetch
/// standard, enforced by Chromium, Firefox and Safari).
pub const BROWSER_KEEPALIVE_BYTES: usize = 64 * 1024;

/// Bytes of the text `write_json_string_contents` writes for `text`.
pub fn json_string_contents_len(text: &str) -> usize {
    text.bytes()
        .map(|byte| match byte {
            b'"' | b'\\' | 0x08 | b'\t' | b'\n' | 0x0c | b'\r' => 2,
            0x00..=0x1f => 6,
            _ => 1,
        })
        .sum()
}

/// Body bytes of a PutRecords request for `stream` with no records: `{"Records":[],"StreamName":"…"}`.
pub fn request_overhead(stream: &StreamTarget) -> usize {
    let (key, value) = match stream {
        StreamTarget::Name(name) => ("\"StreamName\":\"", name),
        StreamTarget::Arn(arn) => ("\"StreamARN\":\"", arn),
    };
    "{\"Records\":[".len() + "],".len() + key.len() + json_string_contents_len(value) + "\"}".len()
}

/// Body bytes `record` adds to a request, without the comma that separates it from the previous one.
pub fn record_body_len(record: &Record) -> usize {
    "{\"Data\":\"".len()
        + base64::encoded_len(record.data().len())
        + record
            .explicit_hash_key()
            .map_or(0, |hash| "\",\"ExplicitHashKey\":\"".len() + hash.len())
        + "\",\"PartitionKey\":\"".len()
        + json_string_contents_len(record.partition_key())
        + "\"}".len()
}

/// The exact body length of a request for `stream` holding `records`.
pub fn request_body_len<'a>(
    stream: &StreamTarget,
    records: impl IntoIterator<Item = &'a Record>,
) -> usize {
    let mut total = request_overhead(stream);
    for (index, record) in records.into_iter().enumerate() {
        total += record_body_len(record) + usize::from(index > 0);
    }
    total
}

/// Body bytes a new `keepalive` request may have when `in_flight_bytes` of keepalive bodies are
/// already in flight against a `budget_bytes` budget.
pub fn keepalive_room(budget_bytes: usize, in_flight_bytes: usize) -> usize {
    budget_bytes.saturating_sub(in_flight_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::PutOptions;
    use crate::core::wire::encode_put_records;

    fn record(data: &[u8], key: &str, hash: Option<&str>) -> Record {
        Record::new(
            data.to_vec(),
            PutOptions {
                partition_key: key.into(),
                explicit_hash_key: hash.map(str::to_owned),
            },
        )
        .unwrap()
    }

    #[test]
    fn predicted_length_equals_the_encoded_body() {
        let streams = [
            StreamTarget::Name("clickstream".into()),
            StreamTarget::Arn("arn:aws:kinesis:us-east-1:123456789012:stream/a".into()),
        ];
        let mut records = Vec::new();
        for n in 0..40usize {
            let data: Vec<u8> = (0..n * 7).map(|i| i as u8).collect();
            let key = match n % 4 {
                0 => "plain".to_owned(),
                1 => format!("quote\"back\\slash{n}"),
                2 => "ctl\u{1}\u{8}\t\n\u{1f}é".to_owned(),
                _ => "ü".repeat(n + 1),
            };
            let hash = (n % 3 == 0).then(|| format!("{}", n * 1_000_003));
            records.push(record(&data, &key, hash.as_deref()));
        }
        for stream in &streams {
            for take in 0..records.len() {
                let mut body = Vec::new();
                encode_put_records(stream, &records[..take], &mut body);
                assert_eq!(
                    request_body_len(stream, &records[..take]),
                    body.len(),
                    "{take} records"
                );
            }
        }
    }

    #[test]
    fn room_never_underflows() {
        assert_eq!(keepalive_room(65_536, 70_000), 0);
        assert_eq!(keepalive_room(65_536, 1_536), 64_000);
    }
}
